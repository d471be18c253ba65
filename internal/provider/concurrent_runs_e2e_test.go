package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// TestAccTwoRunsOneUser runs two real `terraform apply` processes at once, in two workspaces of
// one machine, each adding an OTP factor for the same user and passing MFA with the same
// login.otp_secret. Each must store its own factor (distinct ids), and the tenant must hold
// exactly the factors the states hold, before and after both destroy.
func TestAccTwoRunsOneUser(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tn := emutest.Start(t, emutest.Config())
	env := &accEnv{tenant: tn, domain: emutest.Domain, baseURL: tn.URL, clientID: emutest.ClientID, secret: emutest.ClientSecret,
		username: emutest.Username, password: emutest.Password}
	// One machine: both runs, and the setup below, share the user cache directory (TOTP
	// steps, journal, user lock).
	cache := filepath.Join(t.TempDir(), "cache")
	setup, err := mfaapi.New(mfaapi.Config{Domain: env.domain, BaseURL: env.baseURL, ClientID: env.clientID, ClientSecret: env.secret,
		TOTPStore: totp.DirStore{Dir: filepath.Join(cache, "terraform-provider-auth0mfa", "totp-steps")}})
	if err != nil {
		t.Fatal(err)
	}
	first, err := setup.Session(loginOf(env.username, env.password)).EnrollOTP(testCtx(t), stepUpNone())
	if err != nil {
		t.Fatal(err)
	}
	work, tfEnv := e2eWorkspace(t)
	tfEnv = append(tfEnv, "XDG_CACHE_HOME="+cache)
	main := requiredProviders + env.providerBlock() + "resource \"auth0mfa_otp_authenticator\" \"bot\" {\n" +
		loginHCL(env.username, env.password, fmt.Sprintf("otp_secret = %q", first.Association.Secret)) + "}\n" +
		"output \"id\" {\n  value = auth0mfa_otp_authenticator.bot.id\n}\n"
	workspaces := []string{filepath.Join(work, "a"), filepath.Join(work, "b")}
	for _, dir := range workspaces {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tf := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir, cmd.Env = dir, tfEnv
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	both := func(args ...string) {
		t.Helper()
		var wg sync.WaitGroup
		outs, errs := make([]string, 2), make([]error, 2)
		for i, dir := range workspaces {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = tf(dir, args...)
			}()
		}
		wg.Wait()
		for i := range workspaces {
			if errs[i] != nil {
				t.Fatalf("terraform %s in workspace %d: %v\n%s", args[0], i, errs[i], outs[i])
			}
		}
	}
	activeOTP := func() []string {
		list, err := tn.Authenticators(env.username)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range list {
			if a.AuthenticatorType == "otp" && a.Active {
				ids = append(ids, a.ID)
			}
			if !a.Active && a.AuthenticatorType != "recovery-code" {
				t.Errorf("pending factor left at the tenant: %s", a.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}

	both("apply", "-auto-approve", "-input=false", "-no-color")
	var stored []string
	for _, dir := range workspaces {
		out, err := tf(dir, "output", "-raw", "id")
		if err != nil {
			t.Fatalf("terraform output: %v\n%s", err, out)
		}
		stored = append(stored, strings.TrimSpace(out))
	}
	if stored[0] == stored[1] {
		t.Fatalf("both workspaces stored %s", stored[0])
	}
	want := []string{first.ID, stored[0], stored[1]}
	slices.Sort(want)
	if got := activeOTP(); !slices.Equal(got, want) {
		t.Fatalf("the tenant holds %v; the states hold %v and the login factor %s", got, stored, first.ID)
	}

	both("destroy", "-auto-approve", "-input=false", "-no-color")
	if got := activeOTP(); !slices.Equal(got, []string{first.ID}) {
		t.Fatalf("after both destroys the tenant holds %v, want only the login factor %s", got, first.ID)
	}
}
