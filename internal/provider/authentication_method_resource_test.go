package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	pqtotp "github.com/pquerna/otp/totp"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

const methodAddr = "auth0mfa_authentication_method.test"

// userSecret is the secret a team keeps in its secret store (the RFC 6238 test key, not real).
const userSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// methodsAtTenant lists the user's methods through the Management API.
func methodsAtTenant(t *testing.T, env *accEnv, userID string) []mgmtapi.AuthenticationMethod {
	t.Helper()
	list, err := env.managementClient(t).ListAuthenticationMethods(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// checkNoMethods is a CheckDestroy: the fixture user has no method left.
func checkNoMethods(t *testing.T, env *accEnv) func(*terraform.State) error {
	return func(*terraform.State) error {
		if list := methodsAtTenant(t, env, emutest.UserID); len(list) != 0 {
			return fmt.Errorf("destroy left methods: %+v", list)
		}
		return nil
	}
}

// signsInWith is a sign-in of the user through the MFA API with a code from secret (an
// independent RFC 6238 implementation): the method is a factor for the other route too.
func signsInWith(env *accEnv, secret string) error {
	code, err := pqtotp.GenerateCode(secret, time.Now())
	if err != nil {
		return err
	}
	if otpLogin(env.baseURL, env.username, env.password, code) != 0 {
		return fmt.Errorf("the MFA API refused a code of the method's secret")
	}
	return nil
}

// A TOTP method whose secret the team holds (write-only: never in plan or state), under both
// MFA policies: create, the MFA API accepts its codes, rename in place, drift, import, destroy.
func TestAccAuthenticationMethod_totpWriteOnly(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			env := newAccEnvOn(t, emutest.ConfigWithPolicy(policy))
			cfg := func(name string) string {
				return env.providerBlockWithManagement() + `variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
resource "auth0mfa_authentication_method" "test" {
  user_id                = "` + emutest.UserID + `"
  type                   = "totp"
  name                   = "` + name + `"
  totp_secret_wo         = var.secret
  totp_secret_wo_version = 1
}
`
			}
			vars := config.Variables{"secret": config.StringVariable(userSecret)}
			var id string
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   requires(featureWriteOnly),
				CheckDestroy:             checkNoMethods(t, env),
				Steps: []resource.TestStep{
					{
						Config: cfg("CI bot"), ConfigVariables: vars,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(methodAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^totp\|dev_`))),
							statecheck.ExpectKnownValue(methodAddr, at("totp_secret_wo"), knownvalue.Null()),
							statecheck.ExpectKnownValue(methodAddr, at("totp_secret"), knownvalue.Null()),
							statecheck.ExpectKnownValue(methodAddr, at("created_at"), knownvalue.NotNull()),
							captureAttr(methodAddr, "id", &id),
							stateFunc(func(*tfjsonState) error { return signsInWith(env, userSecret) }),
						},
					},
					{
						Config: cfg("Renamed"), ConfigVariables: vars,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(methodAddr, plancheck.ResourceActionUpdate),
						}},
					},
					{
						Config: cfg("Renamed"), ConfigVariables: vars,
						ResourceName: methodAddr, ImportState: true,
						ImportStateIdFunc:       func(*terraform.State) (string, error) { return emutest.UserID + ":" + id, nil },
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"totp_secret_wo", "totp_secret_wo_version"},
					},
					{
						PreConfig: func() {
							// Deleted outside Terraform.
							if err := env.managementClient(t).DeleteAuthenticationMethod(context.Background(), emutest.UserID, id); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg("Renamed"), ConfigVariables: vars,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(methodAddr, plancheck.ResourceActionCreate),
						}},
					},
				},
			})
		})
	}
}

// Without a secret of the team's, the provider generates one: kept sensitive in state, with
// an otpauth URI, and Auth0 accepts its codes.
func TestAccAuthenticationMethod_totpGenerated(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	var secret string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{{
			Config: env.providerBlockWithManagement() + `resource "auth0mfa_authentication_method" "test" {
  user_id = "` + emutest.UserID + `"
  type    = "totp"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(methodAddr, at("totp_secret"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z2-7]{32}$`))),
				statecheck.ExpectSensitiveValue(methodAddr, at("totp_secret")),
				statecheck.ExpectSensitiveValue(methodAddr, at("barcode_uri")),
				statecheck.ExpectKnownValue(methodAddr, at("barcode_uri"), knownvalue.StringRegexp(regexp.MustCompile(`^otpauth://totp/`+regexp.QuoteMeta(emutest.Domain)+`:auth0%7Calice\?`))),
				captureAttr(methodAddr, "totp_secret", &secret),
				stateFunc(func(*tfjsonState) error { return signsInWith(env, secret) }),
			},
		}},
	})
}

// Phone and email methods: created confirmed, the preferred phone method changes in place, a
// new number replaces, and the MFA API lists them.
func TestAccAuthenticationMethod_phoneAndEmail(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) { testPhoneAndEmailMethods(t, newAccEnvOn(t, emutest.ConfigWithPolicy(policy))) })
	}
}

