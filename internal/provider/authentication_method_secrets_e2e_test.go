//go:build unix

package provider

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// TestAccAuthenticationMethod_writeOnlySecretIsNowhere: a TOTP method seeded from an ephemeral
// variable. The secret reaches Auth0 (the MFA API accepts its codes) and appears in none of
// the plan file, the state file, a TRACE log or the output.
func TestAccAuthenticationMethod_writeOnlySecretIsNowhere(t *testing.T) {
	requireCLIFeature(t, featureWriteOnly)
	p := newPipeline(t, emutest.Config())
	p.write(`variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
resource "auth0mfa_authentication_method" "bot" {
  user_id                = "` + emutest.UserID + `"
  type                   = "totp"
  totp_secret_wo         = var.secret
  totp_secret_wo_version = 1
}
`)
	logPath := filepath.Join(p.work, "trace.log")
	p.env = append(p.env, "TF_VAR_secret="+userSecret, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	out := p.must("plan", "-input=false", "-out=tfplan")
	out += p.must("apply", "-input=false", "tfplan")
	out += p.must("show", "-json", "tfplan")
	if err := signsInWith(p.asAccEnv(), userSecret); err != nil {
		t.Fatalf("the secret did not reach Auth0: %v", err)
	}
	files := map[string]string{"output": out}
	for _, name := range []string{"terraform.tfstate", "trace.log"} {
		raw, err := os.ReadFile(filepath.Join(p.work, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(raw)
	}
	// The plan file is a zip archive: scan what it holds, not its compressed bytes.
	plan, err := zip.OpenReader(filepath.Join(p.work, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = plan.Close() }()
	for _, f := range plan.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		_ = rc.Close()
		files["tfplan/"+f.Name] = string(raw)
	}
	if !strings.Contains(files["trace.log"], "auth0mfa_authentication_method") {
		t.Fatal("the TRACE log did not record the resource: the scan would prove nothing")
	}
	for name, body := range files {
		if strings.Contains(body, userSecret) || strings.Contains(strings.ToLower(body), strings.ToLower(userSecret)) {
			t.Errorf("the write-only secret is in %s", name)
		}
	}
	p.must("destroy", "-auto-approve", "-input=false")
}
