package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// The QR code of a real factor's barcode_uri, rendered by the function, is a PNG, and it is
// as sensitive as the URI it came from.
func TestAccQRCodePNGFunction(t *testing.T) {
	env := newAccEnv(t)
	cfg := otpConfig(env, env.username, env.password) +
		"output \"qr\" {\n  value     = provider::auth0mfa::qr_code_png(auth0mfa_otp_authenticator.test.barcode_uri)\n  sensitive = true\n}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("qr", pngBase64{})},
		}, {
			// Without sensitive = true, Terraform refuses the output: the result kept the mark.
			Config:      otpConfig(env, env.username, env.password) + "output \"qr\" {\n  value = provider::auth0mfa::qr_code_png(auth0mfa_otp_authenticator.test.barcode_uri)\n}\n",
			ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
		}},
	})
}

func TestAccQRCodePNGFunctionRefusesWhatIsNoURI(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      "output \"qr\" {\n  value = provider::auth0mfa::qr_code_png(\"JBSWY3DPEHPK3PXP\")\n}\n",
			ExpectError: regexp.MustCompile(`(?s)uri must be an otpauth:// URI.*not shown`),
		}},
	})
}
