package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// A team upgrades Terraform with state written by a version without identities (1.10, 1.11):
// the first refresh on the new version backfills every factor's identity, and the plan stays
// empty. .ci/matrix.sh sets AUTH0MFA_TEST_UPGRADE_FROM to the matrix's oldest Terraform when
// it runs a newer one.
func TestAccIdentity_backfilledAfterUpgrade(t *testing.T) {
	requireCLIFeature(t, featureIdentity)
	if testCLIIsOpenTofu() {
		t.Skip("moving Terraform state to OpenTofu is a migration (provider addresses change), not an upgrade")
	}
	old := os.Getenv("AUTH0MFA_TEST_UPGRADE_FROM")
	if old == "" {
		t.Skip("set AUTH0MFA_TEST_UPGRADE_FROM to a Terraform CLI without identities (the matrix does)")
	}
	tn := emutest.Start(t, emutest.Config())
	work, env := e2eWorkspace(t)
	cfg := requiredProviders + fmt.Sprintf("provider \"auth0mfa\" {\n  domain = %q\n  base_url = %q\n  client_id = %q\n  client_secret = %q\n}\n",
		emutest.Domain, tn.URL, emutest.ClientID, emutest.ClientSecret) +
		"resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(emutest.Username, emutest.Password) + "}\n"
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(bin string, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", bin, args, err, out)
		}
		return out
	}
	run(old, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Cleanup(func() { run(testCLI(), "destroy", "-auto-approve", "-input=false", "-no-color") })
	identity := func() map[string]any {
		var state struct {
			Resources []struct {
				Instances []struct {
					Identity map[string]any `json:"identity"`
					Attrs    map[string]any `json:"attributes"`
				} `json:"instances"`
			} `json:"resources"`
		}
		raw, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
		if err == nil {
			err = json.Unmarshal(raw, &state)
		}
		if err != nil || len(state.Resources) != 1 || len(state.Resources[0].Instances) != 1 {
			t.Fatalf("unexpected state (%v):\n%s", err, raw)
		}
		inst := state.Resources[0].Instances[0]
		if inst.Identity != nil && inst.Identity["id"] != inst.Attrs["id"] {
			t.Fatalf("identity %v does not name the factor %v", inst.Identity, inst.Attrs["id"])
		}
		return inst.Identity
	}
	if got := identity(); got != nil {
		t.Fatalf("the old CLI stored an identity: %v", got)
	}
	run(testCLI(), "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	got := identity()
	if got == nil || got["username"] != emutest.Username || got["realm"] != nil {
		t.Fatalf("the refresh on the new CLI did not backfill the identity: %v", got)
	}
	cmd := exec.Command(testCLI(), "plan", "-detailed-exitcode", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = work, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the plan after the upgrade is not empty (%v):\n%s", err, out)
	}
}
