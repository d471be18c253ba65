package provider

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// TestAccSecretsStayOutOfOutput runs the whole lifecycle the way a user does (the built
// provider binary under the real terraform, TF_LOG=TRACE to a file) and then looks for every
// secret involved in the log and in everything terraform printed.
func TestAccSecretsStayOutOfOutput(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	var mu sync.Mutex
	var issued []string
	record := func(s string) { mu.Lock(); issued = append(issued, s); mu.Unlock() }

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "jwt-client",
		PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), GrantTypes: emulator.AllGrantTypes},
		// The management application authenticates with the same key pair (Private Key JWT).
		emulator.ClientConfig{ClientID: "jwt-management", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
			GrantTypes: []string{emulator.GrantClientCredentials}, ManagementScopes: emulator.AuthenticationMethodScopes})
	tn := emutest.Start(t, cfg, emulator.WithSecretRecorder(record))

	work, tfEnv := e2eWorkspace(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "trace.log")
	main := requiredProviders + fmt.Sprintf(`
provider "auth0mfa" {
  domain   = %q
  base_url = %q
  client_id = %q
}

provider "auth0mfa" {
  alias     = "jwt"
  domain    = %q
  base_url  = %q
  client_id = "jwt-client"
  client_assertion_private_key = file("key.pem")
  management_client_id = "jwt-management"
  management_client_assertion_private_key = file("key.pem")
}

resource "auth0mfa_otp_authenticator" "otp" {
  login = {
    username = %q
    password = %q
  }
}

resource "auth0mfa_oob_authenticator" "sms" {
  provider = auth0mfa.jwt
  login = {
    username   = %q
    password   = %q
    otp_secret = auth0mfa_otp_authenticator.otp.secret
  }
  channel              = "sms"
  phone_number         = "+15551230701"
  binding_code_command = [%q, "code", "--url", %q]
}

data "auth0mfa_authenticators" "all" {
  login = {
    username = %q
    password = %q
  }
  depends_on = [auth0mfa_oob_authenticator.sms]
}

data "auth0mfa_authentication_methods" "all" {
  provider   = auth0mfa.jwt
  user_id    = %q
  depends_on = [auth0mfa_oob_authenticator.sms]
}

# Management credentials come from AUTH0MFA_MANAGEMENT_CLIENT_ID/SECRET.
resource "auth0mfa_recovery_code_regeneration" "code" {
  user_id    = %q
  depends_on = [auth0mfa_otp_authenticator.otp]
}
`, emutest.Domain, tn.URL, emutest.ClientID, emutest.Domain, tn.URL, emutest.Username, emutest.Password,
		emutest.Username, emutest.Password, emulatorBin, tn.URL, emutest.Username, emutest.Password, emutest.UserID, emutest.UserID)
	_ = os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600)
	_ = os.WriteFile(filepath.Join(work, "key.pem"), []byte(keyPEM), 0o600)

	var printed bytes.Buffer
	// show -json prints state, sensitive values included, by design: it is not scanned.
	tf := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir = work
		cmd.Env = append(tfEnv, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath, "AUTH0MFA_CLIENT_SECRET="+emutest.ClientSecret,
			"AUTH0MFA_MANAGEMENT_CLIENT_ID="+emutest.ManagementClientID, "AUTH0MFA_MANAGEMENT_CLIENT_SECRET="+emutest.ManagementClientSecret)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("terraform %s: %s", args[0], time.Since(start).Round(time.Millisecond))
		if args[0] != "show" {
			printed.Write(out)
		}
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	plan := tf("plan", "-no-color", "-input=false")
	for _, want := range []string{"password = (sensitive value)", "secret         = (sensitive value)"} {
		if !strings.Contains(strings.Join(strings.Fields(plan), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the plan should show %q:\n%s", want, plan)
		}
	}
	tf("apply", "-auto-approve", "-no-color", "-input=false")
	state := tf("show", "-json")
	var parsed struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(state), &parsed); err != nil {
		t.Fatal(err)
	}
	var smsID string
	for _, r := range parsed.Values.RootModule.Resources {
		if r.Type == "auth0mfa_oob_authenticator" {
			smsID, _ = r.Values["id"].(string)
		}
	}
	// Import, then refresh and apply the configuration over the imported object.
	tf("state", "rm", "auth0mfa_oob_authenticator.sms")
	tf("import", "-no-color", "-input=false", "auth0mfa_oob_authenticator.sms", emutest.Username+":"+smsID)
	tf("apply", "-auto-approve", "-no-color", "-input=false")
	tf("plan", "-no-color", "-input=false", "-detailed-exitcode")
	tf("destroy", "-auto-approve", "-no-color", "-input=false")

	logBytes, err := os.ReadFile(logPath)
	if err != nil || len(logBytes) < 10000 {
		t.Fatalf("the TRACE log was not written (%d bytes, %v)", len(logBytes), err)
	}
	if !bytes.Contains(logBytes, []byte("Auth0 request succeeded")) {
		t.Fatal("the provider's own log lines are missing from the TRACE log; the scan would prove nothing")
	}
	secrets := map[string]string{
		"user password": emutest.Password, "client secret": emutest.ClientSecret, "management client secret": emutest.ManagementClientSecret,
		"private key": strings.Split(keyPEM, "\n")[1],
	}
	mu.Lock()
	for i, s := range issued {
		secrets[fmt.Sprintf("issued secret #%d (%.6s…)", i, kindOf(s))] = s
	}
	mu.Unlock()
	if len(issued) < 10 {
		t.Fatalf("only %d issued secrets were recorded; the lifecycle did not run", len(issued))
	}
	scanForSecrets(t, logBytes, printed.Bytes(), secrets)
}

// scanForSecrets fails the test for every secret found in the TRACE log or in what terraform
// printed.
func scanForSecrets(t *testing.T, log, printed []byte, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if bytes.Contains(log, []byte(s)) {
			t.Errorf("%s appears in the TRACE log", name)
		}
		if bytes.Contains(printed, []byte(s)) {
			t.Errorf("%s appears in terraform's output", name)
		}
	}
}

func kindOf(s string) string {
	switch {
	case strings.HasPrefix(s, "Fe26"):
		return "opaque"
	case strings.HasPrefix(s, "eyJ"):
		return "jwt"
	}
	return "value"
}