func testPhoneAndEmailMethods(t *testing.T, env *accEnv) {
	cfg := func(phone, preferred string) string {
		return env.providerBlockWithManagement() + fmt.Sprintf(`resource "auth0mfa_authentication_method" "phone" {
  user_id                         = %[1]q
  type                            = "phone"
  phone_number                    = %[2]q
  preferred_authentication_method = %[3]q
}
resource "auth0mfa_authentication_method" "email" {
  user_id = %[1]q
  type    = "email"
  email   = "alice.codes@example.com"
}
`, emutest.UserID, phone, preferred)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				Config: cfg("+15551230900", "sms"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("auth0mfa_authentication_method.phone", at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^phone\|dev_`))),
					statecheck.ExpectKnownValue("auth0mfa_authentication_method.email", at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^email\|dev_`))),
					stateFunc(func(*tfjsonState) error {
						if list := env.authenticators(t, env.username, env.password); len(list) != 3 { // sms, voice twin, email
							return fmt.Errorf("the MFA API lists %+v", list)
						}
						return nil
					}),
				},
			},
			{
				Config: cfg("+15551230900", "voice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("auth0mfa_authentication_method.phone", plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: cfg("+15551230901", "voice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("auth0mfa_authentication_method.phone", plancheck.ResourceActionReplace),
				}},
			},
		},
	})
}

// The route's mistakes, each at the earliest stage that can catch it.
func TestAccAuthenticationMethod_mistakes(t *testing.T) {
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "read-only", ClientSecret: "read-only-secret",
		GrantTypes: []string{emulator.GrantClientCredentials}, ManagementScopes: []string{emulator.ScopeReadAuthenticationMethods}})
	env := newAccEnvOn(t, cfg)
	method := func(body string) string {
		return "resource \"auth0mfa_authentication_method\" \"test\" {\n" + body + "}\n"
	}
	readOnly := fmt.Sprintf("provider \"auth0mfa\" {\n  domain = %q\n  base_url = %q\n  client_id = %q\n  client_secret = %q\n"+
		"  management_client_id = \"read-only\"\n  management_client_secret = \"read-only-secret\"\n}\n", env.domain, env.baseURL, env.clientID, env.secret)
	uid := fmt.Sprintf("  user_id = %q\n", emutest.UserID)
	for _, tc := range []struct {
		name, config, want string
	}{
		{"missing scope", readOnly + method(uid+"  type = \"email\"\n  email = \"x@example.com\"\n"), `(?s)grant\s+create:authentication_methods`},
		{"unknown user", env.providerBlockWithManagement() + method("  user_id = \"auth0|nobody\"\n  type = \"email\"\n  email = \"x@example.com\"\n"), `Auth0 has no user "auth0\|nobody"`},
		{"malformed secret", env.providerBlockWithManagement() + method(uid+"  type = \"totp\"\n  totp_secret_wo = \"not base32!\"\n  totp_secret_wo_version = 1\n"), `must be base32`},
		{"short secret", env.providerBlockWithManagement() + method(uid+"  type = \"totp\"\n  totp_secret_wo = \"JBSWY3DPEHPK3PXP\"\n  totp_secret_wo_version = 1\n"), `at least 128 bits`},
		{"an argument of another type", env.providerBlockWithManagement() + method(uid+"  type = \"totp\"\n  email = \"x@example.com\"\n"), `email does not apply to type = "totp"`},
		{"phone without a number", env.providerBlockWithManagement() + method(uid+"  type = \"phone\"\n"), `type = "phone" needs phone_number`},
		{"no management application", env.providerBlock() + method(uid+"  type = \"totp\"\n"), `Missing Management API Application`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   requires(featureWriteOnly),
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
	// A duplicate: the same email twice is Auth0's 409, explained.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{{
			Config: env.providerBlockWithManagement() + `resource "auth0mfa_authentication_method" "a" {
  user_id = "` + emutest.UserID + `"
  type    = "email"
  email   = "dup@example.com"
}
resource "auth0mfa_authentication_method" "b" {
  user_id    = "` + emutest.UserID + `"
  type       = "email"
  email      = "dup@example.com"
  depends_on = [auth0mfa_authentication_method.a]
}
`,
			ExpectError: regexp.MustCompile(`(?s)already has this method.*Import it`),
		}},
	})
}

