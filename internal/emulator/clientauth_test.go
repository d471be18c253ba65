package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

func basic(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}

func rsaKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func assertion(t *testing.T, key *rsa.PrivateKey, method jwt.SigningMethod, c jwt.RegisteredClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPrivateKeyJWT(t *testing.T) {
	key, pub := rsaKey(t)
	other, _ := rsaKey(t)
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "jwt-client", PublicKeyPEM: pub, GrantTypes: emulator.AllGrantTypes})
	tn := emutest.Start(t, cfg)
	claims := func(jti string, exp time.Duration) jwt.RegisteredClaims {
		now := time.Now()
		return jwt.RegisteredClaims{Issuer: "jwt-client", Subject: "jwt-client", Audience: jwt.ClaimStrings{"https://" + emutest.Domain + "/"},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(exp)), ID: jti}
	}
	send := func(a string) emutest.Response {
		return tn.Do(t, "POST", "/oauth/token", emutest.Form("grant_type", "password", "username", emutest.Username,
			"password", emutest.Password, "audience", emutest.MFAAudience, "client_id", "jwt-client",
			"client_assertion", a, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
	}
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodRS256, jwt.SigningMethodRS384, jwt.SigningMethodPS256} {
		assertError(t, send(assertion(t, key, m, claims("ok-"+m.Alg(), time.Minute))), 403, "mfa_required", "")
	}
	good := assertion(t, key, jwt.SigningMethodRS256, claims("once", time.Minute))
	assertError(t, send(good), 403, "mfa_required", "")
	assertError(t, send(good), 401, "invalid_client", "Invalid client_assertion: jti has already been used.")
	assertError(t, send(assertion(t, other, jwt.SigningMethodRS256, claims("wrong-key", time.Minute))), 401, "invalid_client",
		"Invalid client_assertion: the signature does not match the client's registered key.")
	assertError(t, send(assertion(t, key, jwt.SigningMethodRS256, claims("expired", -time.Minute))), 401, "invalid_client",
		"Invalid client_assertion: the assertion has expired.")
	assertError(t, send(assertion(t, key, jwt.SigningMethodRS256, claims("too-long", 10*time.Minute))), 401, "invalid_client",
		"Invalid client_assertion: its lifetime exceeds 5 minutes.")
	bad := claims("bad-aud", time.Minute)
	bad.Audience = jwt.ClaimStrings{"https://elsewhere.example/"}
	assertError(t, send(assertion(t, key, jwt.SigningMethodRS256, bad)), 401, "invalid_client", "")
	assertError(t, send(assertion(t, key, jwt.SigningMethodRS512, claims("rs512", time.Minute))), 401, "invalid_client", "")
}
