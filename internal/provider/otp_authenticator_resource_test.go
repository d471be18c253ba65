package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

const otpAddr = "auth0mfa_otp_authenticator.test"

func otpConfig(env *accEnv, username, password string) string {
	return env.providerBlock() + "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(username, password) + "}\n"
}

func at(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

func TestAccOTPAuthenticator_basic(t *testing.T) {
	env := newAccEnv(t)
	cfg := otpConfig(env, env.username, env.password)
	issuer := emutest.FriendlyName
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otpAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^totp\|dev_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(otpAddr, at("secret"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z2-7]{32}$`))),
					statecheck.ExpectKnownValue(otpAddr, at("barcode_uri"), otpauthURI{issuer: issuer}),
					statecheck.ExpectKnownValue(otpAddr, at("recovery_codes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^[1-9A-HJ-NP-Z]{24}$`)),
					})),
					statecheck.ExpectKnownValue(otpAddr, at("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(otpAddr, at("login").AtMapKey("username"), knownvalue.StringExact(env.username)),
					statecheck.ExpectKnownValue(otpAddr, at("login").AtMapKey("realm"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue(otpAddr, at("secret")),
					statecheck.ExpectSensitiveValue(otpAddr, at("barcode_uri")),
					statecheck.ExpectSensitiveValue(otpAddr, at("recovery_codes")),
					statecheck.ExpectSensitiveValue(otpAddr, at("login").AtMapKey("password")),
					checkActiveAtTenant(env, otpAddr, env.username, env.password),
					checkSecretLogsIn(env, otpAddr, env.username, env.password),
					captureAttr(otpAddr, "id", &id),
				},
			},
			{
				Config:            cfg,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{checkActiveAtTenant(env, otpAddr, env.username, env.password)},
			},
			{
				ResourceName:      otpAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return env.username + ":" + id, nil },
				ImportStateVerify: true,
				// An import ID carries no password, and Auth0 never shows a secret again.
				ImportStateVerifyIgnore: []string{"login.password", "secret", "barcode_uri",
					"recovery_codes", "recovery_codes.#", "recovery_codes.0", "active", "timeouts"},
			},
		},
	})
}

// After import the next plan updates login in place; it must not replace the factor.
func TestAccOTPAuthenticator_importThenPlan(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	e, err := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password}).EnrollOTP(testCtx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.providerBlock() + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", otpAddr, env.username+":"+e.ID) +
		"resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(env.username, env.password, fmt.Sprintf("otp_secret = %q", e.Association.Secret)) + "}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otpAddr, at("id"), knownvalue.StringExact(e.ID)),
					statecheck.ExpectKnownValue(otpAddr, at("secret"), knownvalue.Null()),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otpAddr, at("active"), knownvalue.Bool(true)),
				},
			},
		},
	})
	_ = tn
}

func TestAccOTPAuthenticator_disappears(t *testing.T) {
	env := newAccEnv(t)
	cfg := otpConfig(env, env.username, env.password)
	var id, secret string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{captureAttr(otpAddr, "id", &id), captureAttr(otpAddr, "secret", &secret)},
			},
			{
				PreConfig: func() {
					// Deleted outside Terraform (for example a reset in the Auth0 Dashboard).
					s := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password})
					if err := s.Delete(testCtx(t), id, mfaapi.StepUp{OTPSecrets: []string{secret}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateFunc(func(s *tfjsonState) error {
						newID, err := stateAttr(s, otpAddr, "id")
						if err == nil && newID == id {
							return fmt.Errorf("expected a new factor, got the old id %s", id)
						}
						return err
					}),
					checkActiveAtTenant(env, otpAddr, env.username, env.password),
				},
			},
		},
	})
}

func TestAccOTPAuthenticator_passwordChangeIsInPlace(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	var id string
	var associates, deletes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, "rotated-password-2"),
		Steps: []resource.TestStep{
			{
				Config:            otpConfig(env, env.username, env.password),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr(otpAddr, "id", &id)},
			},
			{
				PreConfig: func() {
					if err := tn.SetPassword(env.username, "rotated-password-2"); err != nil {
						t.Fatal(err)
					}
					associates, deletes = tn.Stats()["POST /mfa/associate"], tn.Stats()["DELETE /mfa/authenticators/{id}"]
				},
				Config: otpConfig(env, env.username, "rotated-password-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otpAddr, at("id"), knownvalue.NotNull()),
					stateFunc(func(s *tfjsonState) error {
						if got, _ := stateAttr(s, otpAddr, "id"); got != id {
							return fmt.Errorf("the factor changed: %v -> %v", id, got)
						}
						if a, d := tn.Stats()["POST /mfa/associate"], tn.Stats()["DELETE /mfa/authenticators/{id}"]; a != associates || d != deletes {
							return fmt.Errorf("an in-place password change must not enroll or delete (associate %d->%d, delete %d->%d)", associates, a, deletes, d)
						}
						return nil
					}),
				},
			},
			{
				Config:           otpConfig(env, env.username, "rotated-password-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccOTPAuthenticator_usernameChangeReplaces(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	bob, bobPW := env.addUser(t, "bob@example.com")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkNoFactors(t, env.username, env.password)(s); err != nil {
				return err
			}
			return env.checkNoFactors(t, bob, bobPW)(s)
		},
		Steps: []resource.TestStep{
			{Config: otpConfig(env, env.username, env.password)},
			{
				Config: otpConfig(env, bob, bobPW),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					checkActiveAtTenant(env, otpAddr, bob, bobPW),
					stateFunc(func(*tfjsonState) error { return env.checkNoFactors(t, env.username, env.password)(nil) }),
				},
			},
		},
	})
}

func TestAccOTPAuthenticator_secondFactorStepsUp(t *testing.T) {
	env := newAccEnv(t)
	cfg := env.providerBlock() + `
resource "auth0mfa_otp_authenticator" "first" {
` + loginHCL(env.username, env.password) + `}

resource "auth0mfa_otp_authenticator" "second" {
` + loginHCL(env.username, env.password, "otp_secret = auth0mfa_otp_authenticator.first.secret") + `}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					checkActiveAtTenant(env, "auth0mfa_otp_authenticator.first", env.username, env.password),
					checkActiveAtTenant(env, "auth0mfa_otp_authenticator.second", env.username, env.password),
					statecheck.ExpectKnownValue("auth0mfa_otp_authenticator.first", at("recovery_codes"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("auth0mfa_otp_authenticator.second", at("recovery_codes"), knownvalue.Null()),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccOTPAuthenticator_twoUsersInParallel(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	carol, carolPW := env.addUser(t, "carol@example.com")
	cfg := env.providerBlock() + `
resource "auth0mfa_otp_authenticator" "alice" {
` + loginHCL(env.username, env.password) + `}

resource "auth0mfa_otp_authenticator" "carol" {
` + loginHCL(carol, carolPW) + `}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkNoFactors(t, env.username, env.password)(s); err != nil {
				return err
			}
			return env.checkNoFactors(t, carol, carolPW)(s)
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				checkActiveAtTenant(env, "auth0mfa_otp_authenticator.alice", env.username, env.password),
				checkActiveAtTenant(env, "auth0mfa_otp_authenticator.carol", carol, carolPW),
			},
		}},
	})
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
