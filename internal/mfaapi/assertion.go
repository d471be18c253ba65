package mfaapi

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is short: Auth0 allows 5 minutes and recommends 1 or less.
const assertionLifetime = 60 * time.Second

// SigningAlgs are the algorithms Auth0 accepts for a private key JWT credential.
var SigningAlgs = []string{"RS256", "RS384", "PS256"}

func normaliseSigningAlg(alg string) (string, error) {
	if alg == "" {
		return "RS256", nil
	}
	for _, a := range SigningAlgs {
		if strings.EqualFold(a, alg) {
			return a, nil
		}
	}
	return "", fmt.Errorf("client assertion signing algorithm %q is not supported; use one of %s", alg, strings.Join(SigningAlgs, ", "))
}

// ParsePrivateKey reads an RSA private key in PKCS#1 or PKCS#8 PEM. Its errors never quote the key.
func ParsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("the private key is not PEM text (it should begin with -----BEGIN PRIVATE KEY-----)")
	}
	switch {
	case block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "":
		// PKCS#8 encrypted, or a legacy "Proc-Type: 4,ENCRYPTED" PEM: there is no passphrase setting.
		return nil, errors.New("the private key is encrypted with a passphrase; give it unencrypted " +
			"(for example: openssl pkey -in key.pem -out key-plain.pem) and keep it in a secret store")
	case block.Type == "EC PRIVATE KEY":
		return nil, errNotRSA("an EC key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if _, ecErr := x509.ParseECPrivateKey(block.Bytes); ecErr == nil {
			return nil, errNotRSA("an EC key")
		}
		return nil, fmt.Errorf("the private key PEM (%s) holds no readable RSA private key (PKCS#1 or PKCS#8)", block.Type)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errNotRSA(fmt.Sprintf("a %T key", k))
	}
	return rk, nil
}

func errNotRSA(kind string) error {
	return fmt.Errorf("the private key is %s, not an RSA key; Auth0 private key JWT credentials use RSA (RS256, RS384, PS256)", kind)
}

// ClientCredential is how one application authenticates at /oauth/token: its secret, or its
// private key (Private Key JWT) with the signing algorithm ("" is RS256). The application, the
// management application and the conform tool all authenticate through it.
type ClientCredential struct {
	ClientID, Secret string
	Key              *rsa.PrivateKey
	Alg              string
}

// AddTo sets the form's client authentication: the secret, or a fresh one-time assertion
// (every attempt signs anew: Auth0 refuses a jti it has seen, so an assertion is never replayed).
func (cc ClientCredential) AddTo(form url.Values, domain string, now time.Time) error {
	form.Set("client_id", cc.ClientID)
	if cc.Key == nil {
		form.Set("client_secret", cc.Secret)
		return nil
	}
	a, err := signClientAssertion(domain, cc.ClientID, cc.Key, cc.Alg, now)
	if err != nil {
		return err
	}
	form.Set("client_assertion", a)
	form.Set("client_assertion_type", clientAssertionType)
	return nil
}

// signClientAssertion signs a fresh one-time Private Key JWT client assertion: iss = sub =
// clientID, aud = the tenant URL with a trailing slash, a new jti each time. alg "" is RS256.
func signClientAssertion(domain, clientID string, key *rsa.PrivateKey, alg string, now time.Time) (string, error) {
	alg, err := normaliseSigningAlg(alg)
	if err != nil {
		return "", err
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	claims := assertionClaims{Aud: "https://" + domain + "/", RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    clientID,
		Subject:   clientID,
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(assertionLifetime)),
		ID:        hex.EncodeToString(jti),
	}}
	signed, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signed, nil
}

// assertionClaims sends the single audience as a string, as go-auth0 does; the shallower
// Aud field wins over the embedded (empty, omitted) Audience.
type assertionClaims struct {
	Aud string `json:"aud"`
	jwt.RegisteredClaims
}
