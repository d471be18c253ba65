package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// rfcSecret is RFC 6238's SHA-1 test key, "12345678901234567890", in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// RFC 6238 appendix B, SHA-1 rows; Auth0 uses 6 digits, the last six of the RFC's eight.
var rfc6238Vectors = []struct {
	unix int64
	code string
}{
	{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
	{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
}

func TestTOTPCodeAtMatchesRFC6238(t *testing.T) {
	for _, v := range rfc6238Vectors {
		got, err := totpCodeAt(rfcSecret, v.unix)
		if err != nil || got != v.code {
			t.Errorf("T=%d: got %q, %v; want %q", v.unix, got, err, v.code)
		}
	}
	// Lower case and spaces are how secrets are often copied.
	if got, _ := totpCodeAt("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", 59); got != "287082" {
		t.Errorf("a lower-case, spaced secret gave %q", got)
	}
}

func TestAccTOTPCodeFunction(t *testing.T) {
	outputs := ""
	checks := []statecheck.StateCheck{}
	for i, v := range rfc6238Vectors {
		outputs += fmt.Sprintf("output \"c%d\" {\n  value = provider::auth0mfa::totp_code(%q, %d)\n}\n", i, rfcSecret, v.unix)
		checks = append(checks, statecheck.ExpectKnownOutputValue(fmt.Sprintf("c%d", i), knownvalue.StringExact(v.code)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: outputs, ConfigStateChecks: checks},
			{
				// An unknown secret (known only after apply) gives an unknown code at plan time.
				Config: `resource "terraform_data" "secret" {
  input = "` + rfcSecret + `"
}
output "later" {
  value = provider::auth0mfa::totp_code(terraform_data.secret.output, 59)
}`,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("later")}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("later", knownvalue.StringExact("287082"))},
			},
		},
	})
}

func TestAccTOTPCodeFunctionRefusesBadInput(t *testing.T) {
	cases := map[string]struct{ args, want string }{
		"null secret":     {`null, 59`, `argument must not be null`},
		"null time":       {`"` + rfcSecret + `", null`, `argument must not be null`},
		"not base32":      {`"not-base32!", 59`, `secret: the TOTP secret is not valid`},
		"empty secret":    {`"", 59`, `secret: the TOTP secret is not valid`},
		"negative time":   {`"` + rfcSecret + `", -1`, `unix_time must be between 0`},
		"time past 9999":  {`"` + rfcSecret + `", 253402300800`, `unix_time must be between 0`},
		"fractional time": {`"` + rfcSecret + `", 59.7`, `unix_time must be a whole number of\s+seconds, got 59\.7`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("output \"c\" {\n  value = provider::auth0mfa::totp_code(%s)\n}\n", c.args),
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// The error for a bad secret never quotes it: a typo'd real secret must not land in logs.
func TestTOTPCodeErrorDoesNotQuoteTheSecret(t *testing.T) {
	secret := "JBSWY3DPEHPK3PX!"
	_, err := totpCodeAt(secret, 59)
	if err == nil || regexp.MustCompile(regexp.QuoteMeta(secret)).MatchString(err.Error()) {
		t.Fatalf("want an error that does not quote the secret, got %v", err)
	}
}
