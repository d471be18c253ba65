package provider

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The testing library has no action mode yet, so these tests trigger each action from a
// terraform_data resource's action_trigger (after_create), as the AWS and TFE providers do,
// and check the effect at the emulator.

// triggered is a terraform_data resource that invokes action (an address) once, after it is
// created, and after what depends lists.
func triggered(name, action string, depends ...string) string {
	dep := ""
	if len(depends) > 0 {
		dep = "  depends_on = [" + strings.Join(depends, ", ") + "]\n"
	}
	return fmt.Sprintf("resource \"terraform_data\" %q {\n%s  lifecycle {\n    action_trigger {\n      events  = [after_create]\n"+
		"      actions = [%s]\n    }\n  }\n}\n", name, dep, action)
}

func checkSignedInWith(t *testing.T, tn *emutest.Tenant, username, address string) statecheck.StateCheck {
	return stateFunc(func(s *tfjsonState) error {
		id, err := stateAttr(s, address, "id")
		if err != nil {
			return err
		}
		if got := tn.SignIns(t, username); !slices.Contains(got, id.(string)) {
			return fmt.Errorf("the emulator saw no sign-in with %s (sign-ins: %v)", id, got)
		}
		return nil
	})
}

func TestAccVerifyLoginAction_otpAndSMS(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	cfg := env.providerBlock() + otpConfig(env, env.username, env.password)[len(env.providerBlock()):] +
		"resource \"auth0mfa_oob_authenticator\" \"sms\" {\n" +
		loginHCL(env.username, env.password, "otp_secret = auth0mfa_otp_authenticator.test.secret") +
		"  channel = \"sms\"\n  phone_number = \"+15550001111\"\n  " + codeCommand(env) + "\n}\n" +
		fmt.Sprintf(`action "auth0mfa_verify_login" "otp" {
  config {
    login = {
      username   = %[1]q
      password   = %[2]q
      otp_secret = auth0mfa_otp_authenticator.test.secret
    }
  }
}
action "auth0mfa_verify_login" "sms" {
  config {
    login = {
      username = %[1]q
      password = %[2]q
    }
    authenticator_id = auth0mfa_oob_authenticator.sms.id
    phone_number     = auth0mfa_oob_authenticator.sms.phone_number
    %[3]s
  }
}
`, env.username, env.password, codeCommand(env)) +
		triggered("smoke_otp", "action.auth0mfa_verify_login.otp", "auth0mfa_otp_authenticator.test") +
		triggered("smoke_sms", "action.auth0mfa_verify_login.sms", "auth0mfa_oob_authenticator.sms")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureActions),
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				checkSignedInWith(t, tn, env.username, otpAddr),
				checkSignedInWith(t, tn, env.username, "auth0mfa_oob_authenticator.sms"),
			},
		}},
	})
}

