package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// The Management API route with a management application that has no secret, only a
// registered public key: conform signs a Private Key JWT assertion, and the route's steps
// answer as with a secret. The key never reaches the output.
func TestConformManagementRouteWithAPrivateKey(t *testing.T) {
	client, _, keyText := emutest.PrivateKeyJWTClient(t, "jwt-management", []string{emulator.GrantClientCredentials}, emulator.AuthenticationMethodScopes)
	keyPEM := []byte(keyText)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "management.pem")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := emulator.DemoConfig()
	cfg.Clients = append(cfg.Clients, client)
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "tenant.json")
	if err := os.WriteFile(cfgFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run.json")
	stdout, stderr, code := runBinary(t, nil, "conform", "--emulator", "--config", cfgFile, "--out", out,
		"--management-client-id", "jwt-management", "--management-private-key-file", keyFile)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	steps := map[string]int{}
	for _, st := range loadRecordOf(t, out, append(slices.Clone(conformSteps), conformRouteSteps...)).Steps {
		steps[st.Name] = st.Status
	}
	for name, want := range map[string]int{"mgmt_token": 200, "mgmt_create_totp": 201, "mfa_otp_seeded": 200, "mgmt_delete_a": 204} {
		if steps[name] != want {
			t.Errorf("step %s answered %d, want %d", name, steps[name], want)
		}
	}
	record, _ := os.ReadFile(out)
	body := strings.Split(string(keyPEM), "\n")[1]
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr, "record": string(record)} {
		if strings.Contains(text, body) {
			t.Errorf("the private key is in the %s", name)
		}
	}

	// Both a secret and a key: refused before anything is sent.
	_, stderr, code = runBinary(t, nil, "conform", "--url", "https://t.example.com", "--client-id", "c", "--client-secret", "s",
		"--username", "u", "--password", "p", "--user-id", "auth0|u", "--management-client-id", "m",
		"--management-client-secret", "s", "--management-private-key-file", keyFile)
	if code != exitUsage || !strings.Contains(stderr, "not both") {
		t.Fatalf("a secret and a key together: exit %d\n%s", code, stderr)
	}
}
