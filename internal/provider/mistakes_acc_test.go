package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// A binding_code_command that cannot start fails at once, before Auth0 is asked for anything,
// so no pending factor is left behind.
func TestAccMistake_bindingCommandCannotStart(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	script := filepath.Join(t.TempDir(), "read-sms-code.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 123456\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, argv := range map[string]string{
		"no such file":   `["/nonexistent/read-sms-code.sh"]`,
		"not on PATH":    `["read-sms-code-not-installed"]`,
		"not executable": fmt.Sprintf(`[%q]`, script),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      oobConfig(env, env.username, env.password, "  channel = \"sms\"\n  phone_number = \"+15551232001\"\n  binding_code_command = "+argv+"\n"),
					ExpectError: regexp.MustCompile(`(?s)Binding Code Command Cannot Be Started.*could not be started.*Nothing\s+was\s+sent\s+to\s+Auth0`),
				}},
			})
			if d := time.Since(start); d > time.Minute {
				t.Fatalf("took %s", d)
			}
			if n := tenantFactorCount(t, tn); n != 0 {
				t.Fatalf("the tenant holds %d authenticators", n)
			}
			if tn.Stats()["POST /mfa/associate"] != 0 {
				t.Fatal("associate was called")
			}
		})
	}
}

// Another user's secret in login.otp_secret stops at the first refused code that no used step
// explains, names the attribute, and never locks the user.
func TestAccMistake_wrongOTPSecret(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	if _, err := env.client(t).Session(loginOf(env.username, env.password)).EnrollOTP(testCtx(t), stepUpNone()); err != nil {
		t.Fatal(err)
	}
	bob, bobPassword := env.addUser(t, "bob@example.com")
	bobs, err := env.client(t).Session(loginOf(bob, bobPassword)).EnrollOTP(testCtx(t), stepUpNone())
	if err != nil {
		t.Fatal(err)
	}
	cfg := oobConfig(env, env.username, env.password, "  channel = \"sms\"\n  phone_number = \"+15551232002\"\n  "+codeCommand(env)+"\n",
		fmt.Sprintf("otp_secret = %q", bobs.Association.Secret))
	for run := 0; run < 3; run++ { // three runs in a row: the budget must survive them
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)refused the TOTP code computed from\s+login.otp_secret.*stopped\s+at\s+the\s+first\s+refused`),
			}},
		})
	}
	if st, _ := tn.Blocks(env.username); st.MFALocked {
		t.Fatal("three runs with a wrong otp_secret locked the user's MFA")
	}
	for _, a := range env.authenticators(t, env.username, env.password) {
		if !a.Active && a.AuthenticatorType != "recovery-code" {
			t.Fatalf("a pending factor was left: %s", a.ID)
		}
	}
}

// A mistyped new password fails the apply that brings it; a real rotation (at Auth0 first)
// is applied.
func TestAccMistake_mistypedPassword(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, "rotated-password-2"),
		Steps: []resource.TestStep{
			{Config: otpConfig(env, env.username, env.password)},
			{
				Config:      otpConfig(env, env.username, "alice-pasword-1"),
				ExpectError: regexp.MustCompile(`(?s)Could Not Verify the New Login.*rejected the username or\s+password`),
			},
			{
				PreConfig: func() {
					if err := tn.SetPassword(env.username, "rotated-password-2"); err != nil {
						t.Fatal(err)
					}
				},
				Config: otpConfig(env, env.username, "rotated-password-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(otpAddr, at("active"), knownvalue.Bool(true))},
			},
		},
	})
}

// Importing an id Auth0 does not list fails the first apply that has the password.
func TestAccMistake_importOfAnUnknownID(t *testing.T) {
	env := newAccEnv(t)
	if _, err := env.client(t).Session(loginOf(env.username, env.password)).EnrollOTP(testCtx(t), stepUpNone()); err != nil {
		t.Fatal(err)
	}
	cfg := env.providerBlock() + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", otpAddr, env.username+":totp|dev_doesnotexist00") +
		"resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(env.username, env.password) + "}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Authenticator Not Found.*lists\s+no\s+active\s+factor\s+totp\|dev_doesnotexist00`),
		}},
	})
}

// Tenant settings and protections that change Auth0's answers each get an error that says
// which one fired and what to do.
func TestAccMistake_tenantSettings(t *testing.T) {
	noDirectory := emutest.Config()
	none := ""
	noDirectory.DefaultDirectory = &none
	noOTP := emutest.Config()
	noOTP.Factors = &emulator.Factors{SMS: true, Voice: true, Email: true, Push: true, RecoveryCode: true}
	for _, tc := range []struct {
		name  string
		cfg   emulator.Config
		setup func(t *testing.T, env *accEnv)
		want  string
	}{
		{"no default directory", noDirectory, nil, `(?s)no\s+Default\s+Directory.*Set\s+login.realm`},
		{"otp not enabled", noOTP, nil, `(?s)not\s+enabled\s+for\s+this\s+tenant.*Security\s+>\s+Multi-factor\s+Auth`},
		{"brute-force block", emutest.Config(), func(t *testing.T, env *accEnv) {
			for i := 0; i < 10; i++ {
				env.tenant.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", env.username, "password", "wrong"))
			}
		}, `(?s)brute-force\s+protection\s+blocked.*user-blocks`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccEnvOn(t, tc.cfg)
			if tc.setup != nil {
				tc.setup(t, env)
			}
			before := env.tenant.Stats()["POST /oauth/token"]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: otpConfig(env, env.username, env.password), ExpectError: regexp.MustCompile(tc.want)}},
			})
			if sent := env.tenant.Stats()["POST /oauth/token"] - before; sent > 1 {
				t.Fatalf("%d token requests: the answer cannot change, so it must not be repeated", sent)
			}
			if n := tenantFactorCount(t, env.tenant); n != 0 {
				t.Fatalf("the tenant holds %d authenticators", n)
			}
		})
	}
}

// An application without the MFA grants fails at confirmation, after Auth0 created a pending
// factor; where the provider holds a token that can delete it (policy "never" mints one for a
// user with no factor), nothing is left behind.
func TestAccMistake_clientWithoutMFAGrantLeavesNothingWherePossible(t *testing.T) {
	cfg := emutest.ConfigWithPolicy(emulator.MFAPolicyNever)
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "password-only", ClientSecret: "password-only-secret",
		GrantTypes: []string{emulator.GrantPassword}})
	env := newAccEnvOn(t, cfg)
	env.clientID, env.secret = "password-only", "password-only-secret"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      otpConfig(env, env.username, env.password),
			ExpectError: regexp.MustCompile(`(?s)Grant\s+Types\s+and\s+enable\s+Password\s+and\s+MFA`),
		}},
	})
	if n := tenantFactorCount(t, env.tenant); n != 0 {
		t.Fatalf("the tenant holds %d authenticators", n)
	}
}
