package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// Between two resources of one apply the tenant's clock jumps 11 minutes: every token the
// provider holds (mfa_token, access token) has expired. The second resource still succeeds.
func TestAccTokensExpireMidApply(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	old := clock
	clock = tn.Now
	t.Cleanup(func() { clock = old })
	self, _ := os.Executable()
	cfg := env.providerBlock() + `
resource "auth0mfa_otp_authenticator" "otp" {
` + loginHCL(env.username, env.password) + `}

resource "terraform_data" "eleven_minutes_later" {
  depends_on = [auth0mfa_otp_authenticator.otp]
  provisioner "local-exec" {
    command = "A0MFA_TEST_HELPER=advance '` + self + `' ` + env.baseURL + ` 660"
  }
}

resource "auth0mfa_oob_authenticator" "sms" {
  depends_on = [terraform_data.eleven_minutes_later]
` + loginHCL(env.username, env.password, "otp_secret = auth0mfa_otp_authenticator.otp.secret") + `  channel = "sms"
  phone_number = "+15551230901"
  ` + codeCommand(env) + `
}
`
	var logins int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{{
			PreConfig: func() { logins = tn.Stats()["POST /oauth/token"] },
			Config:    cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				checkActiveAtTenant(env, "auth0mfa_oob_authenticator.sms", env.username, env.password),
				stateFunc(func(*tfjsonState) error {
					if d := time.Until(tn.Now()); d < 10*time.Minute {
						return fmt.Errorf("the clock did not move (%v)", d)
					}
					if tn.Stats()["POST /oauth/token"] == logins {
						return fmt.Errorf("no token request at all?")
					}
					return nil
				}),
			},
		}},
	})
}

// Many at once: 50 users with an OTP and an SMS factor each, and one user with five factors,
// applied with -parallelism=20. Nothing is duplicated or lost, and (under -race) nothing races.
func TestAccManyAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=20")
	t.Setenv("TF_CLI_ARGS_destroy", "-parallelism=20")
	const users = 50
	var b strings.Builder
	b.WriteString(env.providerBlock())
	for i := 0; i < users; i++ {
		name := fmt.Sprintf("load%02d@example.com", i)
		if err := tn.AddUser(emulator.UserConfig{Username: name, Email: name, Password: "pw-" + name}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "resource \"auth0mfa_otp_authenticator\" \"u%02d\" {\n%s}\n", i, loginHCL(name, "pw-"+name))
		fmt.Fprintf(&b, "resource \"auth0mfa_oob_authenticator\" \"u%02d\" {\n%s  channel = \"sms\"\n  phone_number = \"+1555200%04d\"\n  %s\n}\n",
			i, loginHCL(name, "pw-"+name, fmt.Sprintf("otp_secret = auth0mfa_otp_authenticator.u%02d.secret", i)), i, codeCommand(env))
	}
	// One user, five factors in one apply; the later ones pass MFA with a secret the provider
	// enrolled earlier in the same run.
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "resource \"auth0mfa_otp_authenticator\" \"alice%d\" {\n%s}\n", i, loginHCL(env.username, env.password))
	}
	fmt.Fprintf(&b, "resource \"auth0mfa_oob_authenticator\" \"alice_email\" {\n%s  channel = \"email\"\n  %s\n  depends_on = [auth0mfa_otp_authenticator.alice0]\n}\n",
		loginHCL(env.username, env.password, "otp_secret = auth0mfa_otp_authenticator.alice0.secret"), codeCommand(env))
	cfg := b.String()
	check := stateFunc(func(*tfjsonState) error {
		for i := 0; i < users; i++ {
			name := fmt.Sprintf("load%02d@example.com", i)
			list, _ := tn.Authenticators(name)
			kinds := map[string]int{}
			for _, a := range list {
				if !a.Active {
					return fmt.Errorf("%s: pending %s", name, a.ID)
				}
				kinds[strings.SplitN(a.ID, "|", 2)[0]]++
			}
			if kinds["totp"] != 1 || kinds["sms"] != 1 || kinds["voice"] != 1 || kinds["recovery-code"] != 1 || len(list) != 4 {
				return fmt.Errorf("%s: want exactly one totp, sms (with voice twin) and recovery code, got %v", name, kinds)
			}
		}
		list, _ := tn.Authenticators(env.username)
		if len(list) != 5 { // 3 totp, email, recovery code
			return fmt.Errorf("alice: want 5 authenticators, got %d", len(list))
		}
		return nil
	})
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(s *terraform.State) error {
			for i := 0; i < users; i++ {
				name := fmt.Sprintf("load%02d@example.com", i)
				if err := env.checkNoFactors(t, name, "pw-"+name)(s); err != nil {
					return err
				}
			}
			return env.checkNoFactors(t, env.username, env.password)(s)
		},
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{check}},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	t.Logf("%d users x (OTP + SMS) + 5 factors of one user: apply, re-plan and destroy in %s", users, time.Since(start).Round(time.Second))
}
