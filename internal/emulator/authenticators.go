package emulator

import (
	"net/http"
)

// listedAuthenticator is one entry of GET /mfa/authenticators (GO-REC TestMFAListAuthenticators).
type listedAuthenticator struct {
	ID                string `json:"id"`
	AuthenticatorType string `json:"authenticator_type"`
	Active            bool   `json:"active"`
	OOBChannel        string `json:"oob_channel,omitempty"`
	Name              string `json:"name,omitempty"`
}

// listing is the user's authenticators in enrollment order with the verified emails last, as
// a real tenant lists them (recorded, row 8: go-auth0 TestMFAListAuthenticators.yaml lists
// sms, recovery-code, push, totp, totp, email).
func listing(u *user) []listedAuthenticator {
	out := make([]listedAuthenticator, 0, len(u.authenticators))
	for _, derivedPass := range []bool{false, true} {
		for _, a := range u.authenticators {
			if a.derived != derivedPass {
				continue
			}
			out = append(out, listedAuthenticator{
				ID: a.id, AuthenticatorType: a.authenticatorType(), Active: a.active,
				OOBChannel: a.oobChannel(), Name: a.name(),
			})
		}
	}
	return out
}

// handleList accepts the mfa_token or an access token with read:authenticators.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.resolveBearer(r, authenticatorsUnauthorized)
	if aerr == nil && !c.mfaToken {
		aerr = c.requireScope("read:authenticators")
	}
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, listing(c.user))
}

// handleDelete needs an access token with remove:authenticators (an mfa_token is not enough,
// reference §5), deletes the companion too, and answers 204 with no body.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.resolveBearer(r, authenticatorsUnauthorized)
	if aerr == nil {
		aerr = c.requireScope("remove:authenticators")
	}
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	u := c.user
	a := u.find(r.PathValue("id"))
	if a == nil {
		// Open question 8: the 404 body is not recorded; Auth0's shape with a plain text.
		writeError(w, http.StatusNotFound, "not_found", "Authenticator not found.")
		return
	}
	if a.derived {
		writeError(w, http.StatusForbidden, "access_denied",
			"Email authenticators derived from verified emails cannot be deleted.")
		return
	}
	s.removeFactor(u, a)
	// Recorded (row 12: go-auth0 TestMFADeleteAuthenticator.yaml): 204 with this Content-Type.
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}

// forgetTransactions drops oob transactions of authenticators that no longer exist.
func (s *Server) forgetTransactions(u *user) {
	for code, t := range s.oobTxns {
		if t.userID == u.id && u.find(t.authID) == nil {
			delete(s.oobTxns, code)
		}
	}
}

// handleDiscovery serves the OpenID configuration a tenant publishes, limited to what the
// emulator implements.
func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	iss := s.issuer()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"token_endpoint":                        iss + "oauth/token",
		"jwks_uri":                              iss + ".well-known/jwks.json",
		"mfa_challenge_endpoint":                iss + "mfa/challenge",
		"grant_types_supported":                 AllGrantTypes,
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "RS384", "PS256"},
		"id_token_signing_alg_values_supported":            []string{"RS256"},
		"scopes_supported":                                 []string{"openid", "profile", "email", "enroll", "read:authenticators", "remove:authenticators"},
		// Recorded (row 9: a real tenant's document in redpanda-data/redpanda's jwt_test.cc);
		// both are REQUIRED by OpenID Connect Discovery 1.0 §3.
		"response_types_supported": []string{"code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"},
		"subject_types_supported":  []string{"public"},
	})
}

func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.signer.jwks())
}