// The data source lists what the Management API shows: the method the resource created and a
// factor enrolled through the MFA API, masked, with their creation times.
func TestAccAuthenticationMethodsDataSource_listsBothRoutes(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	if _, err := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password}).EnrollOTP(context.Background(), mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.providerBlockWithManagement() + `resource "auth0mfa_authentication_method" "email" {
  user_id = "` + emutest.UserID + `"
  type    = "email"
  email   = "alice.codes@example.com"
}
data "auth0mfa_authentication_methods" "all" {
  user_id    = "` + emutest.UserID + `"
  depends_on = [auth0mfa_authentication_method.email]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.auth0mfa_authentication_methods.all", at("methods"), knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact("totp"), "confirmed": knownvalue.Bool(true),
						"created_at": knownvalue.NotNull()}),
					2: knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact("email"),
						"masked_destination": knownvalue.StringExact("alic*******@exam*******")}),
				})),
			},
		}},
	})
}

// Both routes on one user: a TOTP method seeded through the Management API is the
// login.otp_secret with which the user route steps up and enrolls an SMS factor, and the
// user, who got no recovery code with the method, gets one through regeneration.
func TestAccAuthenticationMethod_bothRoutesOnOneUser(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{{
			Config: env.providerBlockWithManagement() + fmt.Sprintf(`resource "auth0mfa_authentication_method" "totp" {
  user_id = %[1]q
  type    = "totp"
}
resource "auth0mfa_oob_authenticator" "sms" {
  login = {
    username   = %[2]q
    password   = %[3]q
    otp_secret = auth0mfa_authentication_method.totp.totp_secret
  }
  channel              = "sms"
  phone_number         = "+15551230777"
  %[4]s
}
resource "auth0mfa_recovery_code_regeneration" "code" {
  user_id    = %[1]q
  depends_on = [auth0mfa_authentication_method.totp]
}
`, emutest.UserID, env.username, env.password, codeCommand(env)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("auth0mfa_oob_authenticator.sms", at("active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("auth0mfa_oob_authenticator.sms", at("recovery_codes"), knownvalue.Null()), // not the user's first factor
				statecheck.ExpectKnownValue("auth0mfa_recovery_code_regeneration.code", at("recovery_code"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-Z]{24}$`))),
			},
		}},
	})
}

// An imported method: the configuration's phone number is stored by the first apply, in place.
func TestAccAuthenticationMethod_importThenApplyDoesNotReplace(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	created, err := env.managementClient(t).CreateAuthenticationMethod(context.Background(), emutest.UserID,
		mgmtapi.NewAuthenticationMethod{Type: "phone", PhoneNumber: "+15551230555"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.providerBlockWithManagement() + fmt.Sprintf(`import {
  to = auth0mfa_authentication_method.phone
  id = "%s:%s"
}
resource "auth0mfa_authentication_method" "phone" {
  user_id      = %q
  type         = "phone"
  phone_number = "+15551230555"
}
`, emutest.UserID, created.ID, emutest.UserID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("auth0mfa_authentication_method.phone", plancheck.ResourceActionUpdate),
				}},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
