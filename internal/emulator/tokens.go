package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
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

// signer holds the tenant's RSA key for MFA-audience access tokens.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner() (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the tenant signing key: %w", err)
	}
	sum := sha256.Sum256(key.N.Bytes())
	return &signer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:12])}, nil
}

// accessClaims are the claims of an access token for the MFA audience.
type accessClaims struct {
	Scope string `json:"scope"`
	Azp   string `json:"azp"`
	jwt.RegisteredClaims
}

func (s *signer) issue(issuer, audience, userID, clientID, scope string, now time.Time) (string, error) {
	return s.issueFor(issuer, audience, userID, clientID, scope, now, accessTokenLifetime)
}

// issueFor is issue with a lifetime of the caller's (Management API tokens live 24 h).
func (s *signer) issueFor(issuer, audience, subject, clientID, scope string, now time.Time, lifetime time.Duration) (string, error) {
	claims := accessClaims{
		Scope: scope,
		Azp:   clientID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   subject,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(lifetime)),
			ID:        randomString(16, idAlphabet),
		},
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

// jwks is the public half of the signing key as /.well-known/jwks.json serves it.
func (s *signer) jwks() map[string]any {
	pub := s.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}
