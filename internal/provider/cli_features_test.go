package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The CLI features some tests need, by product: OpenTofu numbers its releases on its own line
// (`tofu version -json` reports 1.12.6 as terraform_version), so a version check alone would
// run a Terraform 1.14 feature on OpenTofu 1.12 and fail there. The matrix in .ci/run runs
// the acceptance subset on each CLI; these checks skip, with a message, what a CLI lacks.
type cliFeature struct {
	name      string
	terraform *version.Version // nil: no Terraform version has it
	opentofu  *version.Version // nil: no OpenTofu version has it (as of OpenTofu 1.12)
}

var (
	featureIdentity  = cliFeature{"resource identity (import by identity)", version.Must(version.NewVersion("1.12.0")), version.Must(version.NewVersion("1.12.0"))}
	featureWriteOnly = cliFeature{"write-only attributes", version.Must(version.NewVersion("1.11.0")), version.Must(version.NewVersion("1.11.0"))}
	featureQuery     = cliFeature{"list resources (terraform query)", version.Must(version.NewVersion("1.14.0")), nil}
	featureActions   = cliFeature{"actions (action blocks, action_trigger)", version.Must(version.NewVersion("1.14.0")), nil}
)

// requires is the TerraformVersionChecks of a test that needs feature.
func requires(feature cliFeature) []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{feature}
}

func (f cliFeature) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	product, minimum := "Terraform", f.terraform
	if testCLIIsOpenTofu() {
		product, minimum = "OpenTofu", f.opentofu
	}
	switch {
	case minimum == nil:
		resp.Skip = fmt.Sprintf("%s %s has no %s", product, req.TerraformVersion, f.name)
	case req.TerraformVersion.LessThan(minimum):
		resp.Skip = fmt.Sprintf("%s %s has no %s (it needs %s %s or newer)", product, req.TerraformVersion, f.name, product, minimum)
	}
}

var (
	cliIsOpenTofu     bool
	cliIsOpenTofuOnce sync.Once
)

// testCLIIsOpenTofu reports whether the CLI the harness runs (TF_ACC_TERRAFORM_PATH, else
// terraform on PATH) is OpenTofu: its `version -json` has no other marker, so the first line
// of the plain `version` decides.
func testCLIIsOpenTofu() bool {
	cliIsOpenTofuOnce.Do(func() {
		out, err := exec.Command(testCLI(), "version").Output()
		cliIsOpenTofu = err == nil && strings.HasPrefix(string(out), "OpenTofu")
	})
	return cliIsOpenTofu
}

// testCLI is the CLI the acceptance tests run: TF_ACC_TERRAFORM_PATH (the matrix in .ci/run
// sets it), else terraform on PATH. Tests that run the CLI themselves use it too.
func testCLI() string {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	return "terraform"
}

// requireCLIFeature skips a test that runs the CLI itself when the CLI lacks feature.
func requireCLIFeature(t *testing.T, feature cliFeature) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	out, err := exec.Command(testCLI(), "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", testCLI(), err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", testCLI(), err)
	}
	resp := &tfversion.CheckTerraformVersionResponse{}
	feature.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: version.Must(version.NewVersion(v.TerraformVersion))}, resp)
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}
