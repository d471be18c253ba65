package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/conform"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// conformSteps are the steps a full run with an SMS code reader records.
var conformSteps = []string{
	"login_without_mfa_audience", "login_with_mfa_audience", "list_before", "associate_otp",
	"confirm_otp_wrong_code", "confirm_otp", "list_after_otp", "login_enrolled", "mfa_otp_reused_code",
	"challenge_otp", "mfa_otp", "associate_sms", "confirm_sms", "list_after_sms", "mfa_recovery_code",
	"delete_sms", "list_after_delete_sms", "delete_otp", "delete_otp_again", "list_after_delete_otp",
}

// conformRouteSteps are the Management API route's steps, after conformSteps.
var conformRouteSteps = []string{"mgmt_token", "mgmt_create_totp", "mgmt_create_totp_again", "mgmt_list", "login_seeded",
	"mfa_list_seeded", "mfa_otp_seeded", "mgmt_create_phone", "mgmt_patch_phone", "mgmt_create_security_key", "mgmt_get_security_key",
	"mgmt_delete_a", "mgmt_delete_b", "mgmt_delete_c"}

func loadRecord(t *testing.T, path string) *conform.Record {
	t.Helper()
	return loadRecordOf(t, path, conformSteps)
}

// loadRecordOf loads a record whose steps must be want, each answered.
func loadRecordOf(t *testing.T, path string, want []string) *conform.Record {
	t.Helper()
	rec, err := conform.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rec.Steps {
		names = append(names, s.Name)
		if s.Skipped != "" || s.Transport != "" || s.Status == 0 {
			t.Errorf("step %s was not answered: %+v", s.Name, s)
		}
	}
	if !slices.Equal(names, want) {
		t.Fatalf("steps %v\nwant %v", names, want)
	}
	return rec
}

// TestConformTwoEmulatorRunsAgree: under each MFA policy, a second run against a fresh
// in-process emulator records exactly what the first did.
func TestConformTwoEmulatorRunsAgree(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			first := filepath.Join(t.TempDir(), "first.json")
			stdout, stderr, code := runBinary(t, nil, "conform", "--emulator", "--mfa-policy", policy, "--out", first)
			if code != 0 {
				t.Fatalf("first run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			rec := loadRecord(t, first)
			if rec.Settings.MFAPolicy != policy || rec.Target != "emulator" {
				t.Fatalf("settings %+v target %q", rec.Settings, rec.Target)
			}
			// The second run detects nothing by itself: it takes the first record's settings.
			stdout, stderr, code = runBinary(t, nil, "conform", "--emulator", "--compare", first)
			if code != 0 || !strings.Contains(stdout, "no differences") {
				t.Fatalf("second run: exit %d\n%s\n%s", code, stdout, stderr)
			}
		})
	}
}

// conformEnv aims the command at tenant through its environment variables (not flags), with
// the code command reading the tenant's outbox, as a user's script would.
func conformEnv(t *testing.T, tenantURL string) []string {
	codeCmd, _ := json.Marshal([]string{emulatorBinary(t), "code", "--url", tenantURL, "--wait", "10s"})
	return []string{
		"AUTH0MFA_CONFORM_URL=" + tenantURL, "AUTH0MFA_CONFORM_DOMAIN=" + emutest.Domain,
		"AUTH0MFA_CONFORM_CLIENT_ID=" + emutest.ClientID, "AUTH0MFA_CONFORM_CLIENT_SECRET=" + emutest.ClientSecret,
		"AUTH0MFA_CONFORM_USERNAME=" + emutest.Username, "AUTH0MFA_CONFORM_PASSWORD=" + emutest.Password,
		"AUTH0MFA_CONFORM_CODE_COMMAND=" + string(codeCmd), "AUTH0MFA_CONFORM_PHONE_NUMBER=+15555550199",
	}
}

func requireNoFactors(t *testing.T, tenant *emutest.Tenant) {
	t.Helper()
	list, err := tenant.Authenticators(emutest.Username)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("the run left factors at the tenant: %+v", list)
	}
}

func controlPost(t *testing.T, tenantURL, path, body string) {
	t.Helper()
	resp, err := http.Post(tenantURL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: %s", path, resp.Status)
	}
}

// tableRows are the data rows of conform's Markdown table.
func tableRows(stdout string) []string {
	var rows []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| step |") {
			rows = append(rows, line)
		}
	}
	return rows
}

