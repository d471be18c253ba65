package conform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// cleanupTimeout bounds the cleanup after an interrupt: long enough to wait for a new TOTP
// step, short enough that a second Ctrl-C is not needed.
const cleanupTimeout = 90 * time.Second

// cleanup deletes every authenticator the user has now and did not have before the run. It
// runs after every run, interrupted or not, with a fresh deadline. It gets an access token
// that can delete if it has none (a fresh login and MFA with the run's OTP secret, else the
// recovery code), and reports what is still there afterwards.
func (r *run) cleanup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
	defer cancel()
	if len(r.methods) > 0 {
		r.deleteMethods(ctx, false) // what the Management API route made, the same way
	}
	left, err := r.leftovers(ctx)
	if err == nil && len(left) == 0 {
		return nil
	}
	if err == nil {
		for _, l := range left {
			// 404 is fine: a linked deletion (sms takes voice along) removed it already.
			_ = r.w.delete(ctx, "/mfa/authenticators/"+url.PathEscape(l.ID), r.access)
		}
		if left, err = r.leftovers(ctx); err == nil && len(left) == 0 {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("cleanup could not check the user's factors (%s); check them in the Auth0 dashboard (User Management > Users > the user > Multi-factor Authentication)", r.red.clean(err.Error()))
	}
	var ids []string
	for _, l := range left {
		ids = append(ids, l.AuthenticatorType+" "+l.ID)
	}
	return fmt.Errorf("cleanup could not delete what this run enrolled: %s; delete them in the Auth0 dashboard (User Management > Users > the user > Multi-factor Authentication)", strings.Join(ids, ", "))
}

// leftovers lists the user's authenticators the run created, renewing the access token once.
func (r *run) leftovers(ctx context.Context) ([]mfaapi.Authenticator, error) {
	for attempt := 0; attempt < 2; attempt++ {
		if r.access == "" || attempt > 0 {
			if err := r.renewAccess(ctx); err != nil {
				return nil, err
			}
		}
		a := r.w.list(ctx, r.access)
		if a.err != nil {
			return nil, a.err
		}
		if a.status == http.StatusUnauthorized {
			continue
		}
		if a.status != http.StatusOK {
			return nil, fmt.Errorf("listing answered %d %s", a.status, a.str("error"))
		}
		var out []mfaapi.Authenticator
		for _, l := range a.listing() {
			if !r.before[l.ID] {
				out = append(out, l)
			}
		}
		return out, nil
	}
	return nil, errors.New("the tenant refused every access token")
}

// renewAccess logs in for the MFA audience and passes MFA if the tenant asks.
func (r *run) renewAccess(ctx context.Context) error {
	a := r.w.token(ctx, r.passwordLogin(r.t.mfaAudience(), mfaScopes))
	if a.err != nil {
		return a.err
	}
	if tok := a.str("access_token"); tok != "" {
		r.access = tok
		return nil
	}
	mfaToken := a.str("mfa_token")
	if mfaToken == "" {
		return fmt.Errorf("the login answered %d %s", a.status, a.str("error"))
	}
	if r.otpSecret != "" {
		if code, err := r.totpCode(ctx, false); err == nil {
			if a := r.w.token(ctx, url.Values{"grant_type": {grantMFAOTP}, "mfa_token": {mfaToken}, "otp": {code}}); a.str("access_token") != "" {
				r.access = a.str("access_token")
				return nil
			}
		}
	}
	if r.recovery != "" {
		if a := r.w.token(ctx, url.Values{"grant_type": {grantMFARecovery}, "mfa_token": {mfaToken}, "recovery_code": {r.recovery}}); a.str("access_token") != "" {
			r.access = a.str("access_token")
			return nil
		}
	}
	return errors.New("MFA could not be passed with the run's OTP factor or recovery code")
}
