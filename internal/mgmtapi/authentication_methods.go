package mgmtapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The Management API's authentication methods of a user (reference auth0-management-route.md
// §1): factors an administrator creates, confirmed at once, with a TOTP secret of the caller's
// choosing, for users the provider cannot log in as.

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
	// A security key's (webauthn-roaming) credential id (base64url), COSE public key (standard
	// base64) and relying party (reference §4.1).
	KeyID                  string `json:"key_id"`
	PublicKey              string `json:"public_key"`
	RelyingPartyIdentifier string `json:"relying_party_identifier"`
}

// NewAuthenticationMethod is what a create sends; empty fields are left out.
type NewAuthenticationMethod struct {
	Type                          string `json:"type"`
	Name                          string `json:"name,omitempty"`
	TOTPSecret                    string `json:"totp_secret,omitempty"`
	PhoneNumber                   string `json:"phone_number,omitempty"`
	Email                         string `json:"email,omitempty"`
	PreferredAuthenticationMethod string `json:"preferred_authentication_method,omitempty"`
	KeyID                         string `json:"key_id,omitempty"`
	PublicKey                     string `json:"public_key,omitempty"`
	RelyingPartyIdentifier        string `json:"relying_party_identifier,omitempty"`
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

// CreateAuthenticationMethod creates a confirmed method for the user. It creates something, so
// an answer that may hide a success is not repeated (IsAmbiguous tells the caller).
func (c *Client) CreateAuthenticationMethod(ctx context.Context, userID string, m NewAuthenticationMethod) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodPost, Path: methodsPath(userID), Endpoint: endpointCreateMethod, Body: m}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAuthenticationMethod reads one method; a method or user that does not exist is IsNotFound.
func (c *Client) GetAuthenticationMethod(ctx context.Context, userID, methodID string) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodGet, Path: methodsPath(userID, methodID), Endpoint: endpointGetMethod, Safe: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAuthenticationMethods lists the user's methods (the first 100: a test user has a few).
func (c *Client) ListAuthenticationMethods(ctx context.Context, userID string) ([]AuthenticationMethod, error) {
	var out []AuthenticationMethod
	err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodGet, Path: methodsPath(userID) + "?per_page=100", Endpoint: endpointListMethods, Safe: true}, &out)
	return out, err
}

// UpdateAuthenticationMethod changes a method's name or preferred phone method. Setting the same
// values twice gives the same result, so an ambiguous failure is retried.
func (c *Client) UpdateAuthenticationMethod(ctx context.Context, userID, methodID string, p MethodPatch) (*AuthenticationMethod, error) {
	var out AuthenticationMethod
	err := c.do(ctx, mfaapi.ManagementCall{Method: http.MethodPatch, Path: methodsPath(userID, methodID), Endpoint: endpointPatchMethod,
		Safe: true, Body: p}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAuthenticationMethod deletes a method (its sms/voice children with it); one already gone
// is IsNotFound, which callers count as deleted.
func (c *Client) DeleteAuthenticationMethod(ctx context.Context, userID, methodID string) error {
	return c.do(ctx, mfaapi.ManagementCall{Method: http.MethodDelete, Path: methodsPath(userID, methodID), Endpoint: endpointDeleteMethod, Safe: true}, nil)
}

// IsInsufficientScope reports a Management API token that lacks the scope a call needs.
func IsInsufficientScope(err error) bool {
	var e *mfaapi.Error
	return errors.As(err, &e) && e.Code == "insufficient_scope"
}

// IsConflict reports a 409: the method already exists.
func IsConflict(err error) bool {
	var e *mfaapi.Error
	return errors.As(err, &e) && e.StatusCode == http.StatusConflict
}
