package mfaapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Endpoint names of the Management API calls.
const (
	endpointRecoveryCodeRegeneration = "POST /api/v2/users/{id}/recovery-code-regeneration"
	endpointDeleteAllAuthenticators  = "DELETE /api/v2/users/{id}/authenticators"
	endpointDeleteUserBlocks         = "DELETE /api/v2/user-blocks/{id}"
	grantClientCredentials           = "client_credentials"
)

// The Management API scopes the calls need (see the emulator's management.go for the sources).
const (
	ScopeUpdateUsers               = "update:users"                // recovery-code regeneration, unblocking
	ScopeDeleteGuardianEnrollments = "delete:guardian_enrollments" // deleting all of a user's authenticators
)

// ErrNoManagementClient means a Management API call was asked of a client configured without
// management credentials.
var ErrNoManagementClient = errors.New("no Management API application is configured: set management_client_id and " +
	"management_client_secret (or AUTH0MFA_MANAGEMENT_CLIENT_ID and AUTH0MFA_MANAGEMENT_CLIENT_SECRET) to an " +
	"application with a client grant for the Management API that includes the update:users scope (and " +
	"delete:guardian_enrollments for auth0mfa_reset_authenticators)")

// managementToken is the process's cached client-credentials token; one token serves every
// user, and it is fetched once per lifetime (24 h at Auth0) however many resources need it.
type managementToken struct {
	mu      sync.Mutex
	token   string
	expires time.Time
}

// ManagementAudience is the tenant's Management API identifier.
func (c *Client) ManagementAudience() string { return "https://" + c.cfg.Domain + "/api/v2/" }

// HasManagementClient reports whether management credentials are configured.
func (c *Client) HasManagementClient() bool {
	return c.cfg.ManagementClientID != "" && c.cfg.ManagementClientSecret != ""
}

func (c *Client) managementBearer(ctx context.Context) (string, error) {
	if !c.HasManagementClient() {
		return "", ErrNoManagementClient
	}
	m := &c.management
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token != "" && c.now().Before(m.expires.Add(-tokenMargin)) {
		return m.token, nil
	}
	var out Tokens
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/oauth/token", endpoint: endpointToken, safe: true,
		body: func() (any, error) {
			return url.Values{
				"grant_type": {grantClientCredentials}, "audience": {c.ManagementAudience()},
				"client_id": {c.cfg.ManagementClientID}, "client_secret": {c.cfg.ManagementClientSecret},
			}, nil
		},
	}, &out)
	if err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", &Error{Endpoint: endpointToken, Code: "invalid_response", Description: "the client_credentials answer had no access_token"}
	}
	m.token, m.expires = out.AccessToken, c.now().Add(time.Duration(out.ExpiresIn)*time.Second)
	return m.token, nil
}

// RegenerateRecoveryCode replaces the user's recovery code through the Management API and
// returns the new one; the old code stops working (reference §9). userID is Auth0's user id
// ("auth0|…"). The call changes the tenant, so an ambiguous failure is not repeated: a second
// call would replace the code the first one may already have issued.
func (c *Client) RegenerateRecoveryCode(ctx context.Context, userID string) (string, error) {
	bearer, err := c.managementBearer(ctx)
	if err != nil {
		return "", err
	}
	var out struct {
		RecoveryCode string `json:"recovery_code"`
	}
	err = c.do(ctx, call{
		method: http.MethodPost, path: "/api/v2/users/" + url.PathEscape(userID) + "/recovery-code-regeneration",
		endpoint: endpointRecoveryCodeRegeneration, bearer: bearer,
	}, &out)
	if err != nil {
		return "", err
	}
	if out.RecoveryCode == "" {
		return "", &Error{Endpoint: endpointRecoveryCodeRegeneration, Code: "invalid_response", Description: "the answer had no recovery_code"}
	}
	return out.RecoveryCode, nil
}

// DeleteAllAuthenticators removes every MFA factor of the user, and with them the recovery
// code, through the Management API (scope delete:guardian_enrollments). Repeating it is
// harmless, so an ambiguous failure is retried.
func (c *Client) DeleteAllAuthenticators(ctx context.Context, userID string) error {
	return c.managementDelete(ctx, "/api/v2/users/"+url.PathEscape(userID)+"/authenticators", endpointDeleteAllAuthenticators)
}

// UnblockUser lifts the user's brute-force blocks (scope update:users), as "Unblock for all
// IPs" in the Dashboard does.
func (c *Client) UnblockUser(ctx context.Context, userID string) error {
	return c.managementDelete(ctx, "/api/v2/user-blocks/"+url.PathEscape(userID), endpointDeleteUserBlocks)
}

func (c *Client) managementDelete(ctx context.Context, path, endpoint string) error {
	bearer, err := c.managementBearer(ctx)
	if err != nil {
		return err
	}
	return c.do(ctx, call{method: http.MethodDelete, path: path, endpoint: endpoint, bearer: bearer, safe: true}, nil)
}
