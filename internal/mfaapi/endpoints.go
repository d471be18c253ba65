package mfaapi

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Grant types as Auth0 spells them.
const (
	GrantPassword        = "password"
	GrantPasswordRealm   = "http://auth0.com/oauth/grant-type/password-realm"
	GrantMFAOTP          = "http://auth0.com/oauth/grant-type/mfa-otp"
	GrantMFAOOB          = "http://auth0.com/oauth/grant-type/mfa-oob"
	GrantMFARecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
)

// MFAScopes are the scopes the provider asks for on the MFA audience.
const MFAScopes = "enroll read:authenticators remove:authenticators"

const (
	endpointToken     = "POST /oauth/token"
	endpointAssociate = "POST /mfa/associate"
	endpointChallenge = "POST /mfa/challenge"
	endpointList      = "GET /mfa/authenticators"
	endpointDelete    = "DELETE /mfa/authenticators/{id}"
)

// Tokens is a successful /oauth/token answer.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// Authenticator is one entry of GET /mfa/authenticators.
type Authenticator struct {
	ID                string `json:"id"`
	AuthenticatorType string `json:"authenticator_type"`
	Active            bool   `json:"active"`
	OOBChannel        string `json:"oob_channel,omitempty"`
	Name              string `json:"name,omitempty"`
}

// Association is the answer of POST /mfa/associate.
type Association struct {
	AuthenticatorType string   `json:"authenticator_type"`
	Secret            string   `json:"secret,omitempty"`
	BarcodeURI        string   `json:"barcode_uri,omitempty"`
	BindingMethod     string   `json:"binding_method,omitempty"`
	OOBChannel        string   `json:"oob_channel,omitempty"`
	OOBCode           string   `json:"oob_code,omitempty"`
	RecoveryCodes     []string `json:"recovery_codes,omitempty"`
	// SentAt is when the association was requested (when Auth0 sent any code); not on the wire.
	SentAt time.Time `json:"-"`
}

// AssociateRequest is the body of POST /mfa/associate.
type AssociateRequest struct {
	AuthenticatorTypes []string `json:"authenticator_types"`
	OOBChannels        []string `json:"oob_channels,omitempty"`
	PhoneNumber        string   `json:"phone_number,omitempty"`
	Email              string   `json:"email,omitempty"`
}

// Challenge is the answer of POST /mfa/challenge.
type Challenge struct {
	ChallengeType string `json:"challenge_type"`
	OOBCode       string `json:"oob_code,omitempty"`
	BindingMethod string `json:"binding_method,omitempty"`
}

// PasswordLogin is a password or password-realm grant.
type PasswordLogin struct {
	Username string
	Password string
	Realm    string // set: password-realm grant
	Audience string
	Scope    string
}

// clientAuth adds the application's client authentication to a form.
func (c *Client) clientAuth(form url.Values) (url.Values, error) {
	cred := ClientCredential{ClientID: c.cfg.ClientID, Secret: c.cfg.ClientSecret, Key: c.cfg.PrivateKey, Alg: c.signAlg}
	if err := cred.AddTo(form, c.cfg.Domain, c.now()); err != nil {
		return nil, err
	}
	return form, nil
}

