package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The Management API as far as this project needs it: a client-credentials token for the
// tenant's Management API audience, POST /api/v2/users/{id}/recovery-code-regeneration,
// DELETE /api/v2/users/{id}/authenticators and DELETE /api/v2/user-blocks/{id} (reference §9).
// Its errors have the Management shape of reference §10.

// ScopeUpdateUsers is the scope the emulator asks of a recovery-code regeneration. Open
// question 15 of the reference: the exact scope is not recorded; update:users is the scope of
// the other user-changing endpoints, so it is the defensible choice.
const ScopeUpdateUsers = "update:users"

// ScopeReadUsers is the scope of GET /api/v2/users-by-email (DREF).
const ScopeReadUsers = "read:users"

// ScopeDeleteGuardianEnrollments is the scope the emulator asks of DELETE
// /api/v2/users/{id}/authenticators. Not recorded in the reference (open question 15): it is
// the scope Auth0's Management API explorer lists for deleting a user's MFA enrollments (the
// Guardian enrollment endpoints of the PHP SDK name it for DELETE
// /api/v2/guardian/enrollments/{id}), and "delete all authenticators" removes exactly those.
// DELETE /api/v2/user-blocks/{id} asks update:users, as Auth0's "Unblock a user" docs do.
const ScopeDeleteGuardianEnrollments = "delete:guardian_enrollments"

// managementTokenLifetime is Auth0's default for machine-to-machine tokens (24 h).
const managementTokenLifetime = 24 * time.Hour

func (s *Server) managementAudience() string { return "https://" + s.cfg.Domain + "/api/v2/" }

// clientCredentialsGrant issues a Management API token to a client with a client grant for
// it (ClientConfig.ManagementScopes). The texts of the refusals are Auth0's as users report
// them; the reference records none, so they are not asserted by clients.
func (s *Server) clientCredentialsGrant(cl *client, p params) (*tokenResponse, *apiError) {
	audience := p.get("audience")
	switch {
	case audience == "":
		return nil, newAPIError(http.StatusForbidden, "access_denied",
			"No audience parameter was provided, and no default audience has been configured")
	case audience != s.managementAudience():
		return nil, newAPIError(http.StatusForbidden, "access_denied", "Service not found: "+audience)
	case len(cl.cfg.ManagementScopes) == 0:
		return nil, newAPIError(http.StatusForbidden, "access_denied", fmt.Sprintf(
			"Client is not authorized to access %q. You need to create a \"client-grant\" associated to this API.", audience))
	}
	granted := map[string]bool{}
	for _, sc := range cl.cfg.ManagementScopes {
		granted[sc] = true
	}
	scope := strings.Join(cl.cfg.ManagementScopes, " ")
	if asked := p.get("scope"); asked != "" {
		scope = filterScopes(asked, granted)
	}
	now := s.now()
	tok, err := s.signer.issueManagement(s.issuer(), audience, cl.cfg.ClientID, scope, now, managementTokenLifetime)
	if err != nil {
		return nil, newAPIError(http.StatusInternalServerError, "server_error", "Could not sign the access token.")
	}
	return &tokenResponse{AccessToken: s.secret(tok), ExpiresIn: int(managementTokenLifetime / time.Second),
		Scope: scope, TokenType: "Bearer"}, nil
}

// managementError is the Management API's error body: {statusCode, error, message, errorCode}.
// writeManagementNoContent answers a Management API delete: 204 with an empty body and the
// Content-Type the recordings show (row 12: go-auth0 v1.9.0 TestUserManager_Unblock.yaml and
// ruby-auth0's delete cassettes, "application/json; charset=utf-8").
func writeManagementNoContent(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusNoContent)
}

func writeManagementError(w http.ResponseWriter, status int, message, errorCode string) {
	body := map[string]any{"statusCode": status, "error": http.StatusText(status), "message": message}
	if errorCode != "" {
		body["errorCode"] = errorCode
	}
	writeJSON(w, status, body)
}

