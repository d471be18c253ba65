package mgmtapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

var fastRetry = mfaapi.RetryPolicy{MaxRetries: 4, BaseDelay: 10 * time.Millisecond, MaxDelay: 2 * time.Second}

// clients are an MFA API client of the tenant and the Management API client sharing its
// transport; management credentials are the emulator's management application's, or a client
// id and secret given.
func clients(t *testing.T, tn *emutest.Tenant, credentials ...string) (*mfaapi.Client, *mgmtapi.Client) {
	t.Helper()
	cfg := mfaapi.Config{Domain: emutest.Domain, BaseURL: tn.URL, ClientID: emutest.ClientID, ClientSecret: emutest.ClientSecret, Retry: fastRetry}
	if len(credentials) == 2 {
		cfg.ManagementClientID, cfg.ManagementClientSecret = credentials[0], credentials[1]
	}
	api, err := mfaapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return api, mgmtapi.New(api)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestRegenerateRecoveryCode(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	if _, m := clients(t, tn); !errors.Is(func() error { _, err := m.RegenerateRecoveryCode(ctx(t), emutest.UserID); return err }(), mfaapi.ErrNoManagementClient) {
		t.Fatal("without management credentials the call must say so")
	}
	api, m := clients(t, tn, emutest.ManagementClientID, emutest.ManagementClientSecret)
	tokensBefore := tn.Stats()["POST /oauth/token"]

	// A user with no factor gets a code as well (recorded: go-auth0 v1.9.0
	// TestUserManager_RegenerateRecoveryCode.yaml).
	if code, err := m.RegenerateRecoveryCode(ctx(t), emutest.UserID); err != nil || len(code) != 24 {
		t.Fatalf("a user with no factor: %q %v", code, err)
	}
	e, err := api.Session(mfaapi.Login{Username: emutest.Username, Password: emutest.Password}).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := m.RegenerateRecoveryCode(ctx(t), emutest.UserID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := m.RegenerateRecoveryCode(ctx(t), emutest.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if first == second || first == e.RecoveryCodes[0] || len(first) != 24 {
		t.Fatalf("codes %q, %q after %q", first, second, e.RecoveryCodes[0])
	}
	// One client-credentials token for the three calls (the enrollment's own grants aside).
	if n := tn.Stats()["POST /oauth/token"] - tokensBefore - 2; n != 1 {
		t.Fatalf("%d client-credentials requests for three regenerations; the Management token should be reused", n)
	}
	var apiErr *mfaapi.Error
	_, err = m.RegenerateRecoveryCode(ctx(t), "auth0|nobody")
	if !mfaapi.IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.Code != "inexistent_user" {
		t.Fatalf("an unknown user: %v", err)
	}
	_, bad := clients(t, tn, emutest.ClientID, emutest.ClientSecret)
	if _, err := bad.RegenerateRecoveryCode(ctx(t), emutest.UserID); !errors.As(err, &apiErr) || apiErr.Code != "access_denied" {
		t.Fatalf("an application without a Management API grant: %v", err)
	}
}

// The factors of a user with their creation times, found by the user's email.
func TestFactorTimes(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	api, m := clients(t, tn, emutest.ManagementClientID, emutest.ManagementClientSecret)
	e, err := api.Session(mfaapi.Login{Username: emutest.Username, Password: emutest.Password}).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	times := m.FactorTimes(ctx(t), emutest.Username, "")
	if _, err := time.Parse(time.RFC3339, times[e.ID]); err != nil {
		t.Fatalf("times %v: no creation time of %s", times, e.ID)
	}
	if got := m.FactorTimes(ctx(t), "nobody@example.com", ""); got != nil {
		t.Fatalf("an unknown email: %v", got)
	}
}
