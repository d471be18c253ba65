//go:build unix

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// TestAccPipeline_destroyRightAfterTheSuiteSignedIn is the pipeline every platform team runs:
// apply, the suite signs in with the factor's secret (with the current and the previous step's
// codes, so both codes Auth0 accepts now are spent), destroy in the same minute. The destroy
// waits for the next step instead of blaming the secret, and says it waited.
func TestAccPipeline_destroyRightAfterTheSuiteSignedIn(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	p.write(fmt.Sprintf(`resource "auth0mfa_otp_authenticator" "bot" {
  login = {
    username = %q
    password = %q
  }
}
output "secret" {
  value     = auth0mfa_otp_authenticator.bot.secret
  sensitive = true
}
`, emutest.Username, emutest.Password))
	// A long-lived runner: an afternoon's leftovers that can no longer matter.
	old := filepath.Join(p.cache, "totp-steps", "0123456789abcdef0123456789abcdef.json")
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("[1]"), 0o600); err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().Add(-24 * time.Hour)
	_ = os.Chtimes(old, yesterday, yesterday)
	p.must("apply", "-auto-approve", "-input=false")
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the provider left a day-old used-steps record in the cache directory: %v", err)
	}
	secret := strings.TrimSpace(p.must("output", "-raw", "secret"))

	// Start early in a step, so that the destroy below runs in the step the suite spent.
	if left := 30 - time.Now().Unix()%30; left < 20 {
		time.Sleep(time.Duration(left)*time.Second + 200*time.Millisecond)
	}
	now := time.Now()
	if !p.suiteSignsIn(emutest.Username, emutest.Password, secret, now) {
		t.Fatal("the suite could not sign in with the current step's code of the stored secret")
	}
	// The previous step's code may have confirmed the factor (then it is spent already).
	p.suiteSignsIn(emutest.Username, emutest.Password, secret, now.Add(-30*time.Second))

	out, err := p.run("destroy", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("destroy right after the suite signed in failed:\n%s", out)
	}
	if !strings.Contains(out, "Waited for a New TOTP Window") {
		t.Fatalf("destroy did not say that it waited for a new TOTP step:\n%s", out)
	}
	if strings.Contains(out, "Fix the") {
		t.Fatalf("destroy told the user to fix a secret only the provider holds:\n%s", out)
	}
	if list, _ := p.tn.Authenticators(emutest.Username); len(list) != 0 {
		t.Fatalf("destroy left factors behind: %+v", list)
	}
}

// TestAccPipeline_driftOnAUserWithTwoFactors: the user's OTP factor is deleted outside
// Terraform while its SMS factor stays. The apply that re-enrolls cannot pass MFA with what it
// was given; its error names what can (the SMS factor, the recovery code) and the way out,
// once.
func TestAccPipeline_driftOnAUserWithTwoFactors(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	p.write(p.otpAndSMS("+15551239876") + `output "otp" {
  value     = "${auth0mfa_otp_authenticator.bot.id} ${auth0mfa_otp_authenticator.bot.secret}"
  sensitive = true
}
output "sms" {
  value = auth0mfa_oob_authenticator.sms.id
}
`)
	p.must("apply", "-auto-approve", "-input=false")
	otpID, secret, _ := strings.Cut(strings.TrimSpace(p.must("output", "-raw", "otp")), " ")
	smsID := strings.TrimSpace(p.must("output", "-raw", "sms"))
	p.outsideDelete(emutest.Username, emutest.Password, otpID, secret)

	out, err := p.run("apply", "-auto-approve", "-input=false")
	if err == nil {
		t.Fatalf("the apply re-enrolled without passing MFA:\n%s", out)
	}
	flat := strings.Join(strings.Fields(out), " ") // terraform wraps diagnostics
	for _, want := range []string{"Authenticator No Longer Active", "What can pass MFA for this user now", smsID, "login.recovery_code", "auth0mfa_reset_authenticators", "recovery code, which this resource's state held"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if n := strings.Count(strings.ToLower(flat), "has an active mfa factor"); n != 1 {
		t.Errorf("the reason is printed %d times, want once:\n%s", n, out)
	}
}

// TestAccPipeline_unmanagedFactorIsAdoptedNotDuplicated: an SMS factor that state lost (an
// unnoticed failed import, a state rm) is not enrolled a second time for the same phone: the
// apply refuses before Auth0 is asked and names the import that adopts it; after that import
// the first apply fills what the import could not know, and destroy leaves nothing.
func TestAccPipeline_unmanagedFactorIsAdoptedNotDuplicated(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	p.write(p.otpAndSMS("+15551234321") + `output "sms" {
  value = "${auth0mfa_oob_authenticator.sms.id} ${auth0mfa_oob_authenticator.sms.name}"
}
`)
	p.must("apply", "-auto-approve", "-input=false")
	smsID, _, _ := strings.Cut(strings.TrimSpace(p.must("output", "-raw", "sms")), " ")
	p.must("state", "rm", "auth0mfa_oob_authenticator.sms")
	associates := p.tn.Stats()["POST /mfa/associate"]

	out, err := p.run("apply", "-auto-approve", "-input=false")
	flat := strings.Join(strings.Fields(out), " ")
	importID := emutest.Username + ":" + smsID
	if err == nil || !strings.Contains(flat, "Destination Already Has an Active Factor") || !strings.Contains(flat, importID) {
		t.Fatalf("want a refusal that names the import id %q:\n%s", importID, out)
	}
	if n := p.tn.Stats()["POST /mfa/associate"] - associates; n != 0 {
		t.Fatalf("the refused apply still sent %d associate requests", n)
	}

	p.must("import", "-input=false", "auth0mfa_oob_authenticator.sms", importID)
	p.must("apply", "-auto-approve", "-input=false")
	if got := strings.TrimSpace(p.must("output", "-raw", "sms")); got != smsID+" XXXXXXXX4321" {
		t.Fatalf("after import and apply the output is %q, want the id and the masked phone", got)
	}
	if out, err := p.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Fatalf("the plan after adoption is not empty: %v\n%s", err, out)
	}
	p.must("destroy", "-auto-approve", "-input=false")
	if list, _ := p.tn.Authenticators(emutest.Username); len(list) != 0 {
		t.Fatalf("destroy left factors behind: %+v", list)
	}
}