// A verification that fails says why, in Auth0's words; one that names no factor, or two, is
// refused at plan time.
func TestAccVerifyLoginAction_failures(t *testing.T) {
	requireCLIFeature(t, featureActions)
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	action := func(login string, extra string) string {
		return env.providerBlock() + fmt.Sprintf("action \"auth0mfa_verify_login\" \"x\" {\n  config {\n    login = {\n%s    }\n%s  }\n}\n", login, extra) +
			triggered("smoke", "action.auth0mfa_verify_login.x")
	}
	user := fmt.Sprintf("      username = %q\n", env.username)
	cases := map[string]struct {
		cfg, want string
		planOnly  bool
	}{
		"wrong password": {action(user+"      password = \"not-the-password\"\n      otp_secret = \"JBSWY3DPEHPK3PXP\"\n", ""),
			`(?s)Could Not Sign In.*Wrong email or password`, false},
		// Under the "always" policy of the test tenant Auth0 still asks for MFA, and refuses the
		// code; under "never" it signs the user in without MFA, which proves nothing.
		"user without a factor": {action(user+fmt.Sprintf("      password = %q\n      otp_secret = \"JBSWY3DPEHPK3PXP\"\n", env.password), ""),
			`(?s)Could Not Sign In.*(without asking for MFA|Invalid otp_code)`, false},
		"no factor given": {action(user+fmt.Sprintf("      password = %q\n", env.password), ""), `No Factor Given`, true},
		"two factors given": {action(user+fmt.Sprintf("      password = %q\n      otp_secret = \"JBSWY3DPEHPK3PXP\"\n", env.password),
			"    authenticator_id = \"sms|dev_abcdefgh\"\n"), `Two Factors Given`, true},
		"an OTP id": {action(user+fmt.Sprintf("      password = %q\n", env.password), "    authenticator_id = \"totp|dev_abcdefgh\"\n"),
			`for an OTP factor set login.otp_secret instead`, true},
		"sms without a command": {action(user+fmt.Sprintf("      password = %q\n", env.password), "    authenticator_id = \"sms|dev_abcdefgh\"\n"),
			`Missing Binding Code Command`, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := tn.Stats()["POST /oauth/token"]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   requires(featureActions),
				Steps:                    []resource.TestStep{{Config: tc.cfg, PlanOnly: tc.planOnly, ExpectError: regexp.MustCompile(tc.want)}},
			})
			if got := tn.Stats()["POST /oauth/token"] - before; tc.planOnly && got != 0 {
				t.Errorf("a plan-time refusal must not reach Auth0: %d token requests", got)
			}
		})
	}
}

// Reset removes every factor of a user; with unblock, also of a locked user, whose block it
// lifts. The resource that held a removed factor is enrolled again by the next apply.
func TestAccResetAuthenticatorsAction(t *testing.T) {
	cfg := emutest.Config()
	cfg.AttackProtection = &emulator.AttackProtection{BruteForceThreshold: 3}
	env := newAccEnvOn(t, cfg)
	tn := env.emulatorOnly(t)
	locked, lockedPassword := env.addUser(t, "locked@example.com")
	lockedID := ""
	for _, u := range tn.Users() {
		if u.Username == locked {
			lockedID = u.ID
		}
	}
	if _, err := env.client(t).Session(mfaapi.Login{Username: locked, Password: lockedPassword}).EnrollOTP(testCtx(t), mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", locked, "password", "wrong"))
	}
	if b, _ := tn.Blocks(locked); len(b.BlockedIPs) == 0 {
		t.Fatal("the user is not blocked")
	}
	reset := func(name, userID string, unblock bool) string {
		return fmt.Sprintf("action \"auth0mfa_reset_authenticators\" %q {\n  config {\n    user_id = %q\n    unblock = %v\n  }\n}\n", name, userID, unblock) +
			triggered(name, "action.auth0mfa_reset_authenticators."+name)
	}
	otp := env.providerBlockWithManagement() + otpConfig(env, env.username, env.password)[len(env.providerBlock()):]
	bare := func(username, password string) error {
		for _, a := range env.authenticators(t, username, password) {
			if a.OOBChannel != "email" {
				return fmt.Errorf("%s still has %s after the reset", username, a.ID)
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureActions),
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{Config: otp},
			{
				Config: otp + reset("alice", emutest.UserID, false) + reset("locked", lockedID, true),
				ConfigStateChecks: []statecheck.StateCheck{stateFunc(func(*tfjsonState) error {
					if b, _ := tn.Blocks(locked); len(b.BlockedIPs) != 0 {
						return fmt.Errorf("still blocked after the reset: %+v", b)
					}
					return errors.Join(bare(env.username, env.password), bare(locked, lockedPassword))
				})},
				// The OTP resource's factor is gone: the refresh after the apply plans a new one.
				ExpectNonEmptyPlan: true,
			},
			{Config: otp, ConfigStateChecks: []statecheck.StateCheck{checkActiveAtTenant(env, otpAddr, env.username, env.password)}},
		},
	})
}

