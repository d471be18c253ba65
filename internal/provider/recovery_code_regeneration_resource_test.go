package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

const recoveryAddr = "auth0mfa_recovery_code_regeneration.test"

func (e *accEnv) providerBlockWithManagement() string {
	return strings.Replace(e.providerBlock(), "}\n", fmt.Sprintf("  management_client_id = %q\n  management_client_secret = %q\n}\n",
		emutest.ManagementClientID, emutest.ManagementClientSecret), 1)
}

func recoveryConfig(env *accEnv, providerBlock, userID, rotation string) string {
	return providerBlock + `resource "auth0mfa_otp_authenticator" "test" {
` + loginHCL(env.username, env.password) + `}
resource "auth0mfa_recovery_code_regeneration" "test" {
  user_id    = "` + userID + `"
  triggers   = { rotation = "` + rotation + `" }
  depends_on = [auth0mfa_otp_authenticator.test]
}
`
}

// checkRecoveryCodeWorks passes MFA at the tenant with the code in state, and shows that the
// OTP factor's first recovery code (from the enrollment) no longer works.
func checkRecoveryCodeWorks(env *accEnv) statecheck.StateCheck {
	return stateFunc(func(s *tfjson.State) error {
		fresh, err := stateAttr(s, recoveryAddr, "recovery_code")
		if err != nil {
			return err
		}
		first, err := stateAttr(s, otpAddr, "recovery_codes")
		if err != nil {
			return err
		}
		old := fmt.Sprint(first.([]any)[0])
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := env.client(nil)
		use := func(code string) error {
			_, err := c.Login(ctx, mfaapi.PasswordLogin{Username: env.username, Password: env.password,
				Audience: c.MFAAudience(), Scope: mfaapi.MFAScopes})
			tok, ok := mfaapi.MFARequired(err)
			if !ok {
				return fmt.Errorf("login: %v", err)
			}
			_, err = c.VerifyRecoveryCode(ctx, tok, code)
			return err
		}
		if old == fresh {
			return fmt.Errorf("the regenerated code equals the enrollment's")
		}
		if err := use(old); !mfaapi.IsInvalidGrant(err) {
			return fmt.Errorf("the replaced recovery code should be refused, got %v", err)
		}
		return use(fmt.Sprint(fresh))
	})
}

func TestAccRecoveryCodeRegeneration(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	var first string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: recoveryConfig(env, env.providerBlockWithManagement(), emutest.UserID, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(recoveryAddr, at("recovery_code"), knownvalue.StringRegexp(regexp.MustCompile(`^[1-9A-HJ-NP-Z]{24}$`))),
					statecheck.ExpectKnownValue(recoveryAddr, at("id"), knownvalue.StringExact(emutest.UserID)),
					statecheck.ExpectSensitiveValue(recoveryAddr, at("recovery_code")),
					captureAttr(recoveryAddr, "recovery_code", &first),
					checkRecoveryCodeWorks(env),
				},
			},
			{
				// Auth0 cannot show the code again, so a refresh keeps it: no diff.
				Config:           recoveryConfig(env, env.providerBlockWithManagement(), emutest.UserID, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: recoveryConfig(env, env.providerBlockWithManagement(), emutest.UserID, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recoveryAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateFunc(func(s *tfjson.State) error {
					second, err := stateAttr(s, recoveryAddr, "recovery_code")
					if err == nil && second == first {
						err = fmt.Errorf("a new trigger kept the code")
					}
					return err
				})},
			},
		},
	})
}

// Refusals at plan time, before anything changes at the tenant.
func TestAccRecoveryCodeRegenerationRefusals(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      recoveryConfig(env, env.providerBlock(), emutest.UserID, "1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing Management API Application`),
			},
			{
				Config:      recoveryConfig(env, env.providerBlockWithManagement(), "alice", "1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`not an Auth0 user id`),
			},
			{
				Config: env.providerBlock() + `provider "auth0mfa" {
  alias                = "half"
  domain               = "` + env.domain + `"
  base_url             = "` + env.baseURL + `"
  client_id            = "` + env.clientID + `"
  client_secret        = "` + env.secret + `"
  management_client_id = "m2m"
}
resource "auth0mfa_recovery_code_regeneration" "test" {
  provider = auth0mfa.half
  user_id  = "auth0|alice"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`management_client_secret`),
			},
		},
	})
	if n := len(env.authenticators(t, env.username, env.password)); n != 0 {
		t.Fatalf("refused plans left %d authenticators", n)
	}
}

// login.recovery_code passes MFA when nothing else can: a user whose only factor was enrolled
// elsewhere gets a second OTP factor, and the code Auth0 issues in place of the spent one is
// stored in new_recovery_code (the spent one no longer works; the new one does).
func TestAccLoginRecoveryCode(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first, err := env.client(t).Session(loginOf(env.username, env.password)).EnrollOTP(ctx, mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	spent := first.RecoveryCodes[0]
	cfg := env.providerBlock() + "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" +
		loginHCL(env.username, env.password, fmt.Sprintf("recovery_code = %q", spent)) + "}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otpAddr, at("new_recovery_code"), knownvalue.StringRegexp(regexp.MustCompile(`^[1-9A-HJ-NP-Z]{24}$`))),
					statecheck.ExpectSensitiveValue(otpAddr, at("new_recovery_code")),
					statecheck.ExpectSensitiveValue(otpAddr, at("login").AtMapKey("recovery_code")),
					stateFunc(func(s *tfjson.State) error {
						fresh, err := stateAttr(s, otpAddr, "new_recovery_code")
						if err != nil {
							return err
						}
						c := env.client(t)
						use := func(code string) error {
							_, err := c.Login(ctx, mfaapi.PasswordLogin{Username: env.username, Password: env.password, Audience: c.MFAAudience(), Scope: mfaapi.MFAScopes})
							tok, ok := mfaapi.MFARequired(err)
							if !ok {
								return fmt.Errorf("login: %v", err)
							}
							_, err = c.VerifyRecoveryCode(ctx, tok, code)
							return err
						}
						if err := use(spent); !mfaapi.IsInvalidGrant(err) {
							return fmt.Errorf("the spent recovery code should be refused, got %v", err)
						}
						return use(fmt.Sprint(fresh))
					}),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A stored replacement wins over login.recovery_code (which it replaced).
func TestRecoveryStepUpPrefersTheReplacement(t *testing.T) {
	login := &loginModel{RecoveryCode: types.StringValue("OLD")}
	var got string
	up := recoveryStepUp(mfaapi.StepUp{}, login, types.StringValue("NEWER"), &got)
	if up.RecoveryCode != "NEWER" {
		t.Fatalf("used %q", up.RecoveryCode)
	}
	up.OnRecoveryCode("NEWEST")
	if got != "NEWEST" {
		t.Fatalf("replacement not reported: %q", got)
	}
	if up := recoveryStepUp(mfaapi.StepUp{}, login, types.StringNull(), &got); up.RecoveryCode != "OLD" {
		t.Fatalf("without a stored replacement, login.recovery_code: got %q", up.RecoveryCode)
	}
	if up := recoveryStepUp(mfaapi.StepUp{}, &loginModel{RecoveryCode: types.StringNull()}, types.StringNull(), &got); up.RecoveryCode != "" || up.OnRecoveryCode != nil {
		t.Fatal("no recovery code given, none used")
	}
}
