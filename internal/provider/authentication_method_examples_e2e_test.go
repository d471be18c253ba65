//go:build unix

package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// TestAccAuthenticationMethodExamplesRun applies the resource's and the data source's examples
// as the docs show them, against the emulator (the user id of the examples exists there), then
// destroys them.
func TestAccAuthenticationMethodExamplesRun(t *testing.T) {
	requireCLIFeature(t, featureWriteOnly)
	p := newPipeline(t, emutest.Config())
	const exampleUser = "auth0|63d17c639d503d76c056c16e"
	if err := p.tn.AddUser(emulator.UserConfig{Username: "ci-bot@example.com", Email: "ci-bot@example.com", Password: "pw-ci-bot-1", UserID: exampleUser}); err != nil {
		t.Fatal(err)
	}
	var hcl strings.Builder
	for _, f := range []string{"../../examples/resources/auth0mfa_authentication_method/resource.tf", "../../examples/data-sources/auth0mfa_authentication_methods/data-source.tf"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		hcl.Write(raw)
	}
	// The data source reads after the methods exist.
	p.write(strings.Replace(hcl.String(), `user_id = "auth0|63d17c639d503d76c056c16e"
}

output "ci_bot_methods"`, `user_id = "auth0|63d17c639d503d76c056c16e"
  depends_on = [auth0mfa_authentication_method.ci_bot_totp, auth0mfa_authentication_method.support_bot_totp,
    auth0mfa_authentication_method.ci_bot_phone, auth0mfa_authentication_method.ci_bot_email,
    auth0mfa_authentication_method.e2e_security_key]
}

output "ci_bot_methods"`, 1))
	p.env = append(p.env, "TF_VAR_ci_bot_totp_secret="+userSecret)
	out := p.must("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Apply complete! Resources: 5 added") || !strings.Contains(out, "(totp, created ") || !strings.Contains(out, "(phone, created ") ||
		!strings.Contains(out, "(webauthn-roaming, created ") {
		t.Fatalf("the examples did not apply as documented:\n%s", out)
	}
	if qr := p.must("output", "-raw", "support_bot_qr_code"); !strings.HasPrefix(qr, "iVBORw0KGgo") {
		t.Fatalf("the QR code output is %.20q", qr)
	}
	if cdp := p.must("output", "-raw", "e2e_security_key_cdp"); !strings.Contains(cdp, `"rpId":"`+emutest.Domain+`"`) {
		t.Fatalf("the security key's credential object is %.30q…", cdp)
	}
	if out, err := p.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Fatalf("the plan after the examples is not empty: %v\n%s", err, out)
	}
	p.must("destroy", "-auto-approve", "-input=false")
}

// TestAccAuthenticationMethod_requestFloor counts the route's requests through the real CLI:
// per resource one create, one read per refresh, one delete, plus one Management API token per
// provider process (each terraform command starts one).
func TestAccAuthenticationMethod_requestFloor(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	var hcl strings.Builder
	const n = 4
	for i := range n {
		hcl.WriteString(`resource "auth0mfa_authentication_method" "m` + string(rune('a'+i)) + `" {
  user_id = "` + emutest.UserID + `"
  type    = "email"
  email   = "bot-` + string(rune('a'+i)) + `@example.com"
}
`)
	}
	p.write(hcl.String())
	phase := func(args ...string) map[string]int {
		before := p.tn.Stats()
		p.must(args...)
		after := p.tn.Stats()
		out := map[string]int{}
		for k, v := range after {
			if d := v - before[k]; d > 0 {
				out[k] = d
			}
		}
		return out
	}
	want := func(name string, got map[string]int, endpoint string, count int) {
		t.Helper()
		if got[endpoint] != count {
			t.Errorf("%s: %d × %s, want %d (all: %v)", name, got[endpoint], endpoint, count, got)
		}
	}
	apply := phase("apply", "-auto-approve", "-input=false")
	want("apply", apply, "POST /api/v2/users/{id}/authentication-methods", n)
	want("apply", apply, "POST /oauth/token", 1)
	refresh := phase("plan", "-refresh-only", "-input=false")
	want("refresh", refresh, "GET /api/v2/users/{id}/authentication-methods/{method_id}", n)
	want("refresh", refresh, "POST /oauth/token", 1)
	destroy := phase("destroy", "-auto-approve", "-input=false")
	want("destroy", destroy, "DELETE /api/v2/users/{id}/authentication-methods/{method_id}", n)
	want("destroy", destroy, "GET /api/v2/users/{id}/authentication-methods/{method_id}", n) // its own refresh
}
