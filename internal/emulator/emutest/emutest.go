// Package emutest starts emulated tenants for tests: a real emulator on a loopback port,
// reached over real HTTP, closed when the test ends.
package emutest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// Fixture values of the tenant Config builds. They are test data, not secrets.
const (
	Domain       = "test.auth0mfa.test"
	FriendlyName = "Test Tenant"
	ClientID     = "test-client"
	ClientSecret = "test-client-secret"
	Username     = "alice@example.com"
	Password     = "alice-password-1"
	UserID       = "auth0|alice"
	// A machine-to-machine client with a Management API grant (update:users).
	ManagementClientID     = "test-management"
	ManagementClientSecret = "test-management-secret"
)

// Config is a tenant with one client holding every grant (and no Management API grant), a
// Management API client, and one user. Its MFA policy is "always" (every password login
// answers mfa_required, so tests can take an mfa_token for a user with no factor). The tests
// of the core lifecycle run under each policy (ConfigWithPolicy, Policies).
// AUTH0MFA_TEST_MFA_POLICY=never runs a whole suite on the new-tenant default instead, for
// exploring: many tests there are written for the "always" shape (they take an mfa_token for
// a user with no factor, or count the challenges a delete sends) and fail on that.
func Config() emulator.Config {
	policy := os.Getenv("AUTH0MFA_TEST_MFA_POLICY")
	if policy == "" {
		policy = emulator.MFAPolicyAlways
	}
	return ConfigWithPolicy(policy)
}

// Policies are the MFA policies a tenant can have; tests of the core lifecycle run under each.
var Policies = []string{emulator.MFAPolicyNever, emulator.MFAPolicyAlways}

// ConfigWithPolicy is Config with the given MFA policy.
func ConfigWithPolicy(policy string) emulator.Config {
	return emulator.Config{
		Domain: Domain, FriendlyName: FriendlyName, MFAPolicy: policy,
		Clients: []emulator.ClientConfig{{
			ClientID: ClientID, ClientSecret: ClientSecret,
			GrantTypes: append([]string(nil), emulator.AllGrantTypes...),
		}, {
			ClientID: ManagementClientID, ClientSecret: ManagementClientSecret,
			GrantTypes:       []string{emulator.GrantClientCredentials},
			ManagementScopes: append([]string{emulator.ScopeUpdateUsers, emulator.ScopeDeleteGuardianEnrollments, emulator.ScopeReadUsers}, emulator.AuthenticationMethodScopes...),
		}},
		Users: []emulator.UserConfig{{Username: Username, Email: Username, Password: Password, UserID: UserID}},
	}
}

// Tenant is a running emulator.
type Tenant struct {
	*emulator.Server
	URL string
}

// Start runs cfg on 127.0.0.1 with a free port until the test ends.
func Start(t testing.TB, cfg emulator.Config, opts ...emulator.Option) *Tenant {
	t.Helper()
	srv, err := emulator.New(cfg, opts...)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	httpSrv, u, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(ctx)
	})
	return &Tenant{Server: srv, URL: u}
}

// Response is a raw answer, for tests that check status, headers and body exactly.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
}

// JSON decodes the body into a generic value.
func (r Response) JSON(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.Raw)
	}
	return v
}

// Object decodes a JSON object body.
func (r Response) Object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.JSON(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", r.Raw)
	}
	return m
}

// Do sends a raw request; body is a url.Values (form), a string (sent as is) or any other
// value (JSON). headers are "Key: value" strings.
func (tn *Tenant) Do(t testing.TB, method, path string, body any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, contentType = strings.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, contentType = strings.NewReader(string(raw)), "application/json"
	}
	req, err := http.NewRequest(method, tn.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		if strings.EqualFold(k, "Host") {
			req.Host = v // the name the page was opened at, as a browser mapping it would send
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
}

// Form builds a form body from key/value pairs.
func Form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// ClientForm is Form with the fixture client's credentials added.
func ClientForm(kv ...string) url.Values {
	v := Form(kv...)
	v.Set("client_id", ClientID)
	v.Set("client_secret", ClientSecret)
	return v
}

// MFAAudience of the fixture tenant.
const MFAAudience = "https://" + Domain + "/mfa/"

// MFAToken logs the fixture user in with the MFA audience and returns the mfa_token.
func (tn *Tenant) MFAToken(t testing.TB, username, password string) string {
	t.Helper()
	r := tn.Do(t, "POST", "/oauth/token", ClientForm("grant_type", "password", "username", username,
		"password", password, "audience", MFAAudience, "scope", "enroll read:authenticators remove:authenticators"))
	body := r.Object(t)
	tok, _ := body["mfa_token"].(string)
	if r.Status != http.StatusForbidden || tok == "" {
		t.Fatalf("expected 403 mfa_required with an mfa_token, got %d %s", r.Status, r.Raw)
	}
	return tok
}

// PrivateKeyJWTClient is an application that authenticates with Private Key JWT: its tenant
// configuration (the public key registered, no secret), its private key and that key as PKCS#8
// PEM, as a team keeps it.
func PrivateKeyJWTClient(t testing.TB, clientID string, grants, managementScopes []string) (emulator.ClientConfig, *rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := emulator.ClientConfig{ClientID: clientID, PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		GrantTypes: grants, ManagementScopes: managementScopes}
	return cfg, key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// SignIns are the ids of the factors the user passed MFA with, oldest first (the control API's
// mfa_sign_ins).
func (tn *Tenant) SignIns(t testing.TB, username string) []string {
	t.Helper()
	for _, u := range tn.Users() {
		if u.Username == username {
			return u.MFASignIns
		}
	}
	t.Fatalf("no user %s", username)
	return nil
}
