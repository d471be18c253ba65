package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

const oobAddr = "auth0mfa_oob_authenticator.test"

func oobConfig(env *accEnv, username, password, body string, loginExtra ...string) string {
	return env.providerBlock() + "resource \"auth0mfa_oob_authenticator\" \"test\" {\n" + loginHCL(username, password, loginExtra...) + body + "}\n"
}

// approvePushes plays the user's Guardian app: it approves every pending push until the test ends.
func approvePushes(t *testing.T, env *accEnv, username string) {
	tn := env.emulatorOnly(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			_ = tn.AnswerPush(username, true)
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

func TestAccOOBAuthenticator_channels(t *testing.T) {
	for _, tc := range []struct {
		channel, body, idPrefix, name string
		companions                    int
	}{
		{"sms", `  channel = "sms"` + "\n  phone_number = \"+15551230101\"\n", "sms|dev_", "XXXXXXXX0101", 1},
		{"voice", `  channel = "voice"` + "\n  phone_number = \"+15551230102\"\n", "voice|dev_", "XXXXXXXX0102", 1},
		{"email", `  channel = "email"` + "\n  email = \"alice.inbox@example.com\"\n", "email|dev_", "alic*******@exam*******", 0},
		{"auth0", `  channel = "auth0"` + "\n", "push|dev_", "Emulated Guardian device", 1},
	} {
		t.Run(tc.channel, func(t *testing.T) {
			env := newAccEnv(t)
			tn := env.emulatorOnly(t)
			body := tc.body
			if tc.channel == "auth0" {
				approvePushes(t, env, env.username)
			} else {
				body += "  " + codeCommand(env) + "\n"
			}
			cfg := oobConfig(env, env.username, env.password, body)
			var id string
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(s *terraform.State) error {
					if tn.Stats()["POST /mfa/challenge"] == 0 {
						return fmt.Errorf("deleting the user's only factor must pass MFA through that factor (no challenge was sent)")
					}
					return env.checkNoFactors(t, env.username, env.password)(s)
				},
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(oobAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(tc.idPrefix)+`[A-Za-z0-9]{16}$`))),
							statecheck.ExpectKnownValue(oobAddr, at("name"), knownvalue.StringExact(tc.name)),
							statecheck.ExpectKnownValue(oobAddr, at("active"), knownvalue.Bool(true)),
							statecheck.ExpectKnownValue(oobAddr, at("recovery_codes"), knownvalue.ListSizeExact(1)),
							statecheck.ExpectKnownValue(oobAddr, at("companion_ids"), knownvalue.ListSizeExact(tc.companions)),
							statecheck.ExpectSensitiveValue(oobAddr, at("recovery_codes")),
							checkActiveAtTenant(env, oobAddr, env.username, env.password),
							captureAttr(oobAddr, "id", &id),
						},
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						ResourceName:      oobAddr,
						ImportState:       true,
						ImportStateIdFunc: func(*terraform.State) (string, error) { return env.username + ":" + id, nil },
						ImportStateVerify: true,
						ImportStateVerifyIgnore: []string{"login.password", "phone_number", "email", "binding_code_command",
							"binding_code_command.#", "binding_code_command.0", "binding_code_command.1", "binding_code_command.2", "binding_code_command.3",
							"name", "active", "recovery_codes", "recovery_codes.#", "recovery_codes.0", "companion_ids", "companion_ids.#", "companion_ids.0",
							"barcode_uri", "timeouts"},
					},
					{
						PreConfig: func() {
							// Deleted outside Terraform: a Dashboard reset.
							if err := deleteAtTenant(env, id); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(oobAddr, plancheck.ResourceActionCreate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{checkActiveAtTenant(env, oobAddr, env.username, env.password)},
					},
				},
			})
		})
	}
}

// deleteAtTenant removes an authenticator out of band: it enrolls a helper OTP factor to pass
// MFA, deletes the target, then deletes the helper.
func deleteAtTenant(env *accEnv, id string) error {
	c := env.client(nil)
	s := c.Session(mfaapi.Login{Username: env.username, Password: env.password})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tn := env.tenant
	fetch := func(ctx context.Context, _ time.Time) (string, error) {
		for _, m := range tn.Outbox("") {
			_ = m
		}
		msgs := tn.Outbox("")
		if len(msgs) == 0 {
			return "", fmt.Errorf("no code")
		}
		return msgs[len(msgs)-1].Code, nil
	}
	up := mfaapi.StepUp{OOB: c.OOBStepUp(id, fetch)}
	if err := s.Delete(ctx, id, up); err != nil {
		return err
	}
	return nil
}

