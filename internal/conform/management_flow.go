package conform

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

// The Management API route (auth0mfa_authentication_method), with --management-client-id,
// --management-client-secret (or --management-private-key-file) and --user-id: a TOTP method seeded with a known secret, listed
// through both APIs, the user signed in with mfa-otp using its code, phone and email methods
// created and patched, the 409 rule probed, a security key created from a COSE key and read
// back, and every method deleted again. It settles the
// open questions of reference auth0-management-route.md with one command.

// managementRoute runs last, when the MFA API phases have deleted what they enrolled.
func (r *run) managementRoute(ctx context.Context) {
	tok := r.record("mgmt_token", "POST /oauth/token grant_type=client_credentials, audience https://DOMAIN/api/v2/",
		r.w.clientCredentials(ctx, &r.t, "https://"+r.t.Domain+"/api/v2/"))
	if tok == nil || tok.str("access_token") == "" {
		r.skip("mgmt_route", "the Management API route", "no Management API token")
		return
	}
	r.mgmtToken = tok.str("access_token")
	r.red.add("<management-token>", r.mgmtToken)
	r.red.add("<management-client-secret>", r.t.ManagementClientSecret)
	r.red.add("<user-id>", r.t.UserID, url.PathEscape(r.t.UserID))
	secret := seedSecret()
	r.red.add("<totp-secret>", secret)
	base := "/api/v2/users/" + url.PathEscape(r.t.UserID) + "/authentication-methods"

	created := r.record("mgmt_create_totp", "POST …/authentication-methods type totp with a secret",
		r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, map[string]string{"type": "totp", "name": "conform", "totp_secret": secret}))
	r.keepMethod(created)
	// The 409 rule (not recorded in any source): the same secret again.
	r.keepMethod(r.record("mgmt_create_totp_again", "POST …/authentication-methods type totp with the same secret (the 409 rule)",
		r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, map[string]string{"type": "totp", "name": "conform", "totp_secret": secret})))
	r.record("mgmt_list", "GET …/authentication-methods", r.w.mgmt(ctx, http.MethodGet, base, r.mgmtToken, nil))
	login := r.record("login_seeded", "POST /oauth/token grant_type="+r.grantName()+", audience https://DOMAIN/mfa/ (user with a seeded factor)",
		r.w.token(ctx, r.passwordLogin(r.t.mfaAudience(), mfaScopes)))
	if mfa := login.str("mfa_token"); mfa != "" {
		r.record("mfa_list_seeded", "GET /mfa/authenticators (a seeded factor)", r.w.list(ctx, mfa))
		if created != nil && created.status == http.StatusCreated {
			r.otpSecret = secret
			code, err := r.totpCode(ctx, false)
			if err == nil {
				r.record("mfa_otp_seeded", "POST /oauth/token grant_type=mfa-otp with a code of the seeded secret",
					r.w.token(ctx, url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/mfa-otp"}, "mfa_token": {mfa}, "otp": {code}}))
			}
		}
	}
	if r.t.PhoneNumber != "" {
		phone := r.record("mgmt_create_phone", "POST …/authentication-methods type phone",
			r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, map[string]string{"type": "phone", "phone_number": r.t.PhoneNumber}))
		r.keepMethod(phone)
		if id := phone.str("id"); id != "" {
			r.record("mgmt_patch_phone", "PATCH …/authentication-methods/{id} name",
				r.w.mgmt(ctx, http.MethodPatch, base+"/"+url.PathEscape(id), r.mgmtToken, map[string]string{"name": "conform phone"}))
		}
	}
	if r.t.Email != "" {
		body := map[string]string{"type": "email", "email": r.t.Email}
		r.keepMethod(r.record("mgmt_create_email", "POST …/authentication-methods type email", r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, body)))
		r.keepMethod(r.record("mgmt_create_email_again", "POST …/authentication-methods the same email (the 409 rule)",
			r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, body)))
	}
	r.securityKey(ctx, base)
	r.deleteMethods(ctx, true)
}

// securityKey creates a webauthn-roaming method from a fresh P-256 key, as the provider does
// (reference §4.1: key_id base64url, public_key the COSE key in standard base64, the tenant's
// domain as relying party), and reads it back: whether Auth0 takes the encodings is the open
// question this settles.
func (r *run) securityKey(ctx context.Context, base string) {
	priv, err := securitykey.Generate()
	if err != nil {
		return
	}
	id, err := securitykey.NewCredentialID()
	if err != nil {
		return
	}
	cose, err := securitykey.COSE(&priv.PublicKey)
	if err != nil {
		return
	}
	key := r.record("mgmt_create_security_key", "POST …/authentication-methods type webauthn-roaming (a P-256 COSE key)",
		r.w.mgmt(ctx, http.MethodPost, base, r.mgmtToken, map[string]string{"type": "webauthn-roaming", "name": "conform key",
			"key_id": base64.RawURLEncoding.EncodeToString(id), "public_key": base64.StdEncoding.EncodeToString(cose),
			"relying_party_identifier": r.t.Domain}))
	r.keepMethod(key)
	if got := key.str("id"); got != "" {
		r.record("mgmt_get_security_key", "GET …/authentication-methods/{id} (the security key)",
			r.w.mgmt(ctx, http.MethodGet, base+"/"+url.PathEscape(got), r.mgmtToken, nil))
	}
}

// keepMethod remembers a created method's id, for the deletes and the cleanup.
func (r *run) keepMethod(a *answer) {
	if id := a.str("id"); id != "" {
		r.methods = append(r.methods, id)
	}
}

// deleteMethods deletes the methods this run created through the Management API; record says
// whether each delete is a step of the run (the cleanup's are not).
func (r *run) deleteMethods(ctx context.Context, record bool) {
	base := "/api/v2/users/" + url.PathEscape(r.t.UserID) + "/authentication-methods/"
	left := r.methods[:0]
	for i, id := range r.methods {
		a := r.w.mgmt(ctx, http.MethodDelete, base+url.PathEscape(id), r.mgmtToken, nil)
		if record {
			a = r.record("mgmt_delete_"+string(rune('a'+i)), "DELETE …/authentication-methods/{id}", a)
		} else if a.err != nil {
			a = nil
		}
		if a == nil || (a.status != http.StatusNoContent && a.status != http.StatusNotFound) {
			left = append(left, id)
		}
	}
	r.methods = left
}

// seedSecret is a fresh 160-bit base32 secret, as the provider generates one.
func seedSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}