func (c *Client) tokenCall(ctx context.Context, fields url.Values, safe bool) (*Tokens, error) {
	var out Tokens
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/oauth/token", endpoint: endpointToken, safe: safe,
		body: func() (any, error) {
			form := url.Values{}
			for k, v := range fields {
				form[k] = v
			}
			return c.clientAuth(form)
		},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Login runs the password (or password-realm) grant. With the MFA audience Auth0 answers
// mfa_required; MFARequired(err) then yields the mfa_token.
func (c *Client) Login(ctx context.Context, l PasswordLogin) (*Tokens, error) {
	// A login creates nothing lasting (at most an unused mfa_token), so it may be repeated.
	return c.tokenCall(ctx, l.Form(), true)
}

// Form is the login's /oauth/token form without client authentication: the password grant,
// or password-realm when a realm is set. auth0mfa-emulator conform sends it too.
func (l PasswordLogin) Form() url.Values {
	f := url.Values{"username": {l.Username}, "password": {l.Password}}
	f.Set("grant_type", GrantPassword)
	if l.Realm != "" {
		f.Set("grant_type", GrantPasswordRealm)
		f.Set("realm", l.Realm)
	}
	if l.Audience != "" {
		f.Set("audience", l.Audience)
	}
	if l.Scope != "" {
		f.Set("scope", l.Scope)
	}
	return f
}

// VerifyOTP runs the mfa-otp grant. A code is single-use, so it is not repeated blindly.
func (c *Client) VerifyOTP(ctx context.Context, mfaToken, otp string) (*Tokens, error) {
	return c.tokenCall(ctx, url.Values{"grant_type": {GrantMFAOTP}, "mfa_token": {mfaToken}, "otp": {otp}}, false)
}

// VerifyOOB runs the mfa-oob grant; bindingCode is empty for push polls.
func (c *Client) VerifyOOB(ctx context.Context, mfaToken, oobCode, bindingCode string) (*Tokens, error) {
	f := url.Values{"grant_type": {GrantMFAOOB}, "mfa_token": {mfaToken}, "oob_code": {oobCode}}
	if bindingCode != "" {
		f.Set("binding_code", bindingCode)
	}
	return c.tokenCall(ctx, f, false)
}

// VerifyRecoveryCode runs the mfa-recovery-code grant; the answer carries the new code.
func (c *Client) VerifyRecoveryCode(ctx context.Context, mfaToken, code string) (*Tokens, error) {
	return c.tokenCall(ctx, url.Values{"grant_type": {GrantMFARecoveryCode}, "mfa_token": {mfaToken}, "recovery_code": {code}}, false)
}

// Associate enrolls a new (inactive) authenticator. It is never repeated after an ambiguous
// failure: the caller must look at the tenant first (see Session.enroll).
func (c *Client) Associate(ctx context.Context, bearer string, r AssociateRequest) (*Association, error) {
	var out Association
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/mfa/associate", endpoint: endpointAssociate, bearer: bearer,
		body: func() (any, error) { return r, nil },
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ChallengeRequest is the body of POST /mfa/challenge.
type ChallengeRequest struct {
	MFAToken        string
	ChallengeType   string // "otp", "oob" or "oob otp"
	AuthenticatorID string
}

// Challenge asks Auth0 to challenge a factor (sending an SMS, email or push).
func (c *Client) Challenge(ctx context.Context, r ChallengeRequest) (*Challenge, error) {
	var out Challenge
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/mfa/challenge", endpoint: endpointChallenge, safe: true,
		body: func() (any, error) {
			f := url.Values{"mfa_token": {r.MFAToken}}
			if r.ChallengeType != "" {
				f.Set("challenge_type", r.ChallengeType)
			}
			if r.AuthenticatorID != "" {
				f.Set("authenticator_id", r.AuthenticatorID)
			}
			form, err := c.clientAuth(f)
			if err != nil {
				return nil, err
			}
			return jsonObject(form), nil
		},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// jsonObject flattens a form into the JSON object the /mfa/* endpoints document.
func jsonObject(f url.Values) map[string]string {
	m := make(map[string]string, len(f))
	for k := range f {
		m[k] = f.Get(k)
	}
	return m
}

// ListAuthenticators lists every authenticator, active or not, with an mfa_token or an
// access token holding read:authenticators.
func (c *Client) ListAuthenticators(ctx context.Context, bearer string) ([]Authenticator, error) {
	var out []Authenticator
	err := c.do(ctx, call{method: http.MethodGet, path: "/mfa/authenticators", endpoint: endpointList, bearer: bearer, safe: true}, &out)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Authenticator{}
	}
	return out, nil
}

// DeleteAuthenticator deletes one authenticator (and Auth0 deletes its companion). It needs an
// access token with remove:authenticators. A repeat after an ambiguous failure is harmless:
// it answers 404, which callers treat as done.
func (c *Client) DeleteAuthenticator(ctx context.Context, accessToken, id string) error {
	return c.do(ctx, call{
		method: http.MethodDelete, path: "/mfa/authenticators/" + url.PathEscape(id),
		endpoint: endpointDelete, bearer: accessToken, safe: true,
	}, nil)
}
