package mfaapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// fastRetry keeps retry tests quick while exercising the same code paths.
var fastRetry = mfaapi.RetryPolicy{MaxRetries: 4, BaseDelay: 10 * time.Millisecond, MaxDelay: 2 * time.Second}

func newTenant(t *testing.T, opts ...emulator.Option) *emutest.Tenant {
	return emutest.Start(t, emutest.Config(), opts...)
}

func newClient(t *testing.T, tn *emutest.Tenant, mutate ...func(*mfaapi.Config)) *mfaapi.Client {
	t.Helper()
	// Clients of one tenant are processes of one machine: they share the record of used TOTP
	// steps as the provider's processes do (a test of separate machines overrides it).
	cfg := mfaapi.Config{Domain: emutest.Domain, BaseURL: tn.URL, ClientID: emutest.ClientID,
		ClientSecret: emutest.ClientSecret, UserAgent: "test-agent/1", Retry: fastRetry, TOTPStore: machineStore(t, tn)}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := mfaapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var machineStores sync.Map // *emutest.Tenant -> totp.Store

func machineStore(t *testing.T, tn *emutest.Tenant) totp.Store {
	if st, ok := machineStores.Load(tn); ok {
		return st.(totp.Store)
	}
	st, _ := machineStores.LoadOrStore(tn, totp.DirStore{Dir: t.TempDir()})
	return st.(totp.Store)
}

func alice() mfaapi.Login {
	return mfaapi.Login{Username: emutest.Username, Password: emutest.Password}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return c
}

// activeIDs is the tenant's truth about the fixture user: its authenticators and whether each is active.
func activeIDs(t *testing.T, tn *emutest.Tenant) map[string]bool {
	t.Helper()
	list, err := tn.Authenticators(emutest.Username)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, a := range list {
		out[a.ID] = a.Active
	}
	return out
}
