package mfaapi_test

import (
	"errors"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

func withManagement(cfg *mfaapi.Config) {
	cfg.ManagementClientID, cfg.ManagementClientSecret = emutest.ManagementClientID, emutest.ManagementClientSecret
}

func TestRegenerateRecoveryCode(t *testing.T) {
	tn := newTenant(t)
	if _, err := newClient(t, tn).RegenerateRecoveryCode(ctx(t), emutest.UserID); !errors.Is(err, mfaapi.ErrNoManagementClient) {
		t.Fatalf("without management credentials: %v", err)
	}
	c := newClient(t, tn, withManagement)
	tokensBefore := tn.Stats()["POST /oauth/token"]

	// A user with no factor gets a code as well (recorded: go-auth0 v1.9.0
	// TestUserManager_RegenerateRecoveryCode.yaml).
	if code, err := c.RegenerateRecoveryCode(ctx(t), emutest.UserID); err != nil || len(code) != 24 {
		t.Fatalf("a user with no factor: %q %v", code, err)
	}
	e, err := c.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.RegenerateRecoveryCode(ctx(t), emutest.UserID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.RegenerateRecoveryCode(ctx(t), emutest.UserID)
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
	_, err = c.RegenerateRecoveryCode(ctx(t), "auth0|nobody")
	if !mfaapi.IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.Code != "inexistent_user" {
		t.Fatalf("an unknown user: %v", err)
	}
	bad := newClient(t, tn, func(cfg *mfaapi.Config) {
		cfg.ManagementClientID, cfg.ManagementClientSecret = emutest.ClientID, emutest.ClientSecret
	})
	if _, err := bad.RegenerateRecoveryCode(ctx(t), emutest.UserID); !errors.As(err, &apiErr) || apiErr.Code != "access_denied" {
		t.Fatalf("an application without a Management API grant: %v", err)
	}
}
