package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"auth0mfa": providerserver.NewProtocol6WithError(New("test")()),
}

// accEnv is where an acceptance test runs: the in-process emulator (the default, and CI), or a
// real tenant when AUTH0MFA_ACC_DOMAIN is set. Real-tenant variables:
//
//	AUTH0MFA_ACC_DOMAIN, AUTH0MFA_ACC_CLIENT_ID, AUTH0MFA_ACC_CLIENT_SECRET: an application with the
//	  Password and MFA grant types;
//	AUTH0MFA_ACC_USERNAME, AUTH0MFA_ACC_PASSWORD: a test user with no MFA factor enrolled.
type accEnv struct {
	tenant   *emutest.Tenant // nil against a real tenant
	domain   string
	baseURL  string
	clientID string
	secret   string
	username string
	password string
}

func newAccEnv(t *testing.T) *accEnv {
	t.Helper()
	if d := os.Getenv("AUTH0MFA_ACC_DOMAIN"); d != "" {
		return &accEnv{domain: d, clientID: os.Getenv("AUTH0MFA_ACC_CLIENT_ID"), secret: os.Getenv("AUTH0MFA_ACC_CLIENT_SECRET"),
			username: os.Getenv("AUTH0MFA_ACC_USERNAME"), password: os.Getenv("AUTH0MFA_ACC_PASSWORD")}
	}
	return newAccEnvOn(t, emutest.Config())
}

// newAccEnvOn is an emulator environment on the given tenant configuration (an MFA policy,
// attack protection, factors).
func newAccEnvOn(t *testing.T, cfg emulator.Config) *accEnv {
	tn := emutest.Start(t, cfg)
	return &accEnv{tenant: tn, domain: emutest.Domain, baseURL: tn.URL, clientID: emutest.ClientID,
		secret: emutest.ClientSecret, username: emutest.Username, password: emutest.Password}
}

// emulatorOnly skips tests that steer the tenant (users, faults, clock) on a real tenant.
func (e *accEnv) emulatorOnly(t *testing.T) *emutest.Tenant {
	t.Helper()
	if e.tenant == nil {
		t.Skip("needs the emulator's control API")
	}
	return e.tenant
}

func (e *accEnv) providerBlock() string {
	base := ""
	if e.baseURL != "" {
		base = fmt.Sprintf("  base_url = %q\n", e.baseURL)
	}
	return fmt.Sprintf("provider \"auth0mfa\" {\n  domain = %q\n%s  client_id = %q\n  client_secret = %q\n}\n",
		e.domain, base, e.clientID, e.secret)
}

// addUser creates a user at the emulator and returns its login values.
func (e *accEnv) addUser(t *testing.T, username string) (string, string) {
	t.Helper()
	tn := e.emulatorOnly(t)
	password := "pw-" + username
	if err := tn.AddUser(emulator.UserConfig{Username: username, Email: username, Password: password}); err != nil {
		t.Fatal(err)
	}
	return username, password
}

// client is a fresh API client (its own sessions, like another terraform run on this
// machine: it shares the record of used TOTP steps with the in-process provider, as every
// terraform run on one machine does).
func (e *accEnv) client(_ testing.TB) *mfaapi.Client {
	c, err := mfaapi.New(mfaapi.Config{Domain: e.domain, BaseURL: e.baseURL, ClientID: e.clientID, ClientSecret: e.secret,
		TOTPStore: totp.DefaultStore()})
	if err != nil {
		panic("the test environment's client configuration is invalid: " + err.Error())
	}
	return c
}

// managementClient is a Management API client with the emulator's management application,
// for the administrator's side of a test (a reset, a method made by hand).
func (e *accEnv) managementClient(_ testing.TB) *mgmtapi.Client {
	c, err := mfaapi.New(mfaapi.Config{Domain: e.domain, BaseURL: e.baseURL, ClientID: e.clientID, ClientSecret: e.secret,
		ManagementClientID: emutest.ManagementClientID, ManagementClientSecret: emutest.ManagementClientSecret})
	if err != nil {
		panic("the test environment's client configuration is invalid: " + err.Error())
	}
	return mgmtapi.New(c)
}

// authenticators is the tenant's truth for a user (through the control API, or by listing).
// It returns nil for an unknown user or an unreachable tenant; callers compare contents.
func (e *accEnv) authenticators(t testing.TB, username, password string) []mfaapi.Authenticator {
	if e.tenant != nil {
		list, err := e.tenant.Authenticators(username)
		if err != nil {
			return nil
		}
		out := make([]mfaapi.Authenticator, 0, len(list))
		for _, a := range list {
			out = append(out, mfaapi.Authenticator{ID: a.ID, AuthenticatorType: a.AuthenticatorType, Active: a.Active, OOBChannel: a.OOBChannel, Name: a.Name})
		}
		return out
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := e.client(t).Session(mfaapi.Login{Username: username, Password: password}).List(ctx)
	if err != nil {
		return nil
	}
	return list
}

// checkNoFactors is a CheckDestroy: the tenant holds no factor (active or pending) for the user
// other than verified emails.
func (e *accEnv) checkNoFactors(t *testing.T, username, password string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, a := range e.authenticators(t, username, password) {
			if a.OOBChannel != "email" {
				return fmt.Errorf("user %s still has %s (active=%v) after destroy", username, a.ID, a.Active)
			}
		}
		return nil
	}
}

func loginHCL(username, password string, extra ...string) string {
	s := fmt.Sprintf("  login = {\n    username = %q\n    password = %q\n", username, password)
	for _, x := range extra {
		s += "    " + x + "\n"
	}
	return s + "  }\n"
}

func loginOf(username, password string) mfaapi.Login {
	return mfaapi.Login{Username: username, Password: password}
}

func stepUpNone() mfaapi.StepUp { return mfaapi.StepUp{} }
