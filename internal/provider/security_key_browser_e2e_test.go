//go:build unix

package provider

import (
	"cmp"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

// The npm packages the security-key guide's snippets use, pinned. playwright-core and
// selenium-webdriver drive the Debian Chromium; neither downloads a browser.
var browserSnippetPackages = map[string]string{"playwright-core": "1.65.1", "selenium-webdriver": "4.49.0", "tsx": "4.23.15"}

// envRequireBrowser makes a missing Chromium a failure instead of a skip (.ci/run sets it).
const envRequireBrowser = "AUTH0MFA_REQUIRE_BROWSER"

// browserOrSkip finds Debian's Chromium and ChromeDriver, Node.js and npm. Missing browser
// packages are installed when this can (root with apt-get, as on a fresh CI machine); the test
// is skipped, with what to install, only where they cannot be.
func browserOrSkip(t *testing.T) (chromium, chromedriver string) {
	t.Helper()
	chromium, chromedriver = cmp.Or(os.Getenv("AUTH0MFA_CHROMIUM"), "/usr/bin/chromium"), cmp.Or(os.Getenv("AUTH0MFA_CHROMEDRIVER"), "/usr/bin/chromedriver")
	if !onPath(chromium) || !onPath(chromedriver) {
		installBrowser(t)
	}
	for _, tool := range []string{chromium, chromedriver, "node", "npm"} {
		if !onPath(tool) {
			msg := tool + " is not installed and could not be: the security-key browser test needs Debian's chromium and " +
				"chromium-driver (apt-get install chromium chromium-driver, as root) and Node.js with npm"
			if os.Getenv(envRequireBrowser) != "" {
				t.Fatal(msg + " (" + envRequireBrowser + " is set, so this is a failure, not a skip)")
			}
			t.Skip(msg)
		}
	}
	chromium, _ = exec.LookPath(chromium)
	chromedriver, _ = exec.LookPath(chromedriver)
	return chromium, chromedriver
}

func onPath(tool string) bool { _, err := exec.LookPath(tool); return err == nil }

// installBrowser installs Debian's chromium and chromium-driver, as root with apt-get only.
func installBrowser(t *testing.T) {
	if os.Geteuid() != 0 || !onPath("apt-get") {
		return
	}
	t.Log("installing chromium and chromium-driver from Debian's packages")
	for _, args := range [][]string{{"install", "-y", "-qq", "chromium", "chromium-driver"}, {"update", "-qq"}, {"install", "-y", "-qq", "chromium", "chromium-driver"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil && args[0] == "install" {
			return
		}
		t.Logf("apt-get %s: %v\n%.2000s", strings.Join(args, " "), err, out)
	}
}

// TestAccSecurityKeySignsInInARealBrowser is the guide "Security keys for browser tests" run as
// written: terraform applies its configuration against the emulator, the Playwright snippet
// loads the cdp_credential output into a CDP virtual authenticator of Debian's Chromium and
// signs in on the emulator's security-key page, the Selenium snippet does the same with
// webdriver_credential through ChromeDriver, a changed private key is refused, and destroy
// leaves nothing.
func TestAccSecurityKeySignsInInARealBrowser(t *testing.T) {
	chromium, chromedriver := browserOrSkip(t)
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	guide, err := os.ReadFile("../../templates/guides/security-keys-for-browser-tests.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	npmProject(t, dir, browserSnippetPackages)
	for _, name := range []string{"e2e/security-key.ts", "e2e/sign-in-with-security-key.ts", "e2e/selenium-security-key.cjs"} {
		write(t, filepath.Join(dir, name), guideSnippet(t, guide, name))
	}
	// The tenant's User Verification setting: Auth0's default (Never) and Required, which the
	// guide's authenticator answers too.
	for _, uv := range []string{"discouraged", "required"} {
		t.Run(uv, func(t *testing.T) {
			cfg := emutest.Config()
			cfg.WebAuthn = &emulator.WebAuthnSettings{UserVerification: uv}
			signInWithTheGuidesKey(t, cfg, guide, dir, chromium, chromedriver)
		})
	}
}

func signInWithTheGuidesKey(t *testing.T, cfg emulator.Config, guide []byte, dir, chromium, chromedriver string) {
	p := newPipeline(t, cfg)
	const user, password = "auth0|63d17c639d503d76c056c16e", "pw-e2e-key-1"
	if err := p.tn.AddUser(emulator.UserConfig{Username: "e2e@example.com", Email: "e2e@example.com", Password: password, UserID: user}); err != nil {
		t.Fatal(err)
	}
	p.write(string(guideSnippet(t, guide, "security-key.tf")))
	logPath := filepath.Join(p.work, "trace.log")
	p.env = append(p.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	printed := p.must("apply", "-auto-approve", "-input=false")
	p.env = p.env[:len(p.env)-2]
	cdp := p.must("output", "-raw", "e2e_security_key_cdp")
	webdriver := p.must("output", "-raw", "e2e_security_key_webdriver")
	keyNeverPrinted(t, logPath, printed, cdp)
	methods := methodsAtTenant(t, p.asAccEnv(), user)
	if len(methods) != 1 || methods[0].Type != "webauthn-roaming" || methods[0].RelyingPartyIdentifier != emutest.Domain {
		t.Fatalf("the tenant holds %+v", methods)
	}
	keyID := methods[0].ID
	addr, err := url.Parse(p.tn.URL)
	if err != nil {
		t.Fatal(err)
	}
	run := func(credentialEnv, credential string, argv ...string) (string, error) {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "AUTH0_DOMAIN="+emutest.Domain, "AUTH0_EMULATOR_ADDR="+addr.Host, "CHROMIUM_PATH="+chromium,
			"CHROMEDRIVER_PATH="+chromedriver, "E2E_USERNAME=e2e@example.com", "E2E_PASSWORD="+password, credentialEnv+"="+credential,
			"SE_OFFLINE=true") // Selenium Manager must not look for downloads: the paths are given
		out, err := cmd.CombinedOutput()
		t.Logf("%s %s: %v\n%s", credentialEnv, argv[len(argv)-1], err, out)
		return string(out), err
	}
	playwright := []string{filepath.Join(dir, "node_modules/.bin/tsx"), "e2e/sign-in-with-security-key.ts"}
	signedIn := func() int {
		return len(slices.DeleteFunc(p.tn.SignIns(t, "e2e@example.com"), func(id string) bool { return id != keyID }))
	}

	out, err := run("SECURITY_KEY_CDP_CREDENTIAL", cdp, playwright...)
	if err != nil || !strings.Contains(out, "Signed in with "+keyID) || signedIn() != 1 {
		t.Fatalf("Playwright with the provider's credential: %v\n%s", err, out)
	}
	out, err = run("SECURITY_KEY_CDP_CREDENTIAL", withOtherPrivateKey(t, cdp, base64.StdEncoding), playwright...)
	if err == nil || !strings.Contains(out, "Sign-in failed") || signedIn() != 1 {
		t.Fatalf("Playwright with a changed private key was not refused: %v\n%s", err, out)
	}
	out, err = run("SECURITY_KEY_WEBDRIVER_CREDENTIAL", webdriver, "node", "e2e/selenium-security-key.cjs")
	if err != nil || !strings.Contains(out, "Signed in with "+keyID) || signedIn() != 2 {
		t.Fatalf("Selenium with the provider's credential: %v\n%s", err, out)
	}
	for name, secret := range map[string]string{"cdp credential": cdp, "webdriver credential": webdriver} {
		var o map[string]any
		_ = json.Unmarshal([]byte(secret), &o)
		if k, _ := o["privateKey"].(string); k == "" || strings.Contains(p.must("plan", "-input=false"), k) {
			t.Fatalf("the %s's private key is missing or shown by plan", name)
		}
	}
	p.must("destroy", "-auto-approve", "-input=false")
	if left := methodsAtTenant(t, p.asAccEnv(), user); len(left) != 0 {
		t.Fatalf("destroy left %+v", left)
	}
}

// keyNeverPrinted: the private key of the credential appears in neither encoding in the
// apply's TRACE log nor in what it printed.
func keyNeverPrinted(t *testing.T, logPath, printed, cdpCredential string) {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal([]byte(cdpCredential), &o); err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(o["privateKey"].(string))
	if err != nil || len(der) < 100 {
		t.Fatalf("the credential holds no private key (%d bytes, %v)", len(der), err)
	}
	logBytes, err := os.ReadFile(logPath)
	if err != nil || !strings.Contains(string(logBytes), "auth0mfa_authentication_method") {
		t.Fatalf("the TRACE log did not record the resource (%v): the scan would prove nothing", err)
	}
	// Any 40-character run of the key's encodings would give it away.
	runs := map[string]string{}
	for name, enc := range map[string]*base64.Encoding{"standard base64": base64.StdEncoding, "base64url": base64.RawURLEncoding} {
		text := enc.EncodeToString(der)
		for i := 0; i+40 <= len(text); i += 40 {
			runs[fmt.Sprintf("the private key (%s, characters %d-%d)", name, i, i+40)] = text[i : i+40]
		}
	}
	scanForSecrets(t, logBytes, []byte(printed), runs)
}

// withOtherPrivateKey is credential with the same id and another P-256 private key.
func withOtherPrivateKey(t *testing.T, credential string, enc *base64.Encoding) string {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal([]byte(credential), &o); err != nil {
		t.Fatal(err)
	}
	other, err := securitykey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(other)
	o["privateKey"] = enc.EncodeToString(der)
	raw, _ := json.Marshal(o)
	return string(raw)
}
