package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// withEnv replaces the environment the provider reads for one test.
func withEnv(t *testing.T, env map[string]string) {
	old := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = old })
}

func testKeyPEM(t *testing.T) string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func str(s string) types.String { return types.StringValue(s) }

func nullModel() providerModel {
	return providerModel{Domain: types.StringNull(), ClientID: types.StringNull(), ClientSecret: types.StringNull(),
		ClientAssertionPrivateKey: types.StringNull(), ClientAssertionSigningAlg: types.StringNull(), BaseURL: types.StringNull()}
}

func TestProviderSettings(t *testing.T) {
	key := testKeyPEM(t)
	cases := []struct {
		name    string
		env     map[string]string
		mutate  func(*providerModel)
		wantErr string // "" means the client is built
		attr    string
		// wantManagement: the built client has a Management API application.
		wantManagement bool
	}{
		{name: "all from env", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s3cret"}},
		{name: "AUTH0_DOMAIN fallback", env: map[string]string{envDomainShared: "t.example.com", envClientID: "id", envClientSecret: "s3cret"}},
		{name: "config wins over env", env: map[string]string{envDomain: "https://bad", envClientID: "id", envClientSecret: "s3cret"},
			mutate: func(m *providerModel) { m.Domain = str("good.example.com") }},
		{name: "missing domain", env: map[string]string{envClientID: "id", envClientSecret: "s"}, wantErr: "AUTH0MFA_DOMAIN or AUTH0_DOMAIN", attr: "domain"},
		{name: "missing client id", env: map[string]string{envDomain: "t.example.com", envClientSecret: "s"}, wantErr: envClientID, attr: "client_id"},
		{name: "missing credentials", env: map[string]string{envDomain: "t.example.com", envClientID: "id"}, wantErr: envClientSecret, attr: "client_secret"},
		{name: "conflicting credentials", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envPrivateKey: key},
			wantErr: "Use one", attr: "client_secret"},
		{name: "a key in the configuration wins over a secret in the environment",
			env:    map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s3cret"},
			mutate: func(m *providerModel) { m.ClientAssertionPrivateKey = str(key) }},
		{name: "a secret in the configuration wins over a key in the environment",
			env:    map[string]string{envDomain: "t.example.com", envClientID: "id", envPrivateKey: key},
			mutate: func(m *providerModel) { m.ClientSecret = str("s3cret") }},
		{name: "private key JWT", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envPrivateKey: key, envSigningAlg: "PS256"}},
		{name: "malformed PEM", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envPrivateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
			wantErr: "no readable RSA private key", attr: "client_assertion_private_key"},
		{name: "unsupported algorithm", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envPrivateKey: key, envSigningAlg: "HS256"},
			wantErr: "not supported"},
		{name: "http to non-loopback", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envBaseURL: "http://t.example.com"},
			wantErr: "not loopback", attr: "base_url"},
		{name: "base URL with a path", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envBaseURL: "https://t.example.com/api"},
			wantErr: "without a path", attr: "base_url"},
		{name: "management application from env", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s",
			envMgmtClientID: "m2m", envMgmtSecret: "m2m-s3cret"}, wantManagement: true},
		{name: "management application in the configuration", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s"},
			mutate: func(m *providerModel) { m.ManagementClientID, m.ManagementClientSecret = str("m2m"), str("m2m-s3cret") }, wantManagement: true},
		{name: "management client id without its secret", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtClientID: "m2m"},
			wantErr: envMgmtSecret, attr: "management_client_secret"},
		{name: "management secret without its client id", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtSecret: "s3cret"},
			wantErr: envMgmtClientID, attr: "management_client_id"},
		{name: "management application with a private key from env", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s",
			envMgmtClientID: "m2m", envMgmtKey: key, envMgmtAlg: "RS384"}, wantManagement: true},
		{name: "management private key in the configuration wins over a secret in the environment",
			env:    map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtClientID: "m2m", envMgmtSecret: "m2m-s3cret"},
			mutate: func(m *providerModel) { m.ManagementPrivateKey = str(key) }, wantManagement: true},
		{name: "management secret and key both from env", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s",
			envMgmtClientID: "m2m", envMgmtSecret: "m2m-s3cret", envMgmtKey: key}, wantErr: "Use one", attr: "management_client_secret"},
		{name: "management private key without its client id", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtKey: key},
			wantErr: envMgmtClientID, attr: "management_client_id"},
		{name: "malformed management key", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtClientID: "m2m",
			envMgmtKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
			wantErr: "no readable RSA private key", attr: "management_client_assertion_private_key"},
		{name: "unsupported management algorithm", env: map[string]string{envDomain: "t.example.com", envClientID: "id", envClientSecret: "s", envMgmtClientID: "m2m",
			envMgmtKey: key, envMgmtAlg: "ES256"}, wantErr: "not supported"},
		{name: "unknown value", env: map[string]string{envClientID: "id", envClientSecret: "s"}, mutate: func(m *providerModel) { m.Domain = types.StringUnknown() },
			wantErr: "AUTH0MFA_DOMAIN", attr: "domain"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			withEnv(t, tc.env)
			m := nullModel()
			if tc.mutate != nil {
				tc.mutate(&m)
			}
			var diags diag.Diagnostics
			client := buildClient(context.Background(), m, "1.0.0", "1.11.4", &diags)
			if tc.wantErr == "" {
				if diags.HasError() || client == nil {
					t.Fatalf("unexpected errors: %v", diags)
				}
				if client.HasManagementClient() != tc.wantManagement {
					t.Fatalf("HasManagementClient() = %v, want %v", client.HasManagementClient(), tc.wantManagement)
				}
				return
			}
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			text := diags.Errors()[0].Summary() + ": " + diags.Errors()[0].Detail()
			if !strings.Contains(text, tc.wantErr) {
				t.Fatalf("error %q does not mention %q", text, tc.wantErr)
			}
			if strings.Contains(text, "s3cret") || strings.Contains(text, "BEGIN PRIVATE KEY") {
				t.Fatalf("a secret leaked into the diagnostic: %q", text)
			}
			if tc.attr != "" {
				wp, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
				if !ok || !strings.Contains(wp.Path().String(), tc.attr) {
					t.Fatalf("the error should point at %s: %v", tc.attr, diags.Errors()[0])
				}
			}
		})
	}
}

