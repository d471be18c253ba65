// Package mgmtapi is the Auth0 Management API as far as the provider uses it: recovery codes,
// resets and unblocks of users, and the users' authentication methods. It sends its calls
// through the MFA API client's transport (internal/mfaapi: retries, rate limits, the process's
// one client-credentials token), so the two APIs share one, each found in its own package.
package mgmtapi

import (
	"context"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// Client makes Management API calls with an MFA API client's transport and credentials.
type Client struct{ api *mfaapi.Client }

// New is the Management API client that shares api's transport.
func New(api *mfaapi.Client) *Client { return &Client{api: api} }

// Configured reports whether the provider has a management application.
func (c *Client) Configured() bool { return c.api.HasManagementClient() }

func (c *Client) do(ctx context.Context, mc mfaapi.ManagementCall, out any) error {
	return c.api.ManagementDo(ctx, mc, out)
}
