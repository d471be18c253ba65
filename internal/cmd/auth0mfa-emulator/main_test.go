package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCommand builds the real binary, starts it on a free port, enrolls an email factor so a
// code is sent, and reads the code back with the code subcommand.
func TestCommand(t *testing.T) {
	bin := emulatorBinary(t)
	cfgPath := filepath.Join(t.TempDir(), "tenant.json")
	cfg := `{"domain":"cmd.auth0mfa.test","friendly_name":"Cmd","mfa_policy":"always","clients":[{"client_id":"c","client_secret":"s","grant_types":["password"]}],
	         "users":[{"username":"dora@example.com","email":"dora@example.com","password":"pw-123456"}]}`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:0", "--config", cfgPath)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(first, "listening on http://127.0.0.1:") {
		t.Fatalf("first line %q (%v)", first, err)
	}
	base := strings.TrimSpace(strings.TrimPrefix(first, "listening on "))

	codeCmd := func(args ...string) (string, string, error) {
		var out, errb bytes.Buffer
		c := exec.Command(bin, append([]string{"code", "--url", base}, args...)...)
		c.Stdout, c.Stderr = &out, &errb
		err := c.Run()
		return out.String(), errb.String(), err
	}
	if _, stderr, err := codeCmd("--to", "dora@example.com"); err == nil || !strings.Contains(stderr, "no code") {
		t.Fatalf("no code yet must fail: %v %q", err, stderr)
	}
	since := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
	mfaToken := login(t, base)
	req, _ := http.NewRequest("POST", base+"/mfa/associate", strings.NewReader(`{"authenticator_types":["oob"],"oob_channels":["email"]}`))
	req.Header.Set("Authorization", "Bearer "+mfaToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("associate: %v %v", err, resp)
	}
	resp.Body.Close()
	out, stderr, err := codeCmd("--to", "dora@example.com", "--since", since)
	if err != nil || len(strings.TrimSpace(out)) != 6 {
		t.Fatalf("code: %q %q %v", out, stderr, err)
	}
}

func login(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.PostForm(base+"/oauth/token", map[string][]string{
		"grant_type": {"password"}, "client_id": {"c"}, "client_secret": {"s"}, "username": {"dora@example.com"},
		"password": {"pw-123456"}, "audience": {"https://cmd.auth0mfa.test/mfa/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if body["mfa_token"] == "" {
		t.Fatalf("login: %v", body)
	}
	return body["mfa_token"]
}