func TestUserAgentNamesProviderAndTerraform(t *testing.T) {
	ua := userAgent("1.2.3", "1.11.4")
	if !strings.HasPrefix(ua, "terraform-provider-auth0mfa/1.2.3 ") || !strings.HasSuffix(ua, "Terraform/1.11.4") {
		t.Fatalf("user agent %q", ua)
	}
}

func TestParseImportID(t *testing.T) {
	good := map[string]importID{
		"ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F":                                {username: "ci-bot@example.com", authenticatorID: "totp|dev_WzMZ2sZbUw1wbC2F"},
		"Username-Password-Authentication/ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC": {realm: "Username-Password-Authentication", username: "ci-bot@example.com", authenticatorID: "totp|dev_WzMZ2sZbUw1wbC"},
		"odd:name@example.com:totp|dev_abc":                                           {username: "odd:name@example.com", authenticatorID: "totp|dev_abc"},
	}
	for raw, want := range good {
		got, err := parseImportID(raw, "totp")
		if err != nil || got != want {
			t.Errorf("%s: %+v %v", raw, got, err)
		}
	}
	for _, bad := range []string{"", "  ", "totp|dev_abc", "user@example.com:", ":totp|dev_abc", "user@example.com:sms|dev_abc",
		"user@example.com:totp-dev_abc", "bad realm/user@example.com:totp|dev_abc", "/user:totp|dev_abc"} {
		if _, err := parseImportID(bad, "totp"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
