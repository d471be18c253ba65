package mfaapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// When a user has factors nothing given can pass MFA with (typically those of a run killed on
// another runner), the error names them; with a management application it also says when
// Auth0 created each one, which tells a killed run's factors (created minutes ago) from a
// person's. Any failure here only leaves the times out.

const endpointUsersByEmail = "GET /api/v2/users-by-email"

// ScopeReadUsers lets the management application find a user by email.
const ScopeReadUsers = "read:users"

// userIDOf finds the Auth0 user id of an email login (in realm, when given): "" when the
// Management API cannot tell it unambiguously.
func (c *Client) userIDOf(ctx context.Context, email, realm string) string {
	if !strings.Contains(email, "@") {
		return ""
	}
	var users []struct {
		UserID     string `json:"user_id"`
		Identities []struct {
			Connection string `json:"connection"`
		} `json:"identities"`
	}
	err := c.managementCall(ctx, call{method: http.MethodGet, path: "/api/v2/users-by-email?email=" + url.QueryEscape(email),
		endpoint: endpointUsersByEmail, safe: true}, &users)
	if err != nil {
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

// factorTimes maps the ids of the user's factors to when Auth0 created them, through the
// Management API; nil without a management application or when anything fails. A phone method
// (phone|dev_X) stands for its sms|dev_X and voice|dev_X factors.
func (s *Session) factorTimes(ctx context.Context) map[string]string {
	if !s.c.HasManagementClient() {
		return nil
	}
	userID := s.c.userIDOf(ctx, s.login.Username, s.login.Realm)
	if userID == "" {
		return nil
	}
	methods, err := s.c.ListAuthenticationMethods(ctx, userID)
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
