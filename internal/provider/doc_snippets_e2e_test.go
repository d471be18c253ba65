package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The npm packages the end-to-end guide names, pinned. cypress installs without its browser
// (CYPRESS_INSTALL_BINARY=0): the guide's cypress.config.js needs only its defineConfig.
var docSnippetPackages = map[string]string{"otpauth": "9.5.2", "otplib": "13.5.0", "cypress": "15.3.0"}

// snippetDriver loads the guide's helpers as they are written and prints the code each gives.
const snippetDriver = `
const path = require('node:path');
(async () => {
  const tasks = {};
  require(path.resolve('cypress.config.js')).e2e.setupNodeEvents((event, handlers) => Object.assign(tasks, handlers));
  const { currentCode } = await import(path.resolve('e2e/totp.mjs'));
  console.log(JSON.stringify({ otpauth: currentCode(), otplib: await tasks.totpCode() }));
})().catch((e) => { console.error(e); process.exit(1); });
`

// TestAccDocSnippetsComputeCodesAuth0Accepts runs the JavaScript the end-to-end guide shows
// (the Playwright helper with otpauth, the Cypress task with otplib), with the packages it names
// from npm at pinned versions, on the secret of a factor the provider enrolled at the
// emulator; both must give the code of the current step, and the sign-in with it must pass MFA.
func TestAccDocSnippetsComputeCodesAuth0Accepts(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the guide's JavaScript snippets need Node.js and npm", tool)
		}
	}
	guide, err := os.ReadFile("../../templates/guides/end-to-end-test-users.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"e2e/totp.mjs", "cypress.config.js"} {
		write(t, filepath.Join(dir, name), guideSnippet(t, guide, name))
	}
	write(t, filepath.Join(dir, "driver.cjs"), []byte(snippetDriver))
	npmProject(t, dir, docSnippetPackages, "CYPRESS_INSTALL_BINARY=0")

	env := newAccEnvOn(t, emutest.Config())
	e, err := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password}).EnrollOTP(testCtx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	secret := e.Association.Secret
	if left := 30 - time.Now().Unix()%30; left < 5 {
		time.Sleep(time.Duration(left)*time.Second + 200*time.Millisecond) // all three codes in one step
	}
	run := exec.Command("node", "driver.cjs")
	run.Dir, run.Env = dir, append(os.Environ(), "E2E_TOTP_SECRET="+secret)
	out, err := run.Output()
	if err != nil {
		t.Fatalf("node driver.cjs: %v\n%s", err, out)
	}
	var codes map[string]string
	if err := json.Unmarshal(out, &codes); err != nil {
		t.Fatalf("the snippets printed %q: %v", out, err)
	}
	want, _ := pqtotp.GenerateCode(secret, time.Now())
	if codes["otpauth"] != want || codes["otplib"] != want {
		t.Fatalf("the snippets computed %v, want %s for this step", codes, want)
	}
	if otpLogin(env.baseURL, env.username, env.password, codes["otplib"]) != 0 {
		t.Fatal("Auth0 (the emulator) refused the code the guide's snippets computed")
	}
}

func write(t *testing.T, path string, body []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
}

// guideSnippet is the code block a guide marks with <!-- snippet: name -->.
func guideSnippet(t *testing.T, guide []byte, name string) []byte {
	t.Helper()
	m := regexp.MustCompile("(?s)<!-- snippet: " + regexp.QuoteMeta(name) + " -->\n```[a-z]+\n(.*?)```").FindSubmatch(guide)
	if m == nil {
		t.Fatalf("the guide has no snippet %s", name)
	}
	return m[1]
}

// npmProject installs packages (pinned) into dir from the npm registry.
func npmProject(t *testing.T, dir string, packages map[string]string, env ...string) {
	t.Helper()
	deps, _ := json.Marshal(packages)
	write(t, filepath.Join(dir, "package.json"), []byte(`{"private": true, "dependencies": `+string(deps)+`}`))
	install := exec.Command("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir, install.Env = dir, append(os.Environ(), env...)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install %s: %v\n%s", deps, err, out)
	}
}
