package provider

import (
	"os"
	"os/exec"
	"path/filepath"
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