// TestConformReportsAnInjectedFaultExactly: a run against a served tenant, then the same run
// with one answer changed through the control API; the table names that answer and nothing else.
// The Management API route (issue 23): two emulator runs that include it agree step by step
// under each MFA policy, the seeded method's code passes mfa-otp, the 409 rule is probed, and
// every method is deleted.
func TestConformManagementRouteRunsAgree(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			route := []string{"--management-client-id", "demo-management", "--management-client-secret", "demo-management-secret"}
			first := filepath.Join(t.TempDir(), "first.json")
			stdout, stderr, code := runBinary(t, nil, append([]string{"conform", "--emulator", "--mfa-policy", policy, "--out", first}, route...)...)
			if code != 0 {
				t.Fatalf("first run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			steps := map[string]int{}
			for _, st := range loadRecordOf(t, first, append(slices.Clone(conformSteps), conformRouteSteps...)).Steps {
				steps[st.Name] = st.Status
			}
			for name, want := range map[string]int{"mgmt_create_totp": 201, "mgmt_create_totp_again": 409, "mfa_otp_seeded": 200,
				"mgmt_create_phone": 201, "mgmt_patch_phone": 200, "mgmt_create_security_key": 201, "mgmt_get_security_key": 200,
				"mgmt_delete_a": 204, "mgmt_delete_c": 204} {
				if steps[name] != want {
					t.Errorf("step %s answered %d, want %d (steps %v)", name, steps[name], want, steps)
				}
			}
			stdout, stderr, code = runBinary(t, nil, append([]string{"conform", "--emulator", "--compare", first}, route...)...)
			if code != 0 || !strings.Contains(stdout, "no differences") {
				t.Fatalf("second run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "every factor this run enrolled at the emulator is deleted") {
				t.Fatalf("the run left something:\n%s", stderr)
			}
		})
	}
}

