package provider

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

func TestTOTPWaitIsAWarningThatSaysWhy(t *testing.T) {
	var diags diag.Diagnostics
	warnTOTPWait(&diags, 0)
	if len(diags) != 0 {
		t.Fatal("no wait, no warning")
	}
	warnTOTPWait(&diags, 24*time.Second+300*time.Millisecond)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "waited 24s") ||
		!strings.Contains(diags[0].Detail(), "accepts each code only once") {
		t.Fatalf("%v", diags)
	}
}

// A refused code is explained by what is likeliest, and only a typed secret is called wrong.
func TestRefusedCodeBlamesTheRightThing(t *testing.T) {
	refusal := &mfaapi.Error{Endpoint: "POST /oauth/token", StatusCode: 403, Code: "invalid_grant", Description: "Invalid otp_code."}
	login := mfaapi.Login{Username: "bot@example.com"}
	cases := []struct {
		name      string
		err       error
		want      []string
		forbidden []string
	}{
		{"typed secret", &mfaapi.CodeRefusedError{Source: "login.otp_secret", Err: refusal},
			[]string{"Fix login.otp_secret"}, []string{"clock"}},
		{"held secret", &mfaapi.CodeRefusedError{Source: "the resource's own secret", Held: true, Err: refusal},
			[]string{"enrolled and confirmed this factor itself", "-refresh-only"}, []string{"Fix", "clock"}},
		{"tenant clock ahead", &mfaapi.CodeRefusedError{Source: "the resource's own secret", Held: true, ClockSkew: time.Hour, Err: refusal},
			[]string{"1h0m0s ahead of this machine's clock", "NTP"}, []string{"Fix"}},
		{"tenant clock behind", &mfaapi.CodeRefusedError{Source: "login.otp_secret", ClockSkew: -2 * time.Minute, Err: refusal},
			[]string{"2m0s behind this machine's clock"}, []string{"Fix"}},
		{"lost answer from a reachable tenant", &mfaapi.TransportError{Endpoint: "POST /mfa/associate", Err: io.EOF, Ambiguous: true, Reachable: true},
			[]string{"A transient failure", "stopped answering", "Apply again"}, []string{"Check domain"}},
		{"server error after the retries", &mfaapi.Error{Endpoint: "POST /oauth/token", StatusCode: 503, Code: "temporarily_unavailable"},
			[]string{"A transient failure", "server error"}, []string{"Check domain"}},
		{"unreachable from the start", &mfaapi.TransportError{Endpoint: "POST /oauth/token", Err: io.EOF},
			[]string{"Check domain and base_url"}, []string{"transient"}},
		{"interrupted", &mfaapi.TransportError{Endpoint: "POST /mfa/associate", Err: context.Canceled},
			[]string{"The run was interrupted"}, []string{"domain", "base_url", "context canceled"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addAPIError(&diags, "Could Not Delete the Authenticator", login, tc.err)
			if len(diags) != 1 {
				t.Fatalf("%v", diags)
			}
			detail := diags[0].Detail()
			for _, w := range tc.want {
				if !strings.Contains(detail, w) {
					t.Errorf("missing %q in:\n%s", w, detail)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(detail, f) {
					t.Errorf("unexpected %q in:\n%s", f, detail)
				}
			}
		})
	}
}
