package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// benchPassword is every generated user's password (emulator test data, not a secret).
const benchPassword = "bench-password-1"

// toolchain is the built provider and emulator, and a terraform CLI config that points
// terraform at this provider build.
type toolchain struct {
	dir, providerDir, emulator, cliConfig string
}

func build(dir string) (*toolchain, error) {
	tc := &toolchain{dir: dir, providerDir: filepath.Join(dir, "providers"), emulator: filepath.Join(dir, "auth0mfa-emulator")}
	builds := [][]string{
		{"-o", filepath.Join(tc.providerDir, "terraform-provider-auth0mfa"), "github.com/auth0mfa/terraform-provider-auth0mfa"},
		{"-o", tc.emulator, "github.com/auth0mfa/terraform-provider-auth0mfa/internal/cmd/auth0mfa-emulator"},
	}
	for _, args := range builds {
		// Built as .goreleaser.yml builds the released binaries (static, no debug data): a
		// cgo-linked binary starts slower, and the emulator's code command starts once per SMS.
		cmd := exec.Command("go", append([]string{"build", "-trimpath", "-ldflags=-s -w"}, args...)...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %v\n%s", args[len(args)-1], err, out)
		}
	}
	tc.cliConfig = filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"auth0mfa/auth0mfa\" = %q\n  }\n  direct {}\n}\n", tc.providerDir)
	return tc, os.WriteFile(tc.cliConfig, []byte(rc), 0o600)
}

func username(i int) string { return fmt.Sprintf("bench%04d@example.com", i) }

// providerConfig is U users, each with an OTP and an SMS factor; the SMS binding code comes
// from the emulator's outbox through its code command, as in a user's own offline CI. form is
// "for_each" (a map of users) or "count" (an index): Terraform's own cost differs between them.
func (tc *toolchain) providerConfig(users int, tenantURL, domain, clientID, clientSecret, form string) string {
	each, key := "for_each = local.users", "each.value"
	if form == "count" {
		each, key = fmt.Sprintf("count = %d", users), "local.users[format(\"u%04d\", count.index)]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    auth0mfa = { source = "auth0mfa/auth0mfa" }
  }
}

provider "auth0mfa" {
  domain        = %[1]q
  base_url      = %[2]q
  client_id     = %[3]q
  client_secret = %[4]q
}

locals {
  users = { for i in range(%[5]d) : format("u%%04d", i) => {
    username = format("bench%%04d@example.com", i)
    phone    = format("+1555%%07d", i)
  } }
}

resource "auth0mfa_otp_authenticator" "otp" {
  %[8]s
  login = {
    username = %[9]s.username
    password = %[6]q
  }
}

resource "auth0mfa_oob_authenticator" "sms" {
  %[8]s
  login = {
    username = %[9]s.username
    password = %[6]q
  }
  channel              = "sms"
  phone_number         = %[9]s.phone
  binding_code_command = [%[7]q, "code", "--url", %[2]q, "--wait", "10s"]
}
`, domain, tenantURL, clientID, clientSecret, users, benchPassword, tc.emulator, each, key)
	return b.String()
}

// baselineConfig is the same number of resources with Terraform's built-in terraform_data,
// in the same form. A pad of n characters makes each resource's state that much larger twice
// over (input and output), to match the provider's state size (see stateSizedPad).
func baselineConfig(resources, pad int, form string) string {
	each, key := fmt.Sprintf("for_each = toset([for i in range(%d) : tostring(i)])", resources), "each.key"
	if form == "count" {
		each, key = fmt.Sprintf("count = %d", resources), "tostring(count.index)"
	}
	input := key
	if pad > 0 {
		input = fmt.Sprintf("{ key = %s, pad = %q }", key, strings.Repeat("x", pad))
	}
	return fmt.Sprintf(`resource "terraform_data" "d" {
  %s
  input    = %s
}
`, each, input)
}

// stateSizedPad is the pad that brings the plain baseline's state (plainBytes after apply) to
// the provider's (providerBytes): terraform_data stores the input twice, as input and output.
func stateSizedPad(providerBytes, plainBytes int64, resources int) int {
	if providerBytes <= plainBytes || resources < 1 {
		return 0
	}
	return int((providerBytes - plainBytes) / int64(2*resources))
}

// workspace is a fresh directory with main.tf and its own cache directory (the provider's
// record of used TOTP steps and its in-flight journal live there).
func newWorkspace(parent, name, mainTF string) (string, error) {
	dir, err := os.MkdirTemp(parent, name+"-")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "cache"), 0o700); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600)
}