// The action's new recovery code goes to output_file (0600), replaces the old one, and works.
func TestAccRegenerateRecoveryCodeAction(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	out := filepath.Join(t.TempDir(), "recovery-code")
	var first string
	regen := fmt.Sprintf("action \"auth0mfa_regenerate_recovery_code\" \"x\" {\n  config {\n    user_id = %q\n    output_file = %q\n  }\n}\n", emutest.UserID, out)
	cfg := env.providerBlockWithManagement() + otpConfig(env, env.username, env.password)[len(env.providerBlock()):] + regen +
		triggered("rotate", "action.auth0mfa_regenerate_recovery_code.x", otpAddr)
	useRecovery := func(code string) int {
		return tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFARecoveryCode,
			"mfa_token", tn.MFAToken(t, env.username, env.password), "recovery_code", code)).Status
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureActions),
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				stateFunc(func(s *tfjsonState) error {
					codes, err := stateAttr(s, otpAddr, "recovery_codes")
					if list, ok := codes.([]any); err != nil || !ok || len(list) != 1 {
						return fmt.Errorf("recovery_codes: %v %v", codes, err)
					}
					first = codes.([]any)[0].(string)
					info, err := os.Stat(out)
					if err != nil {
						return err
					}
					if info.Mode().Perm() != 0o600 {
						return fmt.Errorf("output_file mode %v, want 0600", info.Mode().Perm())
					}
					b, _ := os.ReadFile(out)
					code := strings.TrimSpace(string(b))
					if len(code) != 24 || code == first {
						return fmt.Errorf("output_file does not hold a new recovery code (%d characters, same as before: %v)", len(code), code == first)
					}
					if s := useRecovery(first); s != http.StatusForbidden {
						return fmt.Errorf("the replaced code still works (%d)", s)
					}
					if s := useRecovery(code); s != http.StatusOK {
						return fmt.Errorf("the new code does not work (%d)", s)
					}
					return nil
				}),
			},
		}},
	})
}

// The Management API actions fail the plan without a management application, and the
// regeneration refuses an output_file it cannot write before it asks Auth0 for anything, so
// the user's recovery code is never replaced by one nobody can read.
func TestAccManagementActionRefusals(t *testing.T) {
	requireCLIFeature(t, featureActions)
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	reset := fmt.Sprintf("action \"auth0mfa_reset_authenticators\" \"x\" {\n  config {\n    user_id = %q\n  }\n}\n", emutest.UserID) +
		triggered("t", "action.auth0mfa_reset_authenticators.x")
	regen := func(out string) string {
		return fmt.Sprintf("action \"auth0mfa_regenerate_recovery_code\" \"x\" {\n  config {\n    user_id = %q\n    output_file = %q\n  }\n}\n", emutest.UserID, out) +
			triggered("t", "action.auth0mfa_regenerate_recovery_code.x")
	}
	cases := map[string]struct {
		cfg, want string
		planOnly  bool
	}{
		"reset without a management application":      {env.providerBlock() + reset, `Missing Management API Application`, true},
		"regenerate without a management application": {env.providerBlock() + regen(filepath.Join(t.TempDir(), "code")), `Missing Management API Application`, true},
		"regenerate into a directory that does not exist": {env.providerBlockWithManagement() + regen("/nonexistent-dir/code"),
			`(?s)Cannot Write the Recovery Code.*Nothing was sent to Auth0`, false},
		"reset of a user that does not exist": {env.providerBlockWithManagement() + strings.Replace(reset, emutest.UserID, "auth0|nobody", 1),
			`(?s)Cannot Reset the User's Authenticators.*Auth0 has no user "auth0\|nobody"`, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := tn.Stats()["POST /api/v2/users/{id}/recovery-code-regeneration"]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: tc.cfg, PlanOnly: tc.planOnly, ExpectError: regexp.MustCompile(tc.want)}},
			})
			if got := tn.Stats()["POST /api/v2/users/{id}/recovery-code-regeneration"]; got != before {
				t.Errorf("the recovery code was replaced (%d calls)", got-before)
			}
		})
	}
}