// TestAccPipeline_killedRunOnAFreshRunner: a run killed after Auth0 confirmed the factors and
// before terraform saved state, followed by an apply on a fresh runner (an empty cache, so no
// in-flight record). The apply cannot pass MFA with factors only the killed run knew; its error
// names them and the one step out, and after that step the apply converges.
func TestAccPipeline_killedRunOnAFreshRunner(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	users := []string{"ci-1@example.com", "ci-2@example.com"}
	var entries []string
	for _, u := range users {
		if err := p.tn.AddUser(emulator.UserConfig{Username: u, Email: u, Password: "pw-" + u, UserID: "auth0|" + strings.TrimSuffix(u, "@example.com")}); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, fmt.Sprintf("%q = %q", u, "pw-"+u))
	}
	p.write(`locals {
  bots = {` + strings.Join(entries, "\n    ") + `}
}
resource "auth0mfa_otp_authenticator" "bot" {
  for_each = local.bots
  login = {
    username = each.key
    password = each.value
  }
}
`)
	// Each enrollment lists before associating and after confirming: hold every listing after
	// the first one per user, so the kill comes after the confirmations and before state.
	p.tn.InjectFault(emulator.Fault{Endpoint: "GET /mfa/authenticators", Skip: len(users), Count: 100, LatencyMS: 120000})
	apply := p.command("apply", "-auto-approve", "-input=false")
	apply.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(180 * time.Second) // a loaded machine is slow; the kill comes as soon as they are
	for !allActive(p.tn, users) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
			t.Fatal("the apply never confirmed the factors")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
	_ = apply.Wait()
	p.tn.ClearFaults()

	p.freshRunner()
	out, err := p.run("apply", "-auto-approve", "-input=false")
	flat := strings.Join(strings.Fields(out), " ")
	if os.Getenv("A0MFA_SHOW") != "" {
		t.Log(out)
	}
	if err == nil {
		t.Fatalf("the apply on a fresh runner passed MFA it could not pass:\n%s", out)
	}
	for _, u := range users {
		list, _ := p.tn.Authenticators(u)
		if len(list) == 0 || !strings.Contains(flat, list[0].ID) {
			t.Errorf("the error does not name %s's factor left by the killed run:\n%s", u, out)
		}
	}
	// With a management application, each factor comes with when Auth0 created it.
	for _, want := range []string{"killed before it saved state", "(OTP, created 20", "auth0mfa_reset_authenticators", "/api/v2/users/<the user's id>/authenticators", "Multi-factor Authentication"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the error does not say %q:\n%s", want, out)
		}
	}

	// The documented step out: the Management API's reset (what the action calls), then apply.
	env := &accEnv{tenant: p.tn, domain: emutest.Domain, baseURL: p.tn.URL, clientID: emutest.ClientID, secret: emutest.ClientSecret}
	mgmt := env.managementClient(t)
	for _, u := range users {
		if err := mgmt.DeleteAllAuthenticators(testCtx(t), "auth0|"+strings.TrimSuffix(u, "@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	p.must("apply", "-auto-approve", "-input=false")
	if out, err := p.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Fatalf("the plan after recovery is not empty: %v\n%s", err, out)
	}
	p.must("destroy", "-auto-approve", "-input=false")
	for _, u := range users {
		if list, _ := p.tn.Authenticators(u); len(list) != 0 {
			t.Fatalf("destroy left factors of %s behind: %+v", u, list)
		}
	}
}

func allActive(tn *emutest.Tenant, users []string) bool {
	for _, u := range users {
		list, _ := tn.Authenticators(u)
		if len(list) == 0 || !list[0].Active {
			return false
		}
	}
	return true
}

// TestAccPipeline_flakyNetwork: a proxy fails about one Auth0 request in ten at random (a 503
// before the tenant acts, an answer lost after it acted, a dropped connection) while 10 users
// get an OTP factor and 3 of them an SMS factor too, then while they are destroyed. Each phase
// should take one run: a lost answer costs a retry, not the pipeline. Correctness holds
// whatever it takes: the tenant matches state, nothing pending, and destroy leaves nothing.
func TestAccPipeline_flakyNetwork(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("AUTH0MFA_FLAKY_SEED"); v != "" {
		_, _ = fmt.Sscan(v, &seed)
	}
	proxy := emutest.StartFlakyProxy(t, p.tn.URL, 0.1, seed)
	p.baseURL = proxy.URL
	var hcl strings.Builder
	var users []string
	for i := 1; i <= 10; i++ {
		u := fmt.Sprintf("flaky-%02d@example.com", i)
		users = append(users, u)
		if err := p.tn.AddUser(emulator.UserConfig{Username: u, Email: u, Password: "pw-" + u}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&hcl, `resource "auth0mfa_otp_authenticator" "u%[1]d" {
  login = {
    username = %[2]q
    password = %[3]q
  }
}
`, i, u, "pw-"+u)
		if i <= 3 {
			fmt.Fprintf(&hcl, `resource "auth0mfa_oob_authenticator" "u%[1]d" {
  login = {
    username   = %[2]q
    password   = %[3]q
    otp_secret = auth0mfa_otp_authenticator.u%[1]d.secret
  }
  channel              = "sms"
  phone_number         = "+1555123%04[1]d"
  binding_code_command = %[4]s
}
`, i, u, "pw-"+u, hclList(emulatorBin, "code", "--url", p.tn.URL))
		}
	}
	p.write(hcl.String())
	runsUntilSuccess := func(args ...string) int {
		for run := 1; run <= 4; run++ {
			out, err := p.run(args...)
			if err == nil {
				return run
			}
			flat := strings.Join(strings.Fields(out), " ")
			if strings.Contains(flat, "Check domain and base_url") {
				t.Errorf("a transient failure blamed the configuration:\n%s", out)
			}
			t.Logf("run %d of terraform %s failed (seed %d):\n%s", run, args[0], seed, out)
		}
		t.Fatalf("terraform %s did not converge in 4 runs (seed %d)", args[0], seed)
		return 0
	}
	applies := runsUntilSuccess("apply", "-auto-approve", "-input=false")
	proxy.SetRate(0)
	if out, err := p.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Fatalf("the plan after the flaky apply is not empty: %v\n%s", err, out)
	}
	for i, u := range users {
		list, _ := p.tn.Authenticators(u)
		want := 2 // totp, recovery code
		if i < 3 {
			want = 4 // and sms with its voice twin
		}
		if len(list) != want {
			t.Errorf("%s has %d authenticators at the tenant, want %d: %+v", u, len(list), want, list)
		}
		for _, a := range list {
			if !a.Active {
				t.Errorf("%s has a pending authenticator: %+v", u, a)
			}
		}
	}
	proxy.SetRate(0.1)
	destroys := runsUntilSuccess("destroy", "-auto-approve", "-input=false")
	for _, u := range users {
		if list, _ := p.tn.Authenticators(u); len(list) != 0 {
			t.Errorf("destroy left authenticators of %s: %+v", u, list)
		}
	}
	t.Logf("flaky network (seed %d): apply converged in %d run(s), destroy in %d; proxy: %v", seed, applies, destroys, proxy.Counts())
	if applies > 1 || destroys > 1 {
		t.Errorf("a flaky network cost a pipeline run: apply %d runs, destroy %d (seed %d)", applies, destroys, seed)
	}
}

