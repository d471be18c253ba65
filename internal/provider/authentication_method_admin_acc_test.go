package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

// The administrator's route as teams with stricter tenants run it: a management application
// that authenticates by Private Key JWT, import by identity, and the day-two actions on a user
// whose only factor came through the Management API.

// A management application with no secret at all, only a registered public key: the method's
// whole lifecycle runs on one token, fetched with a signed assertion.
func TestAccAuthenticationMethod_managementPrivateKeyJWT(t *testing.T) {
	client, _, keyPEM := emutest.PrivateKeyJWTClient(t, "jwt-management", []string{emulator.GrantClientCredentials}, emulator.AuthenticationMethodScopes)
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, client)
	env := newAccEnvOn(t, cfg)
	tn := env.emulatorOnly(t)
	keyFile := filepath.Join(t.TempDir(), "management-key.pem")
	if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	provider := strings.Replace(env.providerBlock(), "}\n", fmt.Sprintf("  management_client_id = \"jwt-management\"\n"+
		"  management_client_assertion_private_key = file(%q)\n  management_client_assertion_signing_alg = \"PS256\"\n}\n", keyFile), 1)
	config := func(name string) string {
		return provider + fmt.Sprintf("resource \"auth0mfa_authentication_method\" \"test\" {\n  user_id = %q\n  type = \"email\"\n"+
			"  email = \"alice.backup@example.com\"\n  name = %q\n}\n", emutest.UserID, name)
	}
	tokens := func() int { return tn.Stats()["POST /oauth/token"] }
	before := 0
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { before = tokens() },
				Config:    config("Backup"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(methodAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^email\|dev_`))),
					stateFunc(func(*tfjsonState) error {
						// Each provider process fetches one token (plan, apply, the refreshes
						// the testing library runs around them); a missing cache would take
						// one per request.
						if n := tokens() - before; n == 0 || n > 4 {
							return fmt.Errorf("%d client_credentials requests for one step", n)
						}
						return nil
					}),
				},
			},
			{Config: config("Backup 2"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(methodAddr, at("name"), knownvalue.StringExact("Backup 2")),
			}},
		},
	})
}

// A method someone made by hand, adopted through an import block that names it by identity
// (Terraform 1.12+), as a user writes it: the plan imports it and stores the configuration's
// email in place (Auth0 shows it masked, so the import cannot), then nothing is left to do,
// and the identity stays what the import block said.
func TestAccAuthenticationMethod_importByIdentity(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	requireCLIFeature(t, featureIdentity)
	made, err := env.managementClient(t).CreateAuthenticationMethod(testCtx(t), emutest.UserID,
		mgmtapi.NewAuthenticationMethod{Type: "email", Email: "alice.backup@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.providerBlockWithManagement() + fmt.Sprintf(`resource "auth0mfa_authentication_method" "test" {
  user_id = %q
  type    = "email"
  email   = "alice.backup@example.com"
}
`, emutest.UserID)
	adopt := cfg + fmt.Sprintf(`import {
  to = auth0mfa_authentication_method.test
  identity = {
    user_id = %q
    id      = %q
  }
}
`, emutest.UserID, made.ID)
	identity := statecheck.ExpectIdentity(methodAddr, map[string]knownvalue.Check{
		"user_id": knownvalue.StringExact(emutest.UserID), "id": knownvalue.StringExact(made.ID),
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureIdentity),
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				Config: adopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(methodAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{identity, statecheck.ExpectKnownValue(methodAddr, at("id"), knownvalue.StringExact(made.ID))},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{identity}},
		},
	})
}

// The day-two actions on a user whose only factor an administrator gave through the
// Management API: verify_login signs in with the method's secret, regenerate_recovery_code
// gives the user a working code, reset_authenticators removes the method (and the next plan
// creates it again).
func TestAccActionsOnAManagementRouteFactor(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	out := filepath.Join(t.TempDir(), "recovery-code")
	method := env.providerBlockWithManagement() + fmt.Sprintf(`resource "auth0mfa_authentication_method" "test" {
  user_id = %q
  type    = "totp"
}
`, emutest.UserID)
	actions := method + fmt.Sprintf(`action "auth0mfa_verify_login" "seeded" {
  config {
    login = {
      username   = %[1]q
      password   = %[2]q
      otp_secret = auth0mfa_authentication_method.test.totp_secret
    }
  }
}
action "auth0mfa_regenerate_recovery_code" "seeded" {
  config {
    user_id     = %[3]q
    output_file = %[4]q
  }
}
`, env.username, env.password, emutest.UserID, out) +
		triggered("verify", "action.auth0mfa_verify_login.seeded", methodAddr) +
		triggered("rotate", "action.auth0mfa_regenerate_recovery_code.seeded", methodAddr)
	reset := method + fmt.Sprintf("action \"auth0mfa_reset_authenticators\" \"seeded\" {\n  config {\n    user_id = %q\n  }\n}\n", emutest.UserID) +
		triggered("reset", "action.auth0mfa_reset_authenticators.seeded")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureActions),
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				Config: actions,
				ConfigStateChecks: []statecheck.StateCheck{
					checkSignedInWith(t, tn, env.username, methodAddr),
					stateFunc(func(*tfjsonState) error {
						b, err := os.ReadFile(out)
						if err != nil {
							return err
						}
						status := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFARecoveryCode,
							"mfa_token", tn.MFAToken(t, env.username, env.password), "recovery_code", strings.TrimSpace(string(b)))).Status
						if status != http.StatusOK {
							return fmt.Errorf("the regenerated recovery code does not sign in (%d)", status)
						}
						return nil
					}),
				},
			},
			{
				Config: reset,
				ConfigStateChecks: []statecheck.StateCheck{stateFunc(func(*tfjsonState) error {
					if list := methodsAtTenant(t, env, emutest.UserID); len(list) != 0 {
						return fmt.Errorf("the reset left %+v", list)
					}
					return nil
				})},
				// The method is gone at the tenant: the refresh after the apply plans it again.
				ExpectNonEmptyPlan: true,
			},
			{Config: method, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(methodAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^totp\|dev_`))),
			}},
		},
	})
}
