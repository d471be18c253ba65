package mfaapi

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

// Each unusable key says what it is, so the user knows what to change.
func TestParsePrivateKeyNamesWhatIsWrong(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ec)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemOf := func(typ string, der []byte, headers map[string]string) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der, Headers: headers}))
	}
	cases := map[string]struct{ pem, want string }{
		"EC (SEC 1)":         {pemOf("EC PRIVATE KEY", ecDER, nil), "is an EC key, not an RSA key"},
		"EC (PKCS#8)":        {pemOf("PRIVATE KEY", ecPKCS8, nil), "not an RSA key"},
		"Ed25519":            {pemOf("PRIVATE KEY", edPKCS8, nil), "ed25519"},
		"encrypted PKCS#8":   {pemOf("ENCRYPTED PRIVATE KEY", []byte("opaque"), nil), "encrypted with a passphrase"},
		"legacy encrypted":   {pemOf("RSA PRIVATE KEY", []byte("opaque"), map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}), "encrypted with a passphrase"},
		"garbage in a block": {pemOf("PRIVATE KEY", []byte("nope"), nil), "holds no readable RSA private key"},
		"not PEM":            {"hello", "not PEM text"},
	}
	for name, c := range cases {
		_, err := ParsePrivateKey(c.pem)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want it to say %q", name, err, c.want)
		}
	}
	if _, err := ParsePrivateKey(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), nil)); err != nil {
		t.Fatalf("RSA key refused: %v", err)
	}
}
