//go:build unix

package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// pipeline is a terraform working directory driven as a platform team's pipeline drives it:
// the real CLI, a separate provider process, its own cache directory (a fresh runner).
type pipeline struct {
	t     *testing.T
	tn    *emutest.Tenant
	work  string
	env   []string
	cache string // AUTH0MFA_CACHE_DIR of the current runner
	// baseURL is where the provider sends Auth0 requests: the tenant, or a proxy in front of it.
	baseURL string
}

func newPipeline(t *testing.T, cfg emulator.Config) *pipeline {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tn := emutest.Start(t, cfg)
	work, env := e2eWorkspace(t)
	p := &pipeline{t: t, tn: tn, work: work, env: env, baseURL: tn.URL}
	p.freshRunner()
	return p
}

// freshRunner points the provider at a new, empty cache directory: nothing a previous run
// left on "this machine" (used TOTP steps, the in-flight journal, locks) is there.
func (p *pipeline) freshRunner() {
	p.cache = p.t.TempDir()
	p.env = append(p.env, "AUTH0MFA_CACHE_DIR="+p.cache)
}

// providerBlock configures the provider as a team that also has a management application does.
func (p *pipeline) providerBlock() string {
	return requiredProviders + fmt.Sprintf(`provider "auth0mfa" {
  domain                   = %q
  base_url                 = %q
  client_id                = %q
  client_secret            = %q
  management_client_id     = %q
  management_client_secret = %q
}
`, emutest.Domain, p.baseURL, emutest.ClientID, emutest.ClientSecret, emutest.ManagementClientID, emutest.ManagementClientSecret)
}

// asAccEnv is the pipeline's tenant seen as the acceptance tests' environment (its clients).
func (p *pipeline) asAccEnv() *accEnv {
	return &accEnv{tenant: p.tn, domain: emutest.Domain, baseURL: p.tn.URL, clientID: emutest.ClientID, secret: emutest.ClientSecret,
		username: emutest.Username, password: emutest.Password}
}

func (p *pipeline) write(hcl string) {
	p.t.Helper()
	if err := os.WriteFile(filepath.Join(p.work, "main.tf"), []byte(p.providerBlock()+hcl), 0o600); err != nil {
		p.t.Fatal(err)
	}
}

func (p *pipeline) command(args ...string) *exec.Cmd {
	verb := 1 // -no-color goes after the (sub)command: "apply -no-color", "state rm -no-color"
	if args[0] == "state" {
		verb = 2
	}
	cmd := exec.Command(testCLI(), append(args[:verb:verb], append([]string{"-no-color"}, args[verb:]...)...)...)
	cmd.Dir, cmd.Env = p.work, p.env
	return cmd
}

// run runs a terraform command and returns its combined output and error.
func (p *pipeline) run(args ...string) (string, error) {
	out, err := p.command(args...).CombinedOutput()
	return string(out), err
}

// must runs a terraform command that has to succeed.
func (p *pipeline) must(args ...string) string {
	p.t.Helper()
	out, err := p.run(args...)
	if err != nil {
		p.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// suiteSignsIn is the end-to-end suite: a login that passes MFA with a code that an independent
// RFC 6238 implementation (pquerna/otp, not the provider's internal/totp) computes from the
// stored secret for the given time. It reports whether Auth0 accepted the code.
func (p *pipeline) suiteSignsIn(username, password, secret string, at time.Time) bool {
	p.t.Helper()
	code, err := pqtotp.GenerateCode(secret, at)
	if err != nil {
		p.t.Fatal(err)
	}
	return otpLogin(p.tn.URL, username, password, code) == 0
}

// outsideDelete deletes a factor as the Auth0 Dashboard would (outside Terraform), passing MFA
// with the given OTP secret.
func (p *pipeline) outsideDelete(username, password, id, secret string) {
	p.t.Helper()
	env := &accEnv{tenant: p.tn, domain: emutest.Domain, baseURL: p.tn.URL, clientID: emutest.ClientID, secret: emutest.ClientSecret}
	s := env.client(p.t).Session(mfaapi.Login{Username: username, Password: password})
	if err := s.Delete(testCtx(p.t), id, mfaapi.StepUp{OTPSecrets: []string{secret}}); err != nil {
		p.t.Fatal(err)
	}
}

// otpAndSMS is the fixture user's OTP factor and an SMS factor to phone that passes MFA with
// the OTP factor's secret, its code read from the emulator's outbox.
func (p *pipeline) otpAndSMS(phone string) string {
	return fmt.Sprintf(`resource "auth0mfa_otp_authenticator" "bot" {
  login = {
    username = %[1]q
    password = %[2]q
  }
}
resource "auth0mfa_oob_authenticator" "sms" {
  login = {
    username   = %[1]q
    password   = %[2]q
    otp_secret = auth0mfa_otp_authenticator.bot.secret
  }
  channel              = "sms"
  phone_number         = %[3]q
  binding_code_command = %[4]s
}
`, emutest.Username, emutest.Password, phone, hclList(emulatorBin, "code", "--url", p.tn.URL))
}
