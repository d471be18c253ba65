package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The day-two way to use the actions: `terraform apply -invoke=action.…` on a configuration
// that holds only the action, for a user whose factor was enrolled outside Terraform. The
// verification signs in with it; the reset then removes it.
func TestAccActionsInvokedByHand(t *testing.T) {
	requireCLIFeature(t, featureActions)
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	e, err := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password}).EnrollOTP(testCtx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	work, cliEnv := e2eWorkspace(t)
	cfg := requiredProviders + env.providerBlockWithManagement() + fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
}
variable "otp_secret" {
  type      = string
  sensitive = true
}
action "auth0mfa_verify_login" "bot" {
  config {
    login = {
      username   = %q
      password   = var.password
      otp_secret = var.otp_secret
    }
  }
}
action "auth0mfa_reset_authenticators" "bot" {
  config {
    user_id = %q
  }
}
`, env.username, emutest.UserID)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	invoke := func(action string) string {
		cmd := exec.Command(testCLI(), "apply", "-auto-approve", "-input=false", "-no-color", "-invoke="+action)
		cmd.Dir = work
		cmd.Env = append(cliEnv, "TF_VAR_password="+env.password, "TF_VAR_otp_secret="+e.Association.Secret)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("apply -invoke=%s: %v\n%s", action, err, out)
		}
		return string(out)
	}
	out := invoke("action.auth0mfa_verify_login.bot")
	if !slices.Contains(tn.SignIns(t, env.username), e.ID) || !strings.Contains(out, "passed MFA") {
		t.Fatalf("the verification did not sign in with %s (sign-ins %v):\n%s", e.ID, tn.SignIns(t, env.username), out)
	}
	invoke("action.auth0mfa_reset_authenticators.bot")
	if err := env.checkNoFactors(t, env.username, env.password)(nil); err != nil {
		t.Fatal(err)
	}
}
