// Package securitykey makes the software security keys of auth0mfa_authentication_method's
// webauthn-roaming type: a P-256 key pair and a credential id, the public key in the COSE form
// Auth0's Management API takes, and the credential objects browsers' test tooling loads into a
// virtual authenticator (reference auth0-management-route.md §4).
package securitykey

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// CredentialIDBytes is the length of a generated credential id: 16 bytes, as the key_id of
// Auth0's own listing (E1LoPm0G-JqaRPwe98JKfA, reference §4.1).
const CredentialIDBytes = 16

// NewCredentialID is a random credential id.
func NewCredentialID() ([]byte, error) {
	id := make([]byte, CredentialIDBytes)
	_, err := rand.Read(id)
	return id, err
}

// Generate is a new P-256 key pair: ES256 is the algorithm every virtual authenticator
// (CDP, WebDriver) supports.
func Generate() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// ParsePublicKeyPEM reads a P-256 public key in PEM (SPKI "PUBLIC KEY", as tls_private_key's
// public_key_pem gives it). Its errors never quote the text.
func ParsePublicKeyPEM(text string) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil {
		return nil, errors.New("the public key is not PEM text (it should begin with -----BEGIN PUBLIC KEY-----)")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("the PEM block is %q, not a PUBLIC KEY (give the public key, never the private one)", block.Type)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("the PUBLIC KEY PEM holds no readable public key")
	}
	ec, ok := k.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("the public key is %s; security keys here are ECDSA P-256 (ES256), for example "+
			"tls_private_key with algorithm = \"ECDSA\" and ecdsa_curve = \"P256\"", describe(k))
	}
	return ec, nil
}

func describe(k any) string {
	if ec, ok := k.(*ecdsa.PublicKey); ok {
		return "ECDSA " + ec.Curve.Params().Name
	}
	return fmt.Sprintf("a %T", k)
}

// COSE is the public key as a COSE_Key (RFC 9053 EC2, ES256), the bytes of WebAuthn's
// credentialPublicKey: the CBOR map {1: 2, 3: -7, -1: 1, -2: x, -3: y}, 77 bytes, which is
// what a recorded Auth0 listing decodes to (reference §4.1, "pQECAyYgASFYI…").
func COSE(pub *ecdsa.PublicKey) ([]byte, error) {
	k, err := pub.ECDH()
	if err != nil {
		return nil, err
	}
	raw := k.Bytes() // 0x04 || x || y
	if len(raw) != 65 || k.Curve() != ecdh.P256() {
		return nil, errors.New("not an uncompressed P-256 point")
	}
	out := []byte{0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20}
	out = append(out, raw[1:33]...)
	out = append(out, 0x22, 0x58, 0x20)
	return append(out, raw[33:]...), nil
}

// Credential is a key ready for a virtual authenticator: a non-resident credential (Auth0's
// security-key challenge names it in allowCredentials), bound to the relying party, with a
// signature counter that starts at 0.
type Credential struct {
	ID         []byte
	RPID       string
	PrivateKey *ecdsa.PrivateKey
}

// PKCS8 is the private key as PKCS#8 DER, the form both CDP and WebDriver take.
func (c Credential) PKCS8() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(c.PrivateKey) }

// CDP is the credential argument of Chrome DevTools Protocol's WebAuthn.addCredential
// (Playwright and Puppeteer through a CDP session): binary fields in standard base64
// (browser_protocol.json: "Encoded as a base64 string when passed over JSON").
func (c Credential) CDP() (string, error) { return c.object(base64.StdEncoding) }

// WebDriver is the parameters of the W3C WebDriver "Add Credential" command (Selenium):
// binary fields in base64url (W3C WebAuthn §11.7).
func (c Credential) WebDriver() (string, error) { return c.object(base64.RawURLEncoding) }

func (c Credential) object(enc *base64.Encoding) (string, error) {
	der, err := c.PKCS8()
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(struct {
		CredentialID         string `json:"credentialId"`
		IsResidentCredential bool   `json:"isResidentCredential"`
		RPID                 string `json:"rpId"`
		PrivateKey           string `json:"privateKey"`
		SignCount            int    `json:"signCount"`
	}{enc.EncodeToString(c.ID), false, c.RPID, enc.EncodeToString(der), 0})
	return string(b), err
}
