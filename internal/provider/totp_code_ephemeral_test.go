package provider

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testAccProviders {
		f[k] = v
	}
	return f
}

// codeOfItsStep checks that code is the secret's code for the step whose successor ends at
// valid_until (Auth0 accepts a code during its step and the next).
type codeOfItsStep struct {
	secret string
	code   *string
}

func (c codeOfItsStep) CheckValue(v any) error {
	until, err := time.Parse(time.RFC3339, fmt.Sprint(v))
	if err != nil {
		return err
	}
	if until.Unix()%totp.Period != 0 || time.Until(until) > 2*totp.Period*time.Second+5*time.Second {
		return fmt.Errorf("valid_until %s is not the end of the step after a current one", until)
	}
	want, err := totp.CodeAtStep(c.secret, until.Unix()/totp.Period-2)
	if err != nil || want != *c.code {
		return fmt.Errorf("code %q is not the code of the step ending at %s (%q, %v)", *c.code, until, want, err)
	}
	return nil
}
func (c codeOfItsStep) String() string { return "the code of the step ending at valid_until" }

type captureString struct{ into *string }

func (c captureString) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok || !regexp.MustCompile(`^\d{6}$`).MatchString(s) {
		return fmt.Errorf("want six digits, got %v", v)
	}
	*c.into = s
	return nil
}
func (c captureString) String() string { return "six digits" }

// The code reaches another provider through an ephemeral reference and is right for its
// step; the provider needs no tenant settings for it. (State holds the echo, not ours.)
func TestAccTOTPCodeEphemeral(t *testing.T) {
	// A secret of this run only: each open hands out a code and records its step as used on
	// this machine, so a fixed secret would make later runs wait for new steps.
	raw := make([]byte, 20)
	_, _ = rand.Read(raw)
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	var code string
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
ephemeral "auth0mfa_totp_code" "c" {
  secret = %q
}
provider "echo" {
  data = ephemeral.auth0mfa_totp_code.c
}
resource "echo" "out" {}
`, secret),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.out", tfjsonpath.New("data").AtMapKey("code"), captureString{&code}),
				statecheck.ExpectKnownValue("echo.out", tfjsonpath.New("data").AtMapKey("valid_until"), codeOfItsStep{secret, &code}),
				statecheck.ExpectKnownValue("echo.out", tfjsonpath.New("data").AtMapKey("secret"), knownvalue.StringExact(secret)),
			},
		}},
	})
}

func TestAccTOTPCodeEphemeralRefusesABadSecret(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{{
			Config: `
ephemeral "auth0mfa_totp_code" "c" {
  secret = "not base32!"
}
provider "echo" {
  data = ephemeral.auth0mfa_totp_code.c
}
resource "echo" "out" {}
`,
			ExpectError: regexp.MustCompile(`base32`),
		}},
	})
}

// The ephemeral code is never one this provider has just spent: an apply that steps up an SMS
// enrollment with an OTP secret hands the same secret's ephemeral code to a login run by a
// local-exec provisioner right after, and the login must be accepted. (It was refused with
// "Invalid otp_code." when the ephemeral resource computed the current code on its own.)
func TestAccTOTPCodeEphemeralIsNeverAlreadySpent(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	self, _ := os.Executable()
	step1 := otpConfig(env, env.username, env.password)
	step2 := step1 + fmt.Sprintf(`
resource "auth0mfa_oob_authenticator" "sms" {
  login = {
    username   = %[1]q
    password   = %[2]q
    otp_secret = auth0mfa_otp_authenticator.test.secret
  }
  channel      = "sms"
  phone_number = "+15551233001"
  %[3]s
}
ephemeral "auth0mfa_totp_code" "now" {
  secret     = auth0mfa_otp_authenticator.test.secret
  depends_on = [auth0mfa_oob_authenticator.sms]
}
resource "terraform_data" "end_to_end_login" {
  depends_on = [auth0mfa_oob_authenticator.sms]
  provisioner "local-exec" {
    command = "'%[4]s' '%[5]s' '%[1]s'"
    environment = {
      A0MFA_TEST_HELPER = "otp-login"
      A0MFA_PASSWORD    = %[2]q
      A0MFA_CODE        = ephemeral.auth0mfa_totp_code.now.code
    }
  }
}
`, env.username, env.password, codeCommand(env), self, env.baseURL)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps:                    []resource.TestStep{{Config: step1}, {Config: step2}},
	})
}