func TestAccOOBAuthenticator_otpAndSMSInOneApply(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	cfg := env.providerBlock() + `
resource "auth0mfa_otp_authenticator" "otp" {
` + loginHCL(env.username, env.password) + `}

resource "auth0mfa_oob_authenticator" "sms" {
` + loginHCL(env.username, env.password, "otp_secret = auth0mfa_otp_authenticator.otp.secret") + `  channel = "sms"
  phone_number = "+15551230201"
  ` + codeCommand(env) + `
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					checkActiveAtTenant(env, "auth0mfa_otp_authenticator.otp", env.username, env.password),
					checkActiveAtTenant(env, "auth0mfa_oob_authenticator.sms", env.username, env.password),
					statecheck.ExpectKnownValue("auth0mfa_oob_authenticator.sms", at("recovery_codes"), knownvalue.Null()),
				},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// The command changes in place without any call to Auth0.
func TestAccOOBAuthenticator_commandChangeIsInPlace(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	body := "  channel = \"email\"\n  email = \"alice.inbox@example.com\"\n"
	var associates int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{Config: oobConfig(env, env.username, env.password, body+"  "+codeCommand(env)+"\n")},
			{
				PreConfig: func() { associates = tn.Stats()["POST /mfa/associate"] },
				Config:    oobConfig(env, env.username, env.password, body+"  binding_code_command = "+hclList(emulatorBin, "code", "--url", env.baseURL, "--wait", "5s")+"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(oobAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateFunc(func(*tfjsonState) error {
					if n := tn.Stats()["POST /mfa/associate"]; n != associates {
						return fmt.Errorf("an in-place command change enrolled again (%d -> %d)", associates, n)
					}
					return nil
				})},
			},
		},
	})
}

// Failures after associate: each is reported clearly and leaves no pending enrollment, because
// the user has an OTP factor to pass MFA with and the provider removes what it created.
func TestAccOOBAuthenticator_confirmationFailures(t *testing.T) {
	self, _ := os.Executable()
	const phone = "+15551230401"
	// Commands that keep failing are retried until the (short) create timeout; the others fail
	// at once and get time to spare on a loaded machine.
	for name, tc := range map[string]struct{ command, want, timeout string }{
		"prints garbage":   {hclList("sh", "-c", "echo 'your code is 123456'"), `(?s)not a binding code.*not shown`, "4s"},
		"exits 1":          {hclList("sh", "-c", "echo 'inbox unavailable' >&2; exit 1"), `(?s)did not print the code.*exited with an error \(exit\s+status 1\); stderr: inbox\s+unavailable`, "4s"},
		"times out":        {hclList("sleep", "30"), `(?s)no binding code before the create timeout`, "4s"},
		"wrong code":       {hclList("printf", "000000"), `(?s)refused the code.*Invalid binding_code\.`, "60s"},
		"expired oob_code": {"", `oob_code is expired`, "60s"},
	} {
		t.Run(name, func(t *testing.T) {
			// Each case has its own tenant: the expiry case moves the tenant's clock.
			env := newAccEnv(t)
			tn := env.emulatorOnly(t)
			if tc.command == "" {
				tc.command = hclList("env", "A0MFA_TEST_HELPER=expire", self, env.baseURL, phone)
			}
			e, err := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password}).EnrollOTP(testCtx(t), mfaapi.StepUp{})
			if err != nil {
				t.Fatal(err)
			}
			otpSecret := fmt.Sprintf("otp_secret = %q", e.Association.Secret)
			body := "  channel = \"sms\"\n  phone_number = \"" + phone + "\"\n  binding_code_command = " + tc.command + "\n  timeouts = { create = \"" + tc.timeout + "\" }\n"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      oobConfig(env, env.username, env.password, body, otpSecret),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			list, _ := tn.Authenticators(env.username)
			for _, a := range list {
				if !a.Active {
					t.Fatalf("pending enrollment left behind: %+v", a)
				}
				if strings.HasPrefix(a.ID, "sms|") {
					t.Fatalf("the failed sms factor is active: %+v", a)
				}
			}
		})
	}
}

// A first factor whose confirmation fails cannot be deleted at once (Auth0 has no factor to pass
// MFA with); the error says so, and the next successful apply removes the leftover.
func TestAccOOBAuthenticator_firstFactorLeftoverIsSwept(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	const phone = "+15551230501"
	body := func(command string) string {
		return "  channel = \"sms\"\n  phone_number = \"" + phone + "\"\n  binding_code_command = " + command + "\n  timeouts = { create = \"3s\" }\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config:      oobConfig(env, env.username, env.password, body(hclList("sh", "-c", "exit 1"))),
				ExpectError: wrapped("removes such leftovers right after the user's next successful enrollment"),
			},
			{
				PreConfig: func() {
					list, _ := tn.Authenticators(env.username)
					if len(list) == 0 || list[0].Active {
						t.Fatalf("expected the unconfirmed sms the failed apply left: %+v", list)
					}
				},
				Config: oobConfig(env, env.username, env.password, body(hclList(emulatorBin, "code", "--url", env.baseURL))),
				ConfigStateChecks: []statecheck.StateCheck{stateFunc(func(*tfjsonState) error {
					list, _ := tn.Authenticators(env.username)
					for _, a := range list {
						if !a.Active {
							return fmt.Errorf("the leftover was not swept: %+v", a)
						}
					}
					return nil
				})},
			},
		},
	})
}

// wrapped matches a phrase of a diagnostic wherever terraform wraps its lines.
func wrapped(phrase string) *regexp.Regexp {
	return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(phrase)), `\s+`))
}

// Deleting an sms factor deletes its voice twin at Auth0. A twin managed as its own resource
// then shows up as drift on the next plan (it is recreated), not as an error.
func TestAccOOBAuthenticator_twinManagedSeparatelyIsDrift(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	const phone = "+15551230601"
	block := func(name, channel string) string {
		return "resource \"auth0mfa_oob_authenticator\" \"" + name + "\" {\n" + loginHCL(env.username, env.password) +
			"  channel = \"" + channel + "\"\n  phone_number = \"" + phone + "\"\n  " + codeCommand(env) + "\n}\n"
	}
	variable := "variable \"voice_import_id\" {\n  type = string\n}\n"
	importVoice := "import {\n  to = auth0mfa_oob_authenticator.voice\n  id = var.voice_import_id\n}\n"
	var smsID string
	vars := config.Variables{"voice_import_id": lazyString(func() string {
		return env.username + ":voice|" + strings.TrimPrefix(smsID, "sms|")
	})}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + variable + block("sms", "sms"), ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("auth0mfa_oob_authenticator.sms", "id", &smsID)},
			},
			{
				// The twin comes under management by import; the configuration fills in what an
				// import cannot know, in place.
				Config: env.providerBlock() + variable + importVoice + block("sms", "sms") + block("voice", "voice"), ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					checkActiveAtTenant(env, "auth0mfa_oob_authenticator.voice", env.username, env.password),
					// What an import cannot know, the first listing fills: an output may use them.
					statecheck.ExpectKnownValue("auth0mfa_oob_authenticator.voice", at("name"), knownvalue.StringExact("XXXXXXXX0601")),
					statecheck.ExpectKnownValue("auth0mfa_oob_authenticator.voice", at("companion_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringFunc(func(v string) error {
							if v != smsID {
								return fmt.Errorf("companion %q, want the sms twin %q", v, smsID)
							}
							return nil
						}),
					})),
				},
			},
			{
				// Destroying the sms factor takes its twin with it at Auth0: the next plan recreates
				// the voice factor instead of failing.
				Config: env.providerBlock() + variable + block("voice", "voice"), ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("auth0mfa_oob_authenticator.voice", plancheck.ResourceActionCreate),
				}},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: env.providerBlock() + variable + block("voice", "voice"), ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					checkActiveAtTenant(env, "auth0mfa_oob_authenticator.voice", env.username, env.password),
				},
			},
		},
	})
}

// lazyString is a configuration variable whose value is read when the step runs (an id only
// an earlier step knows).
type lazyString func() string

func (f lazyString) MarshalJSON() ([]byte, error) { return json.Marshal(f()) }
