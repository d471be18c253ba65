package mgmtapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// Endpoint names of the user calls.
const (
	endpointRecoveryCodeRegeneration = "POST /api/v2/users/{id}/recovery-code-regeneration"
	endpointDeleteAllAuthenticators  = "DELETE /api/v2/users/{id}/authenticators"
	endpointDeleteUserBlocks         = "DELETE /api/v2/user-blocks/{id}"
	endpointUsersByEmail             = "GET /api/v2/users-by-email"
)

// The scopes these calls need (see the emulator's management.go for the sources).
const (
	ScopeUpdateUsers               = "update:users"                // recovery-code regeneration, unblocking
	ScopeDeleteGuardianEnrollments = "delete:guardian_enrollments" // deleting all of a user's authenticators
	ScopeReadUsers                 = "read:users"                  // finding a user by email
)

func userPath(userID, rest string) string { return "/api/v2/users/" + url.PathEscape(userID) + rest }

// RegenerateRecoveryCode replaces the user's recovery code and returns the new one; the old
// code stops working (reference §9). userID is Auth0's user id ("auth0|…"). The call changes
// the tenant, so an ambiguous failure is not repeated: a second call would replace the code
// the first one may already have issued.
func (c *Client) RegenerateRecoveryCode(ctx context.Context, userID string) (string, error) {
	var out struct {
		RecoveryCode string `json:"recovery_code"`
	}
	if err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodPost, Path: userPath(userID, "/recovery-code-regeneration"),
		Endpoint: endpointRecoveryCodeRegeneration}, &out); err != nil {
		return "", err
	}
	if out.RecoveryCode == "" {
		return "", &mfaapi.Error{Endpoint: endpointRecoveryCodeRegeneration, Code: "invalid_response", Description: "the answer had no recovery_code"}
	}
	return out.RecoveryCode, nil
}

// DeleteAllAuthenticators removes every MFA factor of the user, and with them the recovery
// code (scope delete:guardian_enrollments). Repeating it is harmless, so an ambiguous failure
// is retried.
func (c *Client) DeleteAllAuthenticators(ctx context.Context, userID string) error {
	return c.do(ctx, mfaapi.ManagementCall{Method: http.MethodDelete, Path: userPath(userID, "/authenticators"),
		Endpoint: endpointDeleteAllAuthenticators, Safe: true}, nil)
}

// UnblockUser lifts the user's brute-force blocks (scope update:users), as "Unblock for all
// IPs" in the Dashboard does.
func (c *Client) UnblockUser(ctx context.Context, userID string) error {
	return c.do(ctx, mfaapi.ManagementCall{Method: http.MethodDelete, Path: "/api/v2/user-blocks/" + url.PathEscape(userID),
		Endpoint: endpointDeleteUserBlocks, Safe: true}, nil)
}

// UserIDByEmail finds the Auth0 user id of an email login (in realm, when given): "" when the
// Management API cannot tell it unambiguously (no such user, several, or a failure).
func (c *Client) UserIDByEmail(ctx context.Context, email, realm string) string {
	if !strings.Contains(email, "@") {
		return ""
	}
	var users []struct {
		UserID     string `json:"user_id"`
		Identities []struct {
			Connection string `json:"connection"`
		} `json:"identities"`
	}
	if err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodGet, Path: "/api/v2/users-by-email?email=" + url.QueryEscape(email),
		Endpoint: endpointUsersByEmail, Safe: true}, &users); err != nil {
		return ""
	}
	var match []string
	for _, u := range users {
		for _, id := range u.Identities {
			if realm == "" || strings.EqualFold(id.Connection, realm) {
				match = append(match, u.UserID)
				break
			}
		}
	}
	if len(match) != 1 {
		return ""
	}
	return match[0]
}

// FactorTimes maps the ids of a user's factors to when Auth0 created them (mfaapi.Config's
// FactorTimes): nil without a management application or when anything fails. A phone method
// (phone|dev_X) stands for its sms|dev_X and voice|dev_X factors. It tells a killed run's
// factors (created minutes ago) from a person's in the error that lists them.
func (c *Client) FactorTimes(ctx context.Context, username, realm string) map[string]string {
	if !c.Configured() {
		return nil
	}
	userID := c.UserIDByEmail(ctx, username, realm)
	if userID == "" {
		return nil
	}
	methods, err := c.ListAuthenticationMethods(ctx, userID)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, m := range methods {
		kind, suffix, _ := strings.Cut(m.ID, "|")
		out[m.ID] = m.CreatedAt
		if kind == "phone" {
			out["sms|"+suffix], out["voice|"+suffix] = m.CreatedAt, m.CreatedAt
		}
	}
	return out
}
