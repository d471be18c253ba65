package emulator

import (
	"net/http"
)

// caller is who a /mfa/* bearer token speaks for.
type caller struct {
	user     *user
	mfaToken bool          // an mfa_token rather than an access token
	claims   *accessClaims // set for access tokens
}

// resolveBearer accepts an mfa_token or an MFA-audience access token. unauthorized is the
// endpoint's own 401 body (open questions 5 and 8: the bodies differ per endpoint in the
// sources we have, and none is recorded).
func (s *Server) resolveBearer(r *http.Request, unauthorized *apiError) (*caller, *apiError) {
	tok := bearerToken(r)
	if tok == "" {
		return nil, unauthorized
	}
	now := s.now()
	if rec := s.mfaTokens[tok]; rec != nil {
		if !now.Before(rec.expires) {
			delete(s.mfaTokens, tok)
			return nil, newAPIError(http.StatusUnauthorized, "expired_token", "mfa_token is expired")
		}
		if u := s.users[rec.userID]; u != nil {
			return &caller{user: u, mfaToken: true}, nil
		}
		return nil, unauthorized
	}
	claims, err := s.signer.verify(tok, s.issuer(), s.mfaAudience(), now)
	if err == errTokenExpired {
		return nil, newAPIError(http.StatusUnauthorized, "expired_token", "The access token has expired.")
	}
	if err != nil {
		return nil, unauthorized
	}
	u := s.users[claims.Subject]
	if u == nil {
		return nil, unauthorized
	}
	return &caller{user: u, claims: claims}, nil
}

// requireScope is for access tokens; an mfa_token never carries scopes.
func (c *caller) requireScope(scope string) *apiError {
	if c.mfaToken || !c.claims.hasScope(scope) {
		return newAPIError(http.StatusForbidden, "insufficient_scope",
			"Insufficient scope, expected: "+scope+". Complete MFA and use an access token for https://{domain}/mfa/ with this scope.")
	}
	return nil
}

var (
	associateUnauthorized = newAPIError(http.StatusUnauthorized, "invalid_grant",
		"The mfa_token provided is invalid. Try getting a new token.")
	authenticatorsUnauthorized = newAPIError(http.StatusUnauthorized, "access_denied", "Invalid MFA token")
)
