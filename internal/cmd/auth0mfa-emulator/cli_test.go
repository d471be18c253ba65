package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// runInProcess runs the command's dispatcher; a command that wrongly starts serving is cut
// off by the deadline and returns 0, which every refusal case below rejects.
func runInProcess(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code = run(ctx, args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestUnknownCommandsFlagsAndArgumentsAreRefused(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bogus", "--whatever"}, `unknown command "bogus"`},
		{[]string{"cod", "--to", "+15555550100"}, `unknown command "cod"`},
		{[]string{"--whatever"}, "flag provided but not defined: -whatever"},
		{[]string{"serve", "--adr", "127.0.0.1:0"}, "flag provided but not defined: -adr"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"--addr", "127.0.0.1:0", "stray"}, `unexpected argument "stray"`},
		{[]string{"code", "--url", "http://127.0.0.1:1", "--to", "x", "stray"}, `unexpected argument "stray"`},
		{[]string{"totp", "JBSWY3DPEHPK3PXP"}, `unexpected argument "JBSWY3DPEHPK3PXP"`},
		{[]string{"conform", "--emulatr"}, "flag provided but not defined: -emulatr"},
		{[]string{"conform", "--emulator", "now"}, `unexpected argument "now"`},
		{[]string{"version", "x"}, "version takes no arguments"},
		{[]string{"--version", "x"}, "--version takes no arguments"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			start := time.Now()
			stdout, stderr, code := runInProcess(t, c.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (stdout %q, stderr %q)", code, exitUsage, stdout, stderr)
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("took %v: it served instead of refusing", time.Since(start))
			}
			if !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "usage") {
				t.Fatalf("stderr must say %q and show the usage:\n%s", c.want, stderr)
			}
			if strings.HasPrefix(stdout, "listening on") {
				t.Fatalf("a tenant started: %q", stdout)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	cases := map[string][]string{
		"top":       {"--help"},
		"help":      {"help"},
		"-h":        {"-h"},
		"serve":     {"serve", "--help"},
		"code":      {"code", "-h"},
		"totp":      {"totp", "--help"},
		"conform":   {"conform", "--help"},
		"flagsonly": {"--addr", "127.0.0.1:0", "--help"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runInProcess(t, args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, "usage") && !strings.Contains(stdout, "auth0mfa-emulator:") {
				t.Fatalf("no usage on stdout: %q", stdout)
			}
			if strings.HasPrefix(stdout, "listening on") {
				t.Fatalf("a tenant started: %q", stdout)
			}
		})
	}
	stdout, _, _ := runInProcess(t, "conform", "--help")
	for _, flag := range []string{"-url", "-client-secret", "AUTH0MFA_CONFORM_PASSWORD", "-code-command", "-compare", "-emulator"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("conform --help does not mention %s", flag)
		}
	}
}

// TestVersionIsSetAtRelease links the version as .goreleaser.yml does and reads it back.
func TestVersionIsSetAtRelease(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		stdout, stderr, code := runBinary(t, nil, args...)
		if code != 0 || strings.TrimSpace(stdout) != "auth0mfa-emulator "+testVersion {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	cfg, err := os.ReadFile("../../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	emulatorBuild := string(cfg)[strings.Index(string(cfg), "- id: emulator"):]
	if !strings.Contains(emulatorBuild, "-X main.version={{ .Version }}") {
		t.Fatal(".goreleaser.yml's emulator build does not set main.version: --version would print dev")
	}
}
