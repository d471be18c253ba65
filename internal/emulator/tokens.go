package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the JWKS thumbprint x5t is SHA-1 by definition
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Lifetimes. Open question 11 of the reference: the mfa_token lifetime is quoted as 10 minutes
// by Auth0 staff (COMM 123043); we use that. oob codes for sms/voice/email expire after 5 minutes
// (COMM 123043), and a push enrollment must be approved within 5 minutes (DOCS-V2 push page).
const (
	mfaTokenLifetime    = 10 * time.Minute
	accessTokenLifetime = 600 * time.Second
	oobCodeLifetime     = 5 * time.Minute
)

// mfaTokenRecord is what an opaque mfa_token stands for.
type mfaTokenRecord struct {
	userID   string
	clientID string
	expires  time.Time
	// audience and scope of the login that was interrupted; the token issued after MFA
	// carries them.
	audience string
	scope    string
}

// oobTransaction is what an opaque oob_code stands for: an enrollment or a challenge of an
// out-of-band factor, waiting for its binding code or (push) its approval.
type oobTransaction struct {
	userID      string
	authID      string
	bindingCode string // empty for push
	expires     time.Time
	push        pushState
	lastPoll    time.Time
	used        bool
}

type pushState int

const (
	pushPending pushState = iota
	pushApproved
	pushRejected
)

// newOpaqueToken mimics the shape of Auth0's Iron-sealed strings ("Fe26.2*…*<expiry ms>*…")
// closely enough that clients cannot rely on a length or alphabet, without being decodable.
func newOpaqueToken(expires time.Time) string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	mac := sha256.Sum256(b)
	return "Fe26.2*EMULATOR*" + base64.RawURLEncoding.EncodeToString(b) + "*" +
		strconv.FormatInt(expires.UnixMilli(), 10) + "*" + hex.EncodeToString(mac[:])
}

// signer holds the tenant's RSA key for MFA-audience access tokens, and the self-signed
// certificate of that key that a real tenant's JWKS publishes beside it (x5c, x5t).
type signer struct {
	key  *rsa.PrivateKey
	kid  string
	cert []byte // DER
}

func newSigner(domain string) (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the tenant signing key: %w", err)
	}
	cert, err := selfSignedCertificate(key, domain)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key.N.Bytes())
	return &signer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:12]), cert: cert}, nil
}

// selfSignedCertificate is the tenant key's certificate as a real tenant's JWKS carries it
// (recorded: a real tenant's jwks.json captured in redpanda-data/redpanda's
// src/v/security/tests/jwt_test.cc, reference "recorded answers" row 10): subject and issuer
// CN = the tenant domain, a CA certificate, valid for years.
func selfSignedCertificate(key *rsa.PrivateKey, domain string) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: domain},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(14, 0, 0),
		BasicConstraintsValid: true, IsCA: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("the tenant key's certificate: %w", err)
	}
	return der, nil
}

// accessClaims are the claims of an access token for the MFA audience.
type accessClaims struct {
	Scope string `json:"scope"`
	Azp   string `json:"azp"`
	jwt.RegisteredClaims
}

// issue signs an access token for a user (the MFA audience, or another of the tenant's APIs).
// No recording shows such a token's claims; these are the registered ones and Auth0's azp.
func (s *signer) issue(issuer, audience, userID, clientID, scope string, now time.Time) (string, error) {
	claims := accessClaims{
		Scope: scope,
		Azp:   clientID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(accessTokenLifetime)),
			ID:        randomString(16, idAlphabet),
		},
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	return tok.SignedString(s.key)
}

// issueManagement signs a Management API token with the claims a real tenant's carries
// (recorded, reference "recorded answers" row 11: the same capture decodes to iss, sub
// "<client_id>@clients", aud as a string, iat, exp, azp, scope and gty "client-credentials",
// and no jti).
func (s *signer) issueManagement(issuer, audience, clientID, scope string, now time.Time, lifetime time.Duration) (string, error) {
	claims := jwt.MapClaims{
		"iss": issuer, "sub": clientID + "@clients", "aud": audience,
		"iat": now.Unix(), "exp": now.Add(lifetime).Unix(),
		"azp": clientID, "scope": scope, "gty": "client-credentials",
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	return tok.SignedString(s.key)
}

// idTokenLifetime is Auth0's default ID token expiration (36000 s, Dashboard > Applications >
// Settings > ID Token Expiration).
const idTokenLifetime = 36000 * time.Second

type idClaims struct {
	Email string `json:"email,omitempty"`
	jwt.RegisteredClaims
}

// issueIDToken signs an OpenID Connect ID token for u, addressed to the client.
func (s *signer) issueIDToken(issuer string, u *user, clientID string, now time.Time) (string, error) {
	claims := idClaims{Email: u.cfg.Email, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: issuer, Subject: u.id, Audience: jwt.ClaimStrings{clientID},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(idTokenLifetime)),
	}}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	return tok.SignedString(s.key)
}

var errTokenExpired = errors.New("access token expired")

// verify checks signature, issuer, audience and expiry against the emulator's clock.
func (s *signer) verify(raw, issuer, audience string, now time.Time) (*accessClaims, error) {
	claims := &accessClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(),
	)
	if errors.Is(err, jwt.ErrTokenExpired) {
		return nil, errTokenExpired
	}
	if err != nil {
		return nil, err
	}
	return claims, nil
}

func (claims *accessClaims) hasScope(want string) bool { return hasScope(claims.Scope, want) }

// jwks is the public half of the signing key as /.well-known/jwks.json serves it, with the
// key's certificate (x5c: standard base64 DER) and its SHA-1 thumbprint (x5t: base64url),
// as the recorded real JWKS has them (row 10).
func (s *signer) jwks() map[string]any {
	pub := s.key.PublicKey
	thumb := sha1.Sum(s.cert) //nolint:gosec // x5t is defined as a SHA-1 thumbprint (RFC 7517 §4.8)
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"x5t": base64.RawURLEncoding.EncodeToString(thumb[:]),
		"x5c": []string{base64.StdEncoding.EncodeToString(s.cert)},
	}}}
}
