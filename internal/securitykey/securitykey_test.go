package securitykey

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// The COSE key is what an independent WebAuthn library reads back as the same point, and has
// the recorded prefix of Auth0's listing.
func TestCOSEIsReadBackByGoWebauthn(t *testing.T) {
	priv, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	cose, err := COSE(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.StdEncoding.EncodeToString(cose); len(cose) != 77 || !strings.HasPrefix(got, "pQECAyYgASFYI") {
		t.Fatalf("COSE key %d bytes, %s", len(cose), got)
	}
	parsed, err := webauthncose.ParsePublicKey(cose)
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := parsed.(webauthncose.EC2PublicKeyData)
	if !ok || ec.Algorithm != int64(webauthncose.AlgES256) {
		t.Fatalf("parsed %T %+v", parsed, parsed)
	}
	x, y := priv.X.FillBytes(make([]byte, 32)), priv.Y.FillBytes(make([]byte, 32))
	if string(ec.XCoord) != string(x) || string(ec.YCoord) != string(y) {
		t.Fatal("the COSE key holds another point")
	}
}

// The two credential objects carry the same bytes in their own encodings.
func TestCredentialObjectsEncodeTheSameKey(t *testing.T) {
	priv, _ := Generate()
	id, _ := NewCredentialID()
	c := Credential{ID: id, RPID: "demo.auth0mfa.test", PrivateKey: priv}
	der, _ := c.PKCS8()
	for name, tc := range map[string]struct {
		object func() (string, error)
		enc    *base64.Encoding
	}{"cdp": {c.CDP, base64.StdEncoding}, "webdriver": {c.WebDriver, base64.RawURLEncoding}} {
		raw, err := tc.object()
		if err != nil {
			t.Fatal(err)
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			t.Fatal(err)
		}
		gotID, err1 := tc.enc.DecodeString(o["credentialId"].(string))
		gotKey, err2 := tc.enc.DecodeString(o["privateKey"].(string))
		if err1 != nil || err2 != nil || string(gotID) != string(id) || string(gotKey) != string(der) {
			t.Fatalf("%s: fields do not decode to the key (%v %v)", name, err1, err2)
		}
		if o["rpId"] != "demo.auth0mfa.test" || o["isResidentCredential"] != false || o["signCount"] != float64(0) {
			t.Fatalf("%s: %v", name, o)
		}
		k, err := x509.ParsePKCS8PrivateKey(gotKey)
		if _, ok := k.(*ecdsa.PrivateKey); err != nil || !ok {
			t.Fatalf("%s: private key is not PKCS#8 ECDSA", name)
		}
	}
}

func TestParsePublicKeyPEMRefusesWhatIsNoP256PublicKey(t *testing.T) {
	priv, _ := Generate()
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if _, err := ParsePublicKeyPEM(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))); err != nil {
		t.Fatal(err)
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	privDER, _ := x509.MarshalPKCS8PrivateKey(priv)
	for text, want := range map[string]string{
		"not pem": "not PEM",
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaDER})):   "ECDSA P-256",
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})): "never the private one",
	} {
		if _, err := ParsePublicKeyPEM(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
}
