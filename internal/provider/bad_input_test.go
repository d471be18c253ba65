package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// badInput is one refused input: where it is written, the phase that reports it, and what the
// diagnostic says. The same table is published in docs/guides/reliability.md.
type badInput struct {
	name string
	// phase is where terraform reports it: "validate" (the schema's validators: terraform
	// validate and every plan), "plan" (needs the configured provider or Auth0's answer, which
	// a plan has and validate does not), "apply", "apply-local" (at apply, before Auth0 is
	// asked for anything), or "import".
	phase string
	hcl   string // provider block extras and resource/data blocks; {P} is the provider block
	id    string // for phase "import": the import ID
	want  string
}

func badInputs(env *accEnv) []badInput {
	login := loginHCL(emutest.Username, emutest.Password)
	otp := func(loginBlock string) string {
		return "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginBlock + "}\n"
	}
	oob := func(body string) string {
		return "resource \"auth0mfa_oob_authenticator\" \"test\" {\n" + login + body + "}\n"
	}
	ds := func(loginBlock string) string {
		return "data \"auth0mfa_authenticators\" \"test\" {\n" + loginBlock + "}\n"
	}
	method := func(body string) string {
		return "resource \"auth0mfa_authentication_method\" \"test\" {\n  user_id = \"auth0|alice\"\n" + body + "}\n"
	}
	cmd := "  " + codeCommand(env) + "\n"
	prov := func(attrs string) string {
		return "provider \"auth0mfa\" {\n" + attrs + "}\n" + otp(login)
	}
	base := "  domain = \"" + env.domain + "\"\n  base_url = \"" + env.baseURL + "\"\n  client_id = \"" + env.clientID + "\"\n"
	secret := "  client_secret = \"" + env.secret + "\"\n"
	return []badInput{
		{"provider: domain with https://", "validate", prov(secret + "  domain = \"https://t.example.com\"\n  client_id = \"c\"\n"), "", `bare host name`},
		{"provider: empty domain", "validate", prov(secret + "  domain = \"\"\n  client_id = \"c\"\n"), "", `must not be empty`},
		{"provider: blank client_id", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"  \"\n"), "", `must not be empty or only white space`},
		{"provider: empty client_secret", "validate", prov(base + "  client_secret = \"\"\n"), "", `must not be empty or only white space`},
		{"provider: base_url without a scheme", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"c\"\n  base_url = \"t.example.com\"\n"), "", `must look like https://`},
		{"provider: base_url with a path", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"c\"\n  base_url = \"https://t.example.com/api\"\n"), "", `without a path`},
		{"provider: http to a non-loopback host", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"c\"\n  base_url = \"http://t.example.com\"\n"), "", `not loopback`},
		{"provider: unsupported signing algorithm", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"c\"\n  client_assertion_signing_alg = \"HS256\"\n"), "", `value must be one of`},
		{"provider: malformed PEM", "validate", prov("  domain = \"t.example.com\"\n  client_id = \"c\"\n  client_assertion_private_key = \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\"\n"), "", `no readable RSA private key`},
		{"provider: secret and private key together", "validate", prov(secret + "  domain = \"t.example.com\"\n  client_id = \"c\"\n  client_assertion_private_key = \"x\"\n"), "", `cannot be specified when`},
		{"provider: wrong client secret", "apply", prov(base + "  client_secret = \"wrong-secret\"\n"), "", `rejected the application's credentials`},
		{"login: empty username", "validate", "{P}" + otp(loginHCL("", "pw")), "", `must not be empty`},
		{"login: white-space username", "validate", "{P}" + otp(loginHCL("   ", "pw")), "", `must not be empty or only white space`},
		{"login: empty password", "validate", "{P}" + otp(loginHCL("u@example.com", "")), "", `must not be empty`},
		{"login: realm that is no connection name", "validate", "{P}" + otp(loginHCL("u@example.com", "pw", `realm = "my realm"`)), "", `database connection name`},
		{"login: otp_secret that is not base32", "validate", "{P}" + otp(loginHCL("u@example.com", "pw", `otp_secret = "not base32!"`)), "", `not valid base32`},
		{"login: empty otp_secret", "validate", "{P}" + otp(loginHCL("u@example.com", "pw", `otp_secret = ""`)), "", `not valid base32`},
		{"login: recovery_code of the wrong shape", "validate", "{P}" + otp(loginHCL("u@example.com", "pw", `recovery_code = "abc"`)), "", `24 capital letters and digits`},
		{"provider: management_client_id without its secret", "validate", prov(base + "  client_secret = \"s\"\n  management_client_id = \"m2m\"\n"), "", `management_client_secret`},
		{"provider: management secret and private key together", "validate", prov(base + "  client_secret = \"s\"\n  management_client_id = \"m2m\"\n" +
			"  management_client_secret = \"m\"\n  management_client_assertion_private_key = \"x\"\n"), "", `cannot be specified when`},
		{"provider: management private key without a client id", "validate", prov(base + "  client_secret = \"s\"\n" +
			"  management_client_assertion_private_key = \"x\"\n"), "", `Missing Management Client ID`},
		{"recovery code: user_id that is no Auth0 user id", "validate", "{P}" + "resource \"auth0mfa_recovery_code_regeneration\" \"r\" {\n  user_id = \"alice\"\n}\n", "", `not an Auth0 user id`},
		{"method: totp_secret_wo that is not base32", "validate", "{P}" + method(`  type = "totp"
  totp_secret_wo = "not base32!"
  totp_secret_wo_version = 1
`), "", `must be base32`},
		{"method: totp_secret_wo shorter than 128 bits", "validate", "{P}" + method(`  type = "totp"
  totp_secret_wo = "JBSWY3DPEHPK3PXP"
  totp_secret_wo_version = 1
`), "", `at least 128 bits`},
		{"method: totp_secret_wo without its version", "validate", "{P}" + method(`  type = "totp"
  totp_secret_wo = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
`), "", `totp_secret_wo_version`},
		{"method: an argument of another type", "validate", "{P}" + method("  type = \"totp\"\n  email = \"x@example.com\"\n"), "", `does not apply to type`},
		{"method: phone without a number", "validate", "{P}" + method("  type = \"phone\"\n"), "", `needs phone_number`},
		{"method: security key public_key_pem that is not PEM", "validate", "{P}" + method("  type = \"webauthn-roaming\"\n  public_key_pem = \"ssh-ed25519 AAAA\"\n"), "", `not PEM text`},
		{"method: security key relying party with a scheme", "validate", "{P}" + method("  type = \"webauthn-roaming\"\n  relying_party_identifier = \"https://login.example.com\"\n"), "", `must be a host name`},
		{"method: no management application", "plan", "{P}" + method("  type = \"totp\"\n"), "", `Missing Management API Application`},
		{"recovery code: no management application", "plan", "{P}" + "resource \"auth0mfa_recovery_code_regeneration\" \"r\" {\n  user_id = \"auth0|alice\"\n}\n", "", `Missing Management API Application`},
		{"login: wrong password", "apply", "{P}" + otp(loginHCL(emutest.Username, "wrong-password")), "", `rejected the username or password`},
		{"otp: a second factor without a way to pass MFA", "apply", "{P}" + otp(loginHCL("enrolled@example.com", "pw-enrolled@example.com")), "", `set login.otp_secret`},
		{"oob: invalid phone number", "validate", "{P}" + oob("  channel = \"sms\"\n  phone_number = \"555-1234\"\n"+cmd), "", `E.164`},
		{"oob: phone number with the email channel", "validate", "{P}" + oob("  channel = \"email\"\n  phone_number = \"+15551230301\"\n"+cmd), "", `phone_number applies to the sms and voice`},
		{"oob: sms without a phone number", "validate", "{P}" + oob("  channel = \"sms\"\n"+cmd), "", `set phone_number in E.164`},
		{"oob: missing binding_code_command", "validate", "{P}" + oob("  channel = \"sms\"\n  phone_number = \"+15551230302\"\n"), "", `Set binding_code_command`},
		{"oob: empty binding_code_command", "validate", "{P}" + oob("  channel = \"sms\"\n  phone_number = \"+15551230303\"\n  binding_code_command = []\n"), "", `at least 1`},
		{"oob: blank argv element", "validate", "{P}" + oob("  channel = \"sms\"\n  phone_number = \"+15551230303\"\n  binding_code_command = [\"\"]\n"), "", `must not be empty`},
		{"oob: unknown channel", "validate", "{P}" + oob("  channel = \"pigeon\"\n"+cmd), "", `value must be one of`},
		{"oob: email that is no address", "validate", "{P}" + oob("  channel = \"email\"\n  email = \"not an email\"\n"+cmd), "", `plain email address`},
		{"oob: push with a phone number", "validate", "{P}" + oob("  channel = \"auth0\"\n  phone_number = \"+15551230304\"\n"), "", `remove phone_number`},
		{"data source: blank username", "validate", "{P}" + ds(loginHCL(" ", "pw")), "", `must not be empty or only white space`},
		{"data source: bad realm", "validate", "{P}" + ds(loginHCL("u@example.com", "pw", `realm = "-bad-"`)), "", `database connection name`},
		{"data source: wrong password", "plan", "{P}" + ds(loginHCL(emutest.Username, "wrong-password")), "", `rejected the username or password`},
		{"oob: binding_code_command that cannot start", "apply-local", "{P}" + oob("  channel = \"sms\"\n  phone_number = \"+15551230305\"\n  binding_code_command = [\"/nonexistent/read-code\"]\n"), "", `could not be started`},
		{"login: otp_secret of another user", "apply", "{P}" + otp(loginHCL("enrolled@example.com", "pw-enrolled@example.com", `otp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"`)), "", `refused the TOTP code computed from login.otp_secret`},
		{"import: not an import ID", "import", "{P}" + otp(login), "nonsense", `is not valid`},
		{"import: an sms id into the OTP resource", "import", "{P}" + otp(login), "u@example.com:sms|dev_abc", `this resource manages totp`},
		{"import: no authenticator id", "import", "{P}" + otp(login), "u@example.com:", `is not valid`},
		{"import: realm that is no connection name", "import", "{P}" + otp(login), "bad realm/u@example.com:totp|dev_abc", `not an Auth0 connection name`},
	}
}