func TestConformReportsAnInjectedFaultExactly(t *testing.T) {
	tenant := emutest.Start(t, emutest.Config())
	env := conformEnv(t, tenant.URL)
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	if stdout, stderr, code := runBinary(t, env, "conform", "--out", baseline); code != 0 {
		t.Fatalf("baseline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	loadRecord(t, baseline)
	requireNoFactors(t, tenant)

	controlPost(t, tenant.URL, "/_emulator/faults", `{"endpoint":"POST /mfa/challenge","status":503}`)
	stdout, stderr, code := runBinary(t, env, "conform", "--compare", baseline)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	const step = "| challenge_otp | POST /mfa/challenge challenge_type otp | "
	want := []string{
		step + "status | 503 | 200 |",
		step + "error | temporarily_unavailable | (none) |",
		step + "error_description | The service is temporarily unavailable. | (none) |",
		step + `field challenge_type | (absent) | "otp" |`,
	}
	if got := tableRows(stdout); !slices.Equal(got, want) {
		t.Fatalf("rows:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), stdout)
	}
	if !strings.Contains(stdout, "4 difference(s) between this run (tenant) and "+baseline+" (tenant)") {
		t.Fatalf("heading: %s", stdout)
	}
	requireNoFactors(t, tenant)
}

// secretCatcher sits between conform and the tenant and keeps every secret value that passes:
// tokens, OTP secrets and URIs, recovery codes, oob codes in answers; TOTP, binding and
// recovery codes in requests.
type secretCatcher struct {
	mu     sync.Mutex
	values map[string]bool
}

var secretAnswerFields = []string{"access_token", "id_token", "refresh_token", "mfa_token", "secret", "barcode_uri", "oob_code", "recovery_code"}
var secretRequestFields = []string{"otp", "binding_code", "recovery_code", "mfa_token", "client_secret", "password", "oob_code", "totp_secret"}

func (c *secretCatcher) keep(v string) {
	if v != "" {
		c.mu.Lock()
		c.values[v] = true
		c.mu.Unlock()
	}
}

func (c *secretCatcher) proxy(t *testing.T, target string) *httptest.Server {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var fields map[string]any
		if json.Unmarshal(body, &fields) == nil {
			for _, f := range secretAnswerFields {
				s, _ := fields[f].(string)
				c.keep(s)
			}
			codes, _ := fields["recovery_codes"].([]any)
			for _, v := range codes {
				s, _ := v.(string)
				c.keep(s)
			}
		}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		values, _ := url.ParseQuery(string(body))
		var asJSON map[string]any
		if json.Unmarshal(body, &asJSON) == nil {
			for k, v := range asJSON {
				if s, ok := v.(string); ok {
					values.Set(k, s)
				}
			}
		}
		for _, f := range secretRequestFields {
			c.keep(values.Get(f))
		}
		c.keep(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestConformKeepsSecretsOut scans everything the command wrote (stdout, stderr, the record)
// for every secret that crossed the wire, as the provider's TRACE-log test does.
func TestConformKeepsSecretsOut(t *testing.T) {
	tenant := emutest.Start(t, emutest.Config())
	catcher := &secretCatcher{values: map[string]bool{}}
	proxy := catcher.proxy(t, tenant.URL)
	env := conformEnv(t, tenant.URL)
	env = append(env, "AUTH0MFA_CONFORM_URL="+proxy.URL,
		// The Management API route too: its token, the seeded secret and the user id stay out.
		"AUTH0MFA_CONFORM_MANAGEMENT_CLIENT_ID="+emutest.ManagementClientID, "AUTH0MFA_CONFORM_MANAGEMENT_CLIENT_SECRET="+emutest.ManagementClientSecret,
		"AUTH0MFA_CONFORM_USER_ID="+emutest.UserID)
	recordPath := filepath.Join(t.TempDir(), "record.json")
	stdout, stderr, code := runBinary(t, env, "conform", "--out", recordPath)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	loadRecordOf(t, recordPath, append(slices.Clone(conformSteps), conformRouteSteps...))
	record, err := os.ReadFile(recordPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range tenant.Outbox("") {
		catcher.keep(m.Code)
	}
	catcher.keep(emutest.Password)
	catcher.keep(emutest.ClientSecret)
	catcher.keep(emutest.ManagementClientSecret)
	if len(catcher.values) < 15 {
		t.Fatalf("only %d secrets seen on the wire: the catcher is not catching", len(catcher.values))
	}
	written := stdout + "\n" + stderr + "\n" + string(record)
	for v := range catcher.values {
		if strings.Contains(written, v) {
			t.Errorf("a secret (%d characters, starting %.3q) appears in the command's output or record", len(v), v)
		}
	}
	requireNoFactors(t, tenant)
}

// TestConformCleansUpWhenInterrupted interrupts a run after it enrolled a factor (its
// challenge hangs on an injected delay) and checks the factor is gone afterwards.
func TestConformCleansUpWhenInterrupted(t *testing.T) {
	tenant := emutest.Start(t, emutest.Config())
	tenant.InjectFault(emulator.Fault{Endpoint: "POST /mfa/challenge", LatencyMS: 20000})
	cmd := exec.Command(emulatorBinary(t), "conform")
	cmd.Env = append(os.Environ(), conformEnv(t, tenant.URL)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for tenant.Stats()["POST /mfa/challenge"] == 0 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the run never reached its challenge:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if list, _ := tenant.Authenticators(emutest.Username); len(list) == 0 {
		t.Fatal("no factor was enrolled before the interrupt: the test proves nothing")
	}
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailed {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the interrupted run did not end:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped: interrupted") || !strings.Contains(stderr.String(), "is deleted") {
		t.Fatalf("stderr:\n%s", stderr.String())
	}
	requireNoFactors(t, tenant)
}

// TestConformTenantThenEmulatorWithDetectedSettings: --url and --emulator together run the
// tenant first and start the emulator with what was detected there (here the "always" MFA
// policy, which the in-process emulator's default "never" would not match), then compare.
func TestConformTenantThenEmulatorWithDetectedSettings(t *testing.T) {
	tenant := emutest.Start(t, emutest.ConfigWithPolicy(emulator.MFAPolicyAlways))
	out := filepath.Join(t.TempDir(), "tenant.json")
	stdout, stderr, code := runBinary(t, conformEnv(t, tenant.URL), "conform", "--emulator", "--out", out)
	if code != 0 || !strings.Contains(stdout, "no differences between the emulator and the tenant") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "(mfa_policy always)") {
		t.Fatalf("the emulator did not take the detected policy:\n%s", stderr)
	}
	if rec := loadRecord(t, out); rec.Target != "tenant" || rec.Settings.MFAPolicy != "always" {
		t.Fatalf("--out holds %+v", rec)
	}
	requireNoFactors(t, tenant)
}
