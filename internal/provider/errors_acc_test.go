package provider

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// The errors a user meets, each through the real terraform with its diagnostic.
func TestAccErrorsUsersMeet(t *testing.T) {
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "password-only", ClientSecret: "password-only-secret",
		GrantTypes: []string{emulator.GrantPassword}})
	tn := emutest.Start(t, cfg)
	env := &accEnv{tenant: tn, domain: emutest.Domain, baseURL: tn.URL, clientID: emutest.ClientID, secret: emutest.ClientSecret}
	provider := func(mutate func(*accEnv)) string {
		e := *env
		if mutate != nil {
			mutate(&e)
		}
		return e.providerBlock()
	}
	if err := tn.AddUser(emulator.UserConfig{Username: "limit@example.com", Password: "pw-limit-1"}); err != nil {
		t.Fatal(err)
	}
	mfa := tn.MFAToken(t, "limit@example.com", "pw-limit-1")
	for i := 0; i < 50; i++ {
		if r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, "Authorization: Bearer "+mfa); r.Status != http.StatusOK {
			t.Fatalf("associate %d: %d", i, r.Status)
		}
	}
	resourceFor := func(username, password string) string {
		return "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(username, password) + "}\n"
	}
	cases := []struct {
		name          string
		config        string
		want          string
		leavesPending bool // Auth0 only refuses at confirmation, after associate created a pending factor
	}{
		{"wrong password", provider(nil) + resourceFor(emutest.Username, "not-the-password"), `Auth0 rejected the username or password of user "alice@example.com"`, false},
		{"unknown user", provider(nil) + resourceFor("nobody@example.com", "whatever-1"), `Auth0 rejected the username or password of user "nobody@example.com"`, false},
		{"client without the MFA grant", provider(func(e *accEnv) { e.clientID, e.secret = "password-only", "password-only-secret" }) + resourceFor(emutest.Username, emutest.Password),
			`(?s)Advanced Settings > Grant Types and enable Password\s+and MFA.*removes such\s+leftovers`, true},
		{"wrong client secret", provider(func(e *accEnv) { e.secret = "wrong-client-secret" }) + resourceFor(emutest.Username, emutest.Password), `rejected the application's credentials`, false},
		{"mistyped domain", provider(func(e *accEnv) { e.domain = "tenant-typo.example.com" }) + resourceFor(emutest.Username, emutest.Password),
			`(?s)Check\s+domain.*https://tenant-typo.example.com/mfa/`, false},
		{"unreachable base URL", provider(func(e *accEnv) { e.baseURL = "http://127.0.0.1:1" }) + resourceFor(emutest.Username, emutest.Password), `got no answer from Auth0`, false},
		{"http to a non-loopback host", provider(func(e *accEnv) { e.baseURL = "http://tenant.example.com" }) + resourceFor(emutest.Username, emutest.Password), `not loopback`, false},
		{"user at the pending-enrollment limit", provider(nil) + resourceFor("limit@example.com", "pw-limit-1"), `limit of unconfirmed\s+enrollments`, false},
		{"domain with a scheme", provider(func(e *accEnv) { e.domain = "https://tenant.example.com" }) + resourceFor(emutest.Username, emutest.Password), `bare host name`, false},
		{"blank username", provider(nil) + resourceFor("  ", "pw-1"), `must not be empty or only white space`, false},
		{"bad otp_secret", provider(nil) + "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(emutest.Username, emutest.Password, `otp_secret = "not base32!"`) + "}\n", `not valid base32`, false},
		{"bad realm", provider(nil) + "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(emutest.Username, emutest.Password, `realm = "my realm"`) + "}\n", `database connection name`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tenantFactorCount(t, tn)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
			want := 0
			if tc.leavesPending {
				want = 1
			}
			if after := tenantFactorCount(t, tn); after-before != want {
				t.Fatalf("the tenant holds %d more authenticators, want %d", after-before, want)
			}
		})
	}
}

// tenantFactorCount counts every authenticator (recovery codes aside) of every user.
func tenantFactorCount(t *testing.T, tn *emutest.Tenant) int {
	n := 0
	for _, u := range tn.Users() {
		list, err := tn.Authenticators(u.Username)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.AuthenticatorType != "recovery-code" {
				n++
			}
		}
	}
	return n
}