// TestAccPipeline_interruptedApplySaysSo: Ctrl-C while a request is in flight. The error says
// the run was interrupted, not that Auth0 could not be reached.
func TestAccPipeline_interruptedApplySaysSo(t *testing.T) {
	p := newPipeline(t, emutest.Config())
	p.write(fmt.Sprintf(`resource "auth0mfa_otp_authenticator" "bot" {
  login = {
    username = %q
    password = %q
  }
}
`, emutest.Username, emutest.Password))
	p.tn.InjectFault(emulator.Fault{Endpoint: "POST /mfa/associate", LatencyMS: 60000})
	apply := p.command("apply", "-auto-approve", "-input=false")
	var out strings.Builder
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for p.tn.PendingFaults() > 0 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatal("the apply never reached associate")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = apply.Process.Signal(syscall.SIGINT) // what Ctrl-C sends
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
		}
	case <-time.After(30 * time.Second):
		_ = apply.Process.Kill()
		t.Fatalf("terraform did not stop after SIGINT:\n%s", out.String())
	}
	flat := strings.Join(strings.Fields(out.String()), " ")
	if !strings.Contains(flat, "The run was interrupted") || strings.Contains(flat, "Check domain") || strings.Contains(flat, "context canceled") {
		t.Fatalf("the interruption is not reported as one:\n%s", out.String())
	}
}
