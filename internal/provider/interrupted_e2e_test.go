//go:build unix

package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// TestAccInterruptedApply kills terraform (SIGKILL, provider included) between associate and
// confirm of a user's first factor. The next apply converges: it enrolls the factor and sweeps
// the unconfirmed leftover, so the tenant holds exactly what state knows.
func TestAccInterruptedApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tn := emutest.Start(t, emutest.Config())
	work, tfEnv := e2eWorkspace(t)
	config := func(command string) {
		main := requiredProviders + fmt.Sprintf(`provider "auth0mfa" {
  domain        = %q
  base_url      = %q
  client_id     = %q
  client_secret = %q
}
resource "auth0mfa_oob_authenticator" "sms" {
  login = {
    username = %q
    password = %q
  }
  channel              = "sms"
  phone_number         = "+15551231001"
  binding_code_command = %s
}
`, emutest.Domain, tn.URL, emutest.ClientID, emutest.ClientSecret, emutest.Username, emutest.Password, command)
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	terraform := func(args ...string) *exec.Cmd {
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir = work
		cmd.Env = tfEnv
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		return cmd
	}

	// 1. An apply whose binding command hangs, killed once Auth0 has the pending enrollment.
	config(hclList("sleep", "600"))
	apply := terraform("apply", "-auto-approve", "-input=false", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for tn.Stats()["POST /mfa/associate"] == 0 {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
			t.Fatal("the apply never reached associate")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the binding command is running now
	_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
	_ = apply.Wait()
	list, _ := tn.Authenticators(emutest.Username)
	if len(list) == 0 || list[0].Active {
		t.Fatalf("expected the interrupted enrollment pending at the tenant: %+v", list)
	}

	// 2. The next apply, with a working command, converges and sweeps the leftover.
	config(hclList(emulatorBin, "code", "--url", tn.URL))
	if out, err := terraform("apply", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("the apply after the interruption failed: %v\n%s", err, out)
	}
	list, _ = tn.Authenticators(emutest.Username)
	for _, a := range list {
		if !a.Active {
			t.Fatalf("the interrupted enrollment was not swept: %+v", list)
		}
	}
	if len(list) != 3 { // sms, its voice twin, recovery code
		t.Fatalf("want exactly the new factor, its twin and the recovery code: %+v", list)
	}
	plan := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if out, err := plan.CombinedOutput(); err != nil {
		t.Fatalf("the plan after convergence is not empty: %v\n%s", err, out)
	}
	if out, err := terraform("destroy", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// TestAccInterruptedAfterConfirm kills terraform after Auth0 confirmed the user's first factor
// and before terraform saved state (the provider is held in its last listing). The factor's
// secret died with the process, except for the provider's in-flight journal: the next apply
// uses it to pass MFA, deletes the unrecorded factor and enrolls the one state will know.
func TestAccInterruptedAfterConfirm(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tn := emutest.Start(t, emutest.Config())
	work, tfEnv := e2eWorkspace(t)
	main := requiredProviders + fmt.Sprintf(`provider "auth0mfa" {
  domain        = %q
  base_url      = %q
  client_id     = %q
  client_secret = %q
}
resource "auth0mfa_otp_authenticator" "otp" {
  login = {
    username = %q
    password = %q
  }
}
`, emutest.Domain, tn.URL, emutest.ClientID, emutest.ClientSecret, emutest.Username, emutest.Password)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	terraform := func(args ...string) *exec.Cmd {
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir, cmd.Env = work, tfEnv
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		return cmd
	}
	// The enrollment lists before associating and after confirming: hold the second listing.
	tn.InjectFault(emulator.Fault{Endpoint: "GET /mfa/authenticators", Skip: 1, LatencyMS: 120000})
	apply := terraform("apply", "-auto-approve", "-input=false", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for tn.PendingFaults() > 0 {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
			t.Fatal("the apply never reached the listing after confirmation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
	_ = apply.Wait()
	tn.ClearFaults()
	list, _ := tn.Authenticators(emutest.Username)
	if len(list) != 2 || !list[0].Active {
		t.Fatalf("expected the confirmed factor (and recovery code) at the tenant: %+v", list)
	}
	orphan := list[0].ID

	out, err := terraform("apply", "-auto-approve", "-input=false", "-no-color").CombinedOutput()
	if err != nil {
		t.Fatalf("the apply after the interruption failed: %v\n%s", err, out)
	}
	list, _ = tn.Authenticators(emutest.Username)
	if len(list) != 2 || list[0].ID == orphan {
		t.Fatalf("want exactly the new factor and its recovery code, the unrecorded one deleted: %+v", list)
	}
	for _, a := range list {
		if !a.Active {
			t.Fatalf("pending enrollment at the tenant: %+v", a)
		}
	}
	state, err := terraform("state", "show", "-no-color", "auth0mfa_otp_authenticator.otp").CombinedOutput()
	if err != nil || !strings.Contains(string(state), list[0].ID) {
		t.Fatalf("state does not hold the tenant's factor %s: %v\n%s", list[0].ID, err, state)
	}
	if out, err := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("the plan after convergence is not empty: %v\n%s", err, out)
	}
	if out, err := terraform("destroy", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if list, _ = tn.Authenticators(emutest.Username); len(list) != 0 {
		t.Fatalf("destroy left factors behind: %+v", list)
	}
}