// handleRecoveryCodeRegeneration replaces the user's recovery code: the old one stops
// working at once and the new one is returned, as GO-V1-REC recorded:
// 200 {"recovery_code":"32YCGV1JUE9G7MDJ71UTN12W"}.
func (s *Server) handleRecoveryCodeRegeneration(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.managementUser(w, r, ScopeUpdateUsers)
	if u == nil {
		return
	}
	// Recorded (row 1: go-auth0 v1.9.0 TestUserManager_RegenerateRecoveryCode.yaml): a user
	// created a moment before, with no factor, gets 200 and a code too. What that code does
	// for the user is not recorded: the emulator keeps it as the user's code, which passes
	// MFA once the user has a factor, and a first enrollment still issues its own (it has no
	// recovery-code authenticator to keep). With recovery codes disabled (not recorded either)
	// it still refuses.
	if !s.cfg.Factors.RecoveryCode {
		writeManagementError(w, http.StatusBadRequest, "Recovery codes are not enabled for this tenant.", "invalid_request")
		return
	}
	u.recoveryCode = s.secret(newRecoveryCode())
	if u.hasEnrolledFactor() && u.activeRecoveryCode() == nil {
		// A user whose factors came through the Management API had no recovery code: the new
		// one passes MFA like one issued with a first factor.
		u.authenticators = append(u.authenticators, &authenticator{id: newAuthenticatorID(kindRecovery), kind: kindRecovery, active: true, created: s.now()})
	}
	writeJSON(w, http.StatusOK, map[string]string{"recovery_code": u.recoveryCode})
}

// handleDeleteAllAuthenticators removes every MFA factor of the user, pending or confirmed,
// and the recovery code that came with them: "Remove all authenticators registered to a given
// user ID, such as OTP, email, phone, and push-notification" (DOCS-V2
// api/management/v2/users/delete-authenticators). Verified emails stay listed: they belong to
// the user's profile, not to an enrollment (reference §5). 204 with no body, as the other
// Management deletes recorded in GO-V1-REC; a user with no factor is no error.
func (s *Server) handleDeleteAllAuthenticators(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.managementUser(w, r, ScopeDeleteGuardianEnrollments)
	if u == nil {
		return
	}
	s.removeAllMethods(u)
	u.otpFailures = attemptBucket{}
	writeManagementNoContent(w)
}

// handleDeleteUserBlocks lifts the brute-force blocks of a user ("Unblock a user", DOCS-V2
// api/management/v2/user-blocks/delete-user-blocks-by-id): 204, also when nothing was blocked.
func (s *Server) handleDeleteUserBlocks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.managementUser(w, r, ScopeUpdateUsers)
	if u == nil {
		return
	}
	u.unblock()
	writeManagementNoContent(w)
}

// managementUser checks a Management API request's bearer for scope and returns the user its
// {id} names, or writes the Management API's error and returns nil. The caller holds s.mu.
func (s *Server) managementUser(w http.ResponseWriter, r *http.Request, scope string) *user {
	if !s.managementAuthorized(w, r, scope) {
		return nil
	}
	u := s.users[r.PathValue("id")]
	if u == nil {
		// TF-REC, real: the body for a user id that does not exist.
		writeManagementError(w, http.StatusNotFound, "The user does not exist.", "inexistent_user")
		return nil
	}
	return u
}

// managementAuthorized checks a Management API request's bearer for scope, or writes the
// Management API's error.
func (s *Server) managementAuthorized(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok := bearerToken(r)
	if tok == "" {
		writeManagementError(w, http.StatusUnauthorized, "Missing authentication", "")
		return false
	}
	claims, err := s.signer.verify(tok, s.issuer(), s.managementAudience(), s.now())
	switch {
	case err == errTokenExpired:
		writeManagementError(w, http.StatusUnauthorized, "Expired token received for JSON Web Token validation", "")
		return false
	case err != nil:
		writeManagementError(w, http.StatusUnauthorized, "Invalid token", "")
		return false
	case !claims.hasScope(scope):
		writeManagementError(w, http.StatusForbidden, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
		return false
	}
	return true
}

// userView is a user as GET /api/v2/users-by-email lists it, limited to what the provider reads.
type userView struct {
	UserID     string         `json:"user_id"`
	Email      string         `json:"email"`
	Identities []identityView `json:"identities"`
}

type identityView struct {
	Connection string `json:"connection"`
	Provider   string `json:"provider"`
	UserID     string `json:"user_id"`
}

// handleUsersByEmail lists the users with an email, case-insensitively (DREF users-by-email):
// a bare array, empty when there is none.
func (s *Server) handleUsersByEmail(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.managementAuthorized(w, r, ScopeReadUsers) {
		return
	}
	email := r.URL.Query().Get("email")
	if email == "" {
		writeManagementError(w, http.StatusBadRequest, "Query validation error: 'Missing required property: email'.", "invalid_query_string")
		return
	}
	out := []userView{}
	for _, id := range s.userOrder {
		u := s.users[id]
		if u.cfg.Email != "" && strings.EqualFold(u.cfg.Email, email) {
			provider, local, _ := strings.Cut(u.id, "|")
			out = append(out, userView{UserID: u.id, Email: u.cfg.Email,
				Identities: []identityView{{Connection: u.cfg.Connection, Provider: provider, UserID: local}}})
		}
	}
	writeJSON(w, http.StatusOK, out)
}
