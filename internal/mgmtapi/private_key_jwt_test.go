package mgmtapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

// A management application may authenticate with Private Key JWT instead of a secret
// (https://auth0.com/docs/get-started/authentication-and-authorization-flow/authenticate-with-private-key-jwt):
// each token request carries a fresh assertion, one token serves the process, and a key the
// tenant does not know is refused as the client's fault.
func TestManagementApplicationWithPrivateKeyJWT(t *testing.T) {
	client, key, _ := emutest.PrivateKeyJWTClient(t, "jwt-management", []string{emulator.GrantClientCredentials}, emulator.AuthenticationMethodScopes)
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, client)
	tn := emutest.Start(t, cfg)
	for _, alg := range mfaapi.SigningAlgs {
		m := keyClient(t, tn, key, alg)
		before := tn.Stats()["POST /oauth/token"]
		created, err := m.CreateAuthenticationMethod(ctx(t), emutest.UserID, mgmtapi.NewAuthenticationMethod{Type: "email", Email: alg + "@example.com"})
		if err != nil {
			t.Fatalf("%s: create: %v", alg, err)
		}
		if err := m.DeleteAuthenticationMethod(ctx(t), emutest.UserID, created.ID); err != nil {
			t.Fatalf("%s: delete: %v", alg, err)
		}
		if n := tn.Stats()["POST /oauth/token"] - before; n != 1 {
			t.Fatalf("%s: %d token requests for two calls, want 1", alg, n)
		}
	}
	_, err := keyClient(t, tn, rsaKey(t), "").ListAuthenticationMethods(ctx(t), emutest.UserID)
	if !mfaapi.IsInvalidClient(err) {
		t.Fatalf("a key the tenant does not know: %v", err)
	}
	if strings.Contains(err.Error(), "BEGIN") {
		t.Fatal("the error quotes key material")
	}
	if _, err := mfaapi.New(mfaapi.Config{Domain: emutest.Domain, ClientID: emutest.ClientID, ClientSecret: emutest.ClientSecret,
		ManagementClientID: "m", ManagementClientSecret: "s", ManagementPrivateKey: key}); err == nil {
		t.Fatal("a management secret and key together must be refused")
	}
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keyClient(t *testing.T, tn *emutest.Tenant, key *rsa.PrivateKey, alg string) *mgmtapi.Client {
	t.Helper()
	api, err := mfaapi.New(mfaapi.Config{Domain: emutest.Domain, BaseURL: tn.URL, ClientID: emutest.ClientID, ClientSecret: emutest.ClientSecret,
		ManagementClientID: "jwt-management", ManagementPrivateKey: key, ManagementSigningAlg: alg, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	return mgmtapi.New(api)
}
