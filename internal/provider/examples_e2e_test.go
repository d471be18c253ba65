package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The function and ephemeral examples of the docs run as they are, offline: no other provider
// to download, no tenant (the local helpers need no provider settings).
func TestAccExamplesRunOffline(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	work, tfEnv := e2eWorkspace(t)
	for name, example := range map[string]struct{ file, want string }{
		"function":           {"../../examples/functions/totp_code/function.tf", `rfc6238_vector_at_59 = "287082"`},
		"qr code function":   {"../../examples/functions/qr_code_png/function.tf", `qr_code_png_signature = "iVBORw0KGgo"`},
		"ephemeral resource": {"../../examples/ephemeral-resources/auth0mfa_totp_code/ephemeral-resource.tf", "Apply complete! Resources: 1 added"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(work, strings.ReplaceAll(name, " ", "-"))
			src, err := os.ReadFile(example.file)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			// The example itself has no terraform block; the dev override needs the source.
			_ = os.WriteFile(filepath.Join(dir, "versions.tf"), []byte(requiredProviders), 0o600)
			_ = os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o600)
			cmd := exec.Command(testCLI(), "apply", "-auto-approve", "-input=false", "-no-color")
			cmd.Dir, cmd.Env = dir, append(tfEnv, "AUTH0MFA_CACHE_DIR="+filepath.Join(dir, "cache"))
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), example.want) {
				t.Fatalf("terraform apply: %v\n%s", err, out)
			}
		})
	}
}

// The provider block examples of the docs are accepted as they are, with the key files they
// read: each block is configured by a plan (an ephemeral TOTP code per block makes Terraform
// validate and configure it; a block nothing uses is never configured), so every attribute
// they name exists and each combination is one the provider accepts. No tenant is reached.
func TestAccProviderExamplesConfigure(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	work, tfEnv := e2eWorkspace(t)
	src, err := os.ReadFile("../../examples/provider/provider.tf")
	if err != nil {
		t.Fatal(err)
	}
	uses := ""
	for _, m := range regexp.MustCompile(`(?m)^\s*alias\s*=\s*"([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		uses += fmt.Sprintf("ephemeral \"auth0mfa_totp_code\" %q {\n  provider = auth0mfa.%s\n  secret   = \"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\"\n}\n", m[1], m[1])
	}
	if strings.Count(uses, "ephemeral") < 5 {
		t.Fatalf("found only these provider blocks:\n%s", uses)
	}
	vars := ""
	for _, name := range []string{"auth0mfa_client_id", "auth0mfa_client_secret", "auth0mfa_management_client_id", "auth0mfa_management_client_secret"} {
		vars += "variable \"" + name + "\" {\n  type    = string\n  default = \"example-" + name + "\"\n}\n"
	}
	_ = os.WriteFile(filepath.Join(work, "versions.tf"), []byte(requiredProviders+vars+uses), 0o600)
	_ = os.WriteFile(filepath.Join(work, "main.tf"), src, 0o600)
	for _, keyFile := range []string{"auth0mfa-app.key", "auth0mfa-management.key"} {
		_ = os.WriteFile(filepath.Join(work, keyFile), []byte(testKeyPEM(t)), 0o600)
	}
	cmd := exec.Command(testCLI(), "plan", "-no-color", "-input=false")
	// The unaliased block reads the environment, as its comment says.
	cmd.Dir, cmd.Env = work, append(tfEnv, "AUTH0MFA_DOMAIN=example.eu.auth0.com", "AUTH0MFA_CLIENT_ID=id", "AUTH0MFA_CLIENT_SECRET=s")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "No changes") {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
}