func TestAccBadInputs(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	// A user who already has a factor, for the "second factor without a way to pass MFA" case.
	u, pw := env.addUser(t, "enrolled@example.com")
	if _, err := env.client(t).Session(loginOf(u, pw)).EnrollOTP(testCtx(t), stepUpNone()); err != nil {
		t.Fatal(err)
	}
	cases := badInputs(env)
	if len(cases) < 25 {
		t.Fatalf("the table must hold at least 25 bad inputs, it holds %d", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := regexp.MustCompile(`\{P\}`).ReplaceAllLiteralString(tc.hcl, env.providerBlock())
			before := tenantFactorCount(t, tn)
			step := resource.TestStep{Config: cfg, ExpectError: wrapped(tc.want)}
			switch tc.phase {
			case "validate", "plan":
				step.PlanOnly = true
			case "import":
				step = resource.TestStep{Config: cfg, ResourceName: otpAddr, ImportState: true, ImportStateId: tc.id, ExpectError: wrapped(tc.want)}
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: []resource.TestStep{step}})
			if after := tenantFactorCount(t, tn); after != before {
				t.Fatalf("a refused input changed the tenant (%d -> %d authenticators)", before, after)
			}
		})
	}
}

// reportedAt is how the reliability guide names each phase.
var reportedAt = map[string]string{
	"validate": "`terraform validate` / `plan`",
	"plan":     "`terraform plan` (needs the configured provider or Auth0's answer)",
	"apply":    "`terraform apply` (needs Auth0's answer)",
	// The command is looked up when the resource is created (it may be written by an earlier
	// resource of the same apply), before anything is sent to Auth0.
	"apply-local": "`terraform apply`, before anything is sent to Auth0",
	"import":      "`terraform import`",
}

// The guide's table says, for every bad input, the phase this test proves.
func TestReliabilityGuideListsEveryBadInputWhereItIsCaught(t *testing.T) {
	raw, err := os.ReadFile("../../templates/guides/reliability.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(raw)
	for _, tc := range badInputs(&accEnv{domain: "d.example.com", baseURL: "http://127.0.0.1:1", clientID: "c", secret: "s"}) {
		row := "| " + tc.name + " | " + reportedAt[tc.phase] + " |"
		if !strings.Contains(guide, row+"\n") {
			t.Errorf("the guide lacks the row %q", row)
		}
	}
}
