package provider

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAccReadmeFirstConfiguration runs the README's first steps as they are written: the
// emulator command with no tenant file (its demo tenant), the README's main.tf (its base_url
// pointed at the port the emulator got), apply, a code from the secret through the emulator's
// totp command, destroy.
func TestAccReadmeFirstConfiguration(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- readme-first-configuration -->\n```terraform\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no first configuration after <!-- readme-first-configuration -->")
	}
	const documentedURL = "http://127.0.0.1:8787"
	if !strings.Contains(string(readme), "bin/auth0mfa-emulator --addr 127.0.0.1:8787") || !strings.Contains(string(block[1]), documentedURL) {
		t.Fatal("the README's emulator command and base_url no longer agree with this test")
	}

	emulator := exec.Command(emulatorBin, "--addr", "127.0.0.1:0")
	stdout, err := emulator.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := emulator.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emulator.Process.Kill(); _ = emulator.Wait() })
	lines := bufio.NewReader(stdout)
	first, err := lines.ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(first), "listening on ")
	if err != nil || !ok {
		t.Fatalf("the emulator did not say where it listens: %q %v", first, err)
	}
	go func() { _, _ = io.Copy(io.Discard, lines) }()

	work, env := e2eWorkspace(t)
	env = append(env, "AUTH0MFA_CACHE_DIR="+filepath.Join(work, "cache"))
	main := strings.ReplaceAll(string(block[1]), documentedURL, url)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	terraform := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	terraform("apply", "-auto-approve", "-input=false", "-no-color")
	secret := terraform("output", "-raw", "totp_secret")
	code := exec.Command(emulatorBin, "totp")
	code.Stdin = strings.NewReader(secret)
	out, err := code.Output()
	if err != nil || !regexp.MustCompile(`^\d{6}\s*$`).Match(out) {
		t.Fatalf("the totp command printed %q: %v", out, err)
	}
	terraform("destroy", "-auto-approve", "-input=false", "-no-color")
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url + "/_emulator/users/demo@example.com/authenticators")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), `"id"`) {
		t.Fatalf("destroy left factors at the emulator: %s", body)
	}
}
