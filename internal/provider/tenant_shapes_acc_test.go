package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// firstFactorKinds are the factors a user can be given as its very first one; under MFA
// policy "never" that first enrollment is confirmed with the access token Auth0 mints without
// a challenge, under "always" with the mfa_token.
var firstFactorKinds = []struct{ kind, body, idPrefix string }{
	{"sms", "  channel = \"sms\"\n  phone_number = \"+15551231001\"\n", "sms|dev_"},
	{"voice", "  channel = \"voice\"\n  phone_number = \"+15551231002\"\n", "voice|dev_"},
	{"email", "  channel = \"email\"\n  email = \"email-factor@example.com\"\n", "email|dev_"},
	{"push", "  channel = \"auth0\"\n", "push|dev_"},
}

// The core lifecycle of every resource and the data source, under each MFA policy: each
// factor kind as a user's first factor, a recovery code regenerated, the factors listed, a
// plan that finds nothing to change, an import, and a destroy that leaves every user bare.
func TestAccCoreLifecycleUnderEachMFAPolicy(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			env := newAccEnvOn(t, emutest.ConfigWithPolicy(policy))
			users := map[string]string{}
			var cfg strings.Builder
			cfg.WriteString(recoveryConfig(env, env.providerBlockWithManagement(), emutest.UserID, "1"))
			for _, k := range firstFactorKinds {
				u, p := env.addUser(t, k.kind+"-user@example.com")
				users[k.kind] = p
				body := k.body
				if k.kind == "push" {
					approvePushes(t, env, u)
				} else {
					body += "  " + codeCommand(env) + "\n"
				}
				fmt.Fprintf(&cfg, "resource \"auth0mfa_oob_authenticator\" %q {\n%s%s}\n", k.kind, loginHCL(u, p), body)
			}
			fmt.Fprintf(&cfg, "data \"auth0mfa_authenticators\" \"sms\" {\n%s  depends_on = [auth0mfa_oob_authenticator.sms]\n}\n",
				loginHCL("sms-user@example.com", users["sms"]))
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(otpAddr, at("active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(otpAddr, at("recovery_codes"), knownvalue.ListSizeExact(1)),
				checkActiveAtTenant(env, otpAddr, env.username, env.password),
				checkRecoveryCodeWorks(env),
				statecheck.ExpectKnownValue("data.auth0mfa_authenticators.sms", at("authenticators"), knownvalue.ListSizeExact(3)), // sms, its voice twin, the recovery code
			}
			for _, k := range firstFactorKinds {
				addr := "auth0mfa_oob_authenticator." + k.kind
				checks = append(checks,
					statecheck.ExpectKnownValue(addr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(k.idPrefix)))),
					statecheck.ExpectKnownValue(addr, at("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, at("recovery_codes"), knownvalue.ListSizeExact(1)),
					checkActiveAtTenant(env, addr, k.kind+"-user@example.com", users[k.kind]))
			}
			var otpID string
			checks = append(checks, captureAttr(otpAddr, "id", &otpID))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(s *terraform.State) error {
					if err := env.checkNoFactors(t, env.username, env.password)(s); err != nil {
						return err
					}
					for _, k := range firstFactorKinds {
						if err := env.checkNoFactors(t, k.kind+"-user@example.com", users[k.kind])(s); err != nil {
							return err
						}
					}
					return nil
				},
				Steps: []resource.TestStep{
					{Config: cfg.String(), ConfigStateChecks: checks},
					{Config: cfg.String(), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
					{
						ResourceName: otpAddr, ImportState: true, ImportStateVerify: true,
						ImportStateIdFunc: func(*terraform.State) (string, error) { return env.username + ":" + otpID, nil },
						ImportStateVerifyIgnore: []string{"login.password", "secret", "barcode_uri",
							"recovery_codes", "recovery_codes.#", "recovery_codes.0", "active", "timeouts"},
					},
				},
			})
		})
	}
}
