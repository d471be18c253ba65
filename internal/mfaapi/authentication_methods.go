package mfaapi

import (
	"context"
	"net/http"
	"net/url"
)

// The Management API's authentication methods of a user (reference auth0-management-route.md
// §1): factors an administrator creates, confirmed at once, with a TOTP secret of the caller's
// choosing, for users the provider cannot log in as. One client-credentials token per process
// (managementBearer) serves every call.

// Scopes of the authentication-methods endpoints (reference §2).
const (
	ScopeReadAuthenticationMethods   = "read:authentication_methods"
	ScopeCreateAuthenticationMethods = "create:authentication_methods"
	ScopeUpdateAuthenticationMethods = "update:authentication_methods"
	ScopeDeleteAuthenticationMethods = "delete:authentication_methods"
)

const (
	endpointCreateMethod = "POST /api/v2/users/{id}/authentication-methods"
	endpointListMethods  = "GET /api/v2/users/{id}/authentication-methods"
	endpointGetMethod    = "GET /api/v2/users/{id}/authentication-methods/{method_id}"
	endpointPatchMethod  = "PATCH /api/v2/users/{id}/authentication-methods/{method_id}"
	endpointDeleteMethod = "DELETE /api/v2/users/{id}/authentication-methods/{method_id}"
)

// AuthenticationMethod is a method as the Management API answers it. Emails and phone numbers
// come back masked ("chuc****@exam*******", "XXXXXXXXXXX5044"), so they are never compared
// with configured values; the TOTP secret is never returned.
type AuthenticationMethod struct {
	ID                            string `json:"id"`
	Type                          string `json:"type"`
	Confirmed                     bool   `json:"confirmed"`
	Name                          string `json:"name"`
	CreatedAt                     string `json:"created_at"`
	Email                         string `json:"email"`
	PhoneNumber                   string `json:"phone_number"`
	PreferredAuthenticationMethod string `json:"preferred_authentication_method"`
}

// NewAuthenticationMethod is what a create sends; empty fields are left out.
type NewAuthenticationMethod struct {
	Type                          string `json:"type"`
	Name                          string `json:"name,omitempty"`
	TOTPSecret                    string `json:"totp_secret,omitempty"`
	PhoneNumber                   string `json:"phone_number,omitempty"`
	Email                         string `json:"email,omitempty"`
	PreferredAuthenticationMethod string `json:"preferred_authentication_method,omitempty"`
}

// MethodPatch is what a PATCH may change: the name and a phone's preferred method.
type MethodPatch struct {
	Name                          *string `json:"name,omitempty"`
	PreferredAuthenticationMethod string  `json:"preferred_authentication_method,omitempty"`
}

func methodsPath(userID string, methodID ...string) string {
	p := "/api/v2/users/" + url.PathEscape(userID) + "/authentication-methods"
	if len(methodID) > 0 {
		p += "/" + url.PathEscape(methodID[0])
	}
	return p
}

// managementCall runs one Management API call with the process's token.
func (c *Client) managementCall(ctx context.Context, cl call, out any) error {
	bearer, err := c.managementBearer(ctx)
	if err != nil {
		return err
	}
	cl.bearer = bearer
	return c.do(ctx, cl, out)
}

// CreateAuthenticationMethod creates a confirmed method for the user. It creates something, so
// an answer that may hide a success is not repeated (IsAmbiguous tells the caller).
func (c *Client) CreateAuthenticationMethod(ctx context.Context, userID string, m NewAuthenticationMethod) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.managementCall(ctx, call{method: http.MethodPost, path: methodsPath(userID), endpoint: endpointCreateMethod,
		body: func() (any, error) { return m, nil }}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAuthenticationMethod reads one method; a method or user that does not exist is IsNotFound.
func (c *Client) GetAuthenticationMethod(ctx context.Context, userID, methodID string) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.managementCall(ctx, call{method: http.MethodGet, path: methodsPath(userID, methodID), endpoint: endpointGetMethod, safe: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAuthenticationMethods lists the user's methods (the first 100: a test user has a few).
func (c *Client) ListAuthenticationMethods(ctx context.Context, userID string) ([]AuthenticationMethod, error) {
	var out []AuthenticationMethod
	err := c.managementCall(ctx, call{method: http.MethodGet, path: methodsPath(userID) + "?per_page=100", endpoint: endpointListMethods, safe: true}, &out)
	return out, err
}

// UpdateAuthenticationMethod changes a method's name or preferred phone method. Setting the same
// values twice gives the same result, so an ambiguous failure is retried.
func (c *Client) UpdateAuthenticationMethod(ctx context.Context, userID, methodID string, p MethodPatch) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.managementCall(ctx, call{method: http.MethodPatch, path: methodsPath(userID, methodID), endpoint: endpointPatchMethod,
		safe: true, body: func() (any, error) { return p, nil }}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAuthenticationMethod deletes a method (its sms/voice children with it); one already gone
// is IsNotFound, which callers count as deleted.
func (c *Client) DeleteAuthenticationMethod(ctx context.Context, userID, methodID string) error {
	return c.managementCall(ctx, call{method: http.MethodDelete, path: methodsPath(userID, methodID), endpoint: endpointDeleteMethod, safe: true}, nil)
}

// IsInsufficientScope reports a Management API token that lacks the scope a call needs.
func IsInsufficientScope(err error) bool { return hasCode(err, "insufficient_scope") }

// IsInexistentUser reports a Management API call for a user id the tenant does not have.
func IsInexistentUser(err error) bool { return hasCode(err, "inexistent_user") }

// IsConflict reports a 409: the method already exists.
func IsConflict(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == http.StatusConflict
}
