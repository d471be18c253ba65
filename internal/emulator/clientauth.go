package emulator

import (
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Limits on client assertions (DOCS-V2 authenticate-with-private-key-jwt).
const (
	assertionMaxBytes    = 2048
	assertionMaxLifetime = 5 * time.Minute
	assertionClockSkew   = 10 * time.Second
	assertionMaxClaimLen = 64
)

type client struct {
	cfg       ClientConfig
	publicKey *rsa.PublicKey
	grants    map[string]bool
}

func newClient(c ClientConfig) (*client, error) {
	cl := &client{cfg: c, grants: map[string]bool{}}
	for _, g := range c.GrantTypes {
		cl.grants[g] = true
	}
	if c.PublicKeyPEM != "" {
		k, err := parseRSAPublicKey(c.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("client %q: %w", c.ClientID, err)
		}
		cl.publicKey = k
	}
	return cl, nil
}

func parseRSAPublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("public_key_pem is not PEM")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("public_key_pem must hold an RSA key")
	}
	if cert, err := x509.ParseCertificate(block.Bytes); err == nil {
		if rk, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			return rk, nil
		}
	}
	if rk, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return rk, nil
	}
	return nil, errors.New("public_key_pem holds no RSA public key")
}

func invalidClient(desc string) *apiError {
	return newAPIError(http.StatusUnauthorized, "invalid_client", desc)
}

// authenticateClient accepts client_secret_post, client_secret_basic or private_key_jwt, the
// methods the tenant's discovery document lists. The caller holds s.mu (jti bookkeeping).
func (s *Server) authenticateClient(r *http.Request, p params) (*client, *apiError) {
	if id, secret, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: the id and secret are form-encoded before base64.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		return s.checkSecret(id, secret)
	}
	if assertion := p.get("client_assertion"); assertion != "" {
		if p.get("client_assertion_type") != clientAssertionType {
			return nil, invalidClient("client_assertion_type must be " + clientAssertionType + ".")
		}
		return s.checkAssertion(assertion, p.get("client_id"))
	}
	id := p.get("client_id")
	if id == "" {
		return nil, missingParam("client_id")
	}
	return s.checkSecret(id, p.get("client_secret"))
}

func (s *Server) checkSecret(id, secret string) (*client, *apiError) {
	cl := s.clients[id]
	if cl == nil {
		return nil, invalidClient("Unknown client.")
	}
	if secret == "" {
		return nil, invalidClient("Client authentication is required: send client_secret or client_assertion.")
	}
	if cl.cfg.ClientSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(cl.cfg.ClientSecret)) != 1 {
		// Real tenants (row 3: auth0/node-auth0 #582, auth0/laravel-auth0 #42,
		// auth0-samples/auth0-angular-samples #201) answer a wrong secret with this, not the
		// invalid_client the Authentication API's OpenAPI example shows. The other client
		// authentication failures (unknown client, no secret, a bad assertion) are not
		// recorded and keep invalid_client.
		return nil, newAPIError(http.StatusUnauthorized, "access_denied", "Unauthorized")
	}
	return cl, nil
}

// checkAssertion verifies a private key JWT as Auth0 documents it: signed by the client's
// registered key with RS256, RS384 or PS256; iss = sub = client_id; aud = https://{domain}/;
// exp at most 5 minutes ahead; iat/nbf with 10 s skew; jti unique.
func (s *Server) checkAssertion(raw, clientIDParam string) (*client, *apiError) {
	s.secret(raw) // an assertion is a bearer credential until it expires
	if len(raw) > assertionMaxBytes {
		return nil, invalidClient("client_assertion is longer than 2048 bytes.")
	}
	now := s.now()
	claims := &jwt.RegisteredClaims{}
	var cl *client
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		c, _ := t.Claims.(*jwt.RegisteredClaims)
		if c == nil || c.Issuer == "" {
			return nil, errors.New("missing iss")
		}
		cl = s.clients[c.Issuer]
		if cl == nil || cl.publicKey == nil {
			return nil, errors.New("unknown client")
		}
		return cl.publicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256", "RS384", "PS256"}),
		jwt.WithAudience(s.issuer()),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(assertionClockSkew),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return nil, invalidClient("Invalid client_assertion: " + assertionReason(err))
	}
	if claims.Subject != claims.Issuer {
		return nil, invalidClient("Invalid client_assertion: sub must equal iss (the client_id).")
	}
	if clientIDParam != "" && clientIDParam != claims.Issuer {
		return nil, invalidClient("Invalid client_assertion: client_id does not match iss.")
	}
	if claims.ID == "" || len(claims.ID) > assertionMaxClaimLen || len(claims.Issuer) > assertionMaxClaimLen {
		return nil, invalidClient("Invalid client_assertion: jti is required and iss, sub and jti are limited to 64 characters.")
	}
	start := now
	if claims.IssuedAt != nil {
		start = claims.IssuedAt.Time
	}
	if claims.ExpiresAt.Sub(start) > assertionMaxLifetime {
		return nil, invalidClient("Invalid client_assertion: its lifetime exceeds 5 minutes.")
	}
	s.forgetExpiredJTIs(now)
	key := claims.Issuer + "\x00" + claims.ID
	if _, seen := s.usedJTIs[key]; seen {
		return nil, invalidClient("Invalid client_assertion: jti has already been used.")
	}
	s.usedJTIs[key] = claims.ExpiresAt.Add(assertionClockSkew)
	return cl, nil
}

func assertionReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the assertion has expired."
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "aud must be " + "the tenant URL with a trailing slash."
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "the signature does not match the client's registered key."
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the assertion is not valid yet."
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "exp is required."
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "the assertion is not a JWT."
	default:
		return "it could not be verified for a registered client."
	}
}

func (s *Server) forgetExpiredJTIs(now time.Time) {
	for k, exp := range s.usedJTIs {
		if now.After(exp) {
			delete(s.usedJTIs, k)
		}
	}
}
