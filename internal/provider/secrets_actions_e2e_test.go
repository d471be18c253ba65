package provider

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// The actions hold secrets too (a password, an OTP secret, binding codes, a new recovery
// code) and, unlike resources, cannot mark them Sensitive: the plan shows an action's config.
// Passed as a sensitive variable and a resource's sensitive secret, as the docs tell users to,
// none of them may appear in the plan, the apply's output or the TRACE log.
func TestAccActionSecretsStayOutOfOutput(t *testing.T) {
	requireCLIFeature(t, featureActions)
	var mu sync.Mutex
	var issued []string
	tn := emutest.Start(t, emutest.Config(), emulator.WithSecretRecorder(func(s string) { mu.Lock(); issued = append(issued, s); mu.Unlock() }))
	work, tfEnv := e2eWorkspace(t)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	codeFile := filepath.Join(t.TempDir(), "recovery-code")
	main := requiredProviders + fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
}

provider "auth0mfa" {
  domain    = %[1]q
  base_url  = %[2]q
  client_id = %[3]q
}

resource "auth0mfa_otp_authenticator" "otp" {
  login = {
    username = %[4]q
    password = var.password
  }
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.auth0mfa_verify_login.otp, action.auth0mfa_regenerate_recovery_code.code]
    }
  }
}

resource "auth0mfa_oob_authenticator" "sms" {
  login = {
    username   = %[4]q
    password   = var.password
    otp_secret = auth0mfa_otp_authenticator.otp.secret
  }
  channel              = "sms"
  phone_number         = "+15551230702"
  binding_code_command = [%[5]q, "code", "--url", %[2]q]
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.auth0mfa_verify_login.sms]
    }
  }
}

action "auth0mfa_verify_login" "otp" {
  config {
    login = {
      username   = %[4]q
      password   = var.password
      otp_secret = auth0mfa_otp_authenticator.otp.secret
    }
  }
}

action "auth0mfa_verify_login" "sms" {
  config {
    login = {
      username = %[4]q
      password = var.password
    }
    authenticator_id     = auth0mfa_oob_authenticator.sms.id
    phone_number         = "+15551230702"
    binding_code_command = [%[5]q, "code", "--url", %[2]q]
  }
}

action "auth0mfa_regenerate_recovery_code" "code" {
  config {
    user_id     = %[6]q
    output_file = %[7]q
  }
}
`, emutest.Domain, tn.URL, emutest.ClientID, emutest.Username, emulatorBin, emutest.UserID, codeFile)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	var printed bytes.Buffer
	tf := func(args ...string) {
		t.Helper()
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir = work
		cmd.Env = append(tfEnv, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath, "TF_VAR_password="+emutest.Password,
			"AUTH0MFA_CLIENT_SECRET="+emutest.ClientSecret,
			"AUTH0MFA_MANAGEMENT_CLIENT_ID="+emutest.ManagementClientID, "AUTH0MFA_MANAGEMENT_CLIENT_SECRET="+emutest.ManagementClientSecret)
		out, err := cmd.CombinedOutput()
		printed.Write(out)
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
	tf("plan", "-no-color", "-input=false")
	tf("apply", "-auto-approve", "-no-color", "-input=false")
	if !strings.Contains(printed.String(), "passed MFA with sms|") {
		t.Fatalf("the SMS verification did not report success:\n%s", printed.String())
	}
	tf("destroy", "-auto-approve", "-no-color", "-input=false")

	code, err := os.ReadFile(codeFile)
	if err != nil {
		t.Fatal(err)
	}
	logBytes, err := os.ReadFile(logPath)
	if err != nil || !bytes.Contains(logBytes, []byte("Auth0 request succeeded")) {
		t.Fatalf("the TRACE log lacks the provider's own lines (%d bytes, %v); the scan would prove nothing", len(logBytes), err)
	}
	secrets := map[string]string{"user password": emutest.Password, "client secret": emutest.ClientSecret,
		"management client secret": emutest.ManagementClientSecret, "regenerated recovery code": strings.TrimSpace(string(code))}
	mu.Lock()
	for i, s := range issued {
		secrets[fmt.Sprintf("issued secret #%d (%.6s…)", i, kindOf(s))] = s
	}
	mu.Unlock()
	scanForSecrets(t, logBytes, printed.Bytes(), secrets)
}
