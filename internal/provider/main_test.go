package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// emulatorBin is the real auth0mfa-emulator command, built once for binding_code_command.
var emulatorBin string

func TestMain(m *testing.M) {
	if mode := os.Getenv("A0MFA_TEST_HELPER"); mode != "" {
		os.Exit(bindingHelper(mode, os.Args[len(os.Args)-2], os.Args[len(os.Args)-1]))
	}
	dir, err := os.MkdirTemp("", "auth0mfa-provider-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	emulatorBin = filepath.Join(dir, "auth0mfa-emulator")
	build := exec.Command("go", "build", "-o", emulatorBin, "github.com/auth0mfa/terraform-provider-auth0mfa/internal/cmd/auth0mfa-emulator")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the emulator command: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// bindingHelper is a binding_code_command for situations a plain command cannot make: "expire"
// moves the emulator's clock past the code's 5-minute life and then prints the code.
func bindingHelper(mode, base, to string) int {
	if mode == "advance" {
		// "advance URL SECONDS": move the tenant's clock (between two resources of one apply).
		resp, err := http.Post(base+"/_emulator/clock", "application/json", strings.NewReader(`{"advance_seconds": `+to+`}`))
		if err != nil || resp.StatusCode != http.StatusOK {
			return 1
		}
		return 0
	}
	if mode == "otp-login" {
		// "otp-login URL USERNAME" with A0MFA_PASSWORD and A0MFA_CODE: a login that passes MFA
		// with the code, as an end-to-end test user would; exits 1 when Auth0 refuses it.
		return otpLogin(base, to, os.Getenv("A0MFA_PASSWORD"), os.Getenv("A0MFA_CODE"))
	}
	if mode != "expire" {
		return 2
	}
	resp, err := http.Post(base+"/_emulator/clock", "application/json", strings.NewReader(`{"advance_seconds": 360}`))
	if err != nil {
		return 1
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/_emulator/outbox?to=" + url.QueryEscape(to))
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	var body struct {
		Messages []struct{ Code string } `json:"messages"`
	}
	if json.NewDecoder(resp.Body).Decode(&body) != nil || len(body.Messages) == 0 {
		return 1
	}
	fmt.Println(body.Messages[len(body.Messages)-1].Code)
	return 0
}

// codeCommand is the binding_code_command HCL that reads codes from the emulator's outbox.
func codeCommand(env *accEnv) string {
	return fmt.Sprintf(`binding_code_command = [%q, "code", "--url", %q]`, emulatorBin, env.baseURL)
}

func hclList(argv ...string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// e2eWorkspace builds the provider binary and a CLI config whose dev_overrides use it, for
// tests that run terraform as a user does (a separate provider process). It returns the
// working directory and the environment for terraform commands.
func e2eWorkspace(t *testing.T) (work string, env []string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-auth0mfa"), "github.com/auth0mfa/terraform-provider-auth0mfa")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"auth0mfa/auth0mfa\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	work = filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	return work, append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1")
}

// requiredProviders is the terraform block that maps auth0mfa to the dev override.
const requiredProviders = "terraform {\n  required_providers {\n    auth0mfa = { source = \"auth0mfa/auth0mfa\" }\n  }\n}\n"

func otpLogin(base, username, password, code string) int {
	form := url.Values{"grant_type": {"password"}, "username": {username}, "password": {password},
		"client_id": {emutest.ClientID}, "client_secret": {emutest.ClientSecret}, "audience": {emutest.MFAAudience}}
	resp, err := http.PostForm(base+"/oauth/token", form)
	if err != nil {
		return 1
	}
	var body struct {
		MFAToken string `json:"mfa_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	resp, err = http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/mfa-otp"},
		"mfa_token": {body.MFAToken}, "otp": {code}, "client_id": {emutest.ClientID}, "client_secret": {emutest.ClientSecret}})
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		fmt.Fprintf(os.Stderr, "login with the ephemeral code refused: %d %s\n", resp.StatusCode, raw)
		return 1
	}
	return 0
}
