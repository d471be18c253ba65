package mfaapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const grantClientCredentials = "client_credentials"

// ErrNoManagementClient means a Management API call was asked of a client configured without
// management credentials.
var ErrNoManagementClient = errors.New("no Management API application is configured: set management_client_id and " +
	"management_client_secret or management_client_assertion_private_key (or AUTH0MFA_MANAGEMENT_CLIENT_ID and " +
	"AUTH0MFA_MANAGEMENT_CLIENT_SECRET or AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_PRIVATE_KEY) to an " +
	"application with a client grant for the Management API that includes the scopes of what uses it " +
	"(update:users for recovery codes, delete:guardian_enrollments for auth0mfa_reset_authenticators, " +
	"the *:authentication_methods scopes for auth0mfa_authentication_method)")

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
	return c.cfg.ManagementClientID != "" && (c.cfg.ManagementClientSecret != "" || c.cfg.ManagementPrivateKey != nil)
}

// managementClientAuth is the client_credentials form of the management application.
func (c *Client) managementClientAuth() (url.Values, error) {
	form := url.Values{"grant_type": {grantClientCredentials}, "audience": {c.ManagementAudience()}}
	cred := ClientCredential{ClientID: c.cfg.ManagementClientID, Secret: c.cfg.ManagementClientSecret,
		Key: c.cfg.ManagementPrivateKey, Alg: c.mgmtSignAlg}
	if err := cred.AddTo(form, c.cfg.Domain, c.now()); err != nil {
		return nil, err
	}
	return form, nil
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
		body: func() (any, error) { return c.managementClientAuth() },
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

// ManagementCall is one Management API request: the calls themselves live in internal/mgmtapi,
// which sends them through this client's transport (retries, rate limits, the process's one
// client-credentials token) instead of a copy of it.
type ManagementCall struct {
	Method, Path, Endpoint string // Path already escaped; Endpoint names the call in errors
	// Safe marks calls that may be repeated after an ambiguous failure (reads, deletes, updates
	// that set values); a create is not.
	Safe bool
	Body any // sent as JSON when not nil
}

// ManagementDo runs a Management API call with the process's token and decodes a 2xx JSON answer
// into out (when out is not nil).
func (c *Client) ManagementDo(ctx context.Context, mc ManagementCall, out any) error {
	bearer, err := c.managementBearer(ctx)
	if err != nil {
		return err
	}
	cl := call{method: mc.Method, path: mc.Path, endpoint: mc.Endpoint, bearer: bearer, safe: mc.Safe}
	if mc.Body != nil {
		cl.body = func() (any, error) { return mc.Body, nil }
	}
	return c.do(ctx, cl, out)
}
