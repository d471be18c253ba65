package conform

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/bindingcode"
)

// steps runs the flows the provider uses, in the order it uses them. Each step's answer is
// recorded whatever it is; a step whose input an earlier step failed to produce is recorded as
// skipped, so two records always line up step by step.
func (r *run) steps(ctx context.Context) {
	phases := []func(context.Context){r.logins, r.enrollOTP, r.passMFA}
	if r.t.oobChannel() != "" {
		phases = append(phases, r.enrollOOB)
	}
	phases = append(phases, r.useRecoveryCode, r.deletes)
	if r.t.ManagementClientID != "" {
		phases = append(phases, r.managementRoute)
	}
	for _, phase := range phases {
		if phase(ctx); r.stopped(ctx) {
			return
		}
	}
}

// logins: the password grant without and with the MFA audience, then the user's list.
func (r *run) logins(ctx context.Context) {
	a := r.record("login_without_mfa_audience", "POST /oauth/token grant_type="+r.grantName()+", scope openid",
		r.w.token(ctx, r.passwordLogin("", "openid")))
	switch {
	case a != nil && a.status == http.StatusOK:
		r.rec.Settings.MFAPolicy = "never"
	case a != nil && a.str("error") == "mfa_required":
		r.rec.Settings.MFAPolicy = "always"
	}
	a = r.record("login_with_mfa_audience", "POST /oauth/token grant_type="+r.grantName()+", audience https://DOMAIN/mfa/",
		r.w.token(ctx, r.passwordLogin(r.t.mfaAudience(), mfaScopes)))
	if a != nil {
		r.mfaToken, r.access = a.str("mfa_token"), a.str("access_token")
	}
	bearer := r.listBearer()
	if bearer == "" {
		r.rec.Stopped = "the login with the MFA audience gave neither an access token nor an mfa_token " +
			"(check --username, --password, --client-id/--client-secret, --domain, and that the application " +
			"has the Password and MFA grant types)"
		return
	}
	a = r.record("list_before", "GET /mfa/authenticators (user with no factor)", r.w.list(ctx, bearer))
	if a == nil || a.status != http.StatusOK {
		r.rec.Stopped = "the user's authenticators could not be listed"
		return
	}
	var active []string
	for _, l := range a.listing() {
		r.before[l.ID] = true
		// Verified emails are listed as active email authenticators (reference §5); they are
		// no enrolled factor and conform never touches them.
		if l.Active && l.OOBChannel != "email" {
			active = append(active, l.AuthenticatorType)
		}
	}
	if len(active) > 0 {
		r.rec.Stopped = "the user already has an active MFA factor (" + strings.Join(active, ", ") +
			"): conform needs a test user with none, and changed nothing"
	}
}

// listBearer is what can list: an access token for the MFA audience, else the mfa_token.
func (r *run) listBearer() string {
	if r.access != "" {
		return r.access
	}
	return r.mfaToken
}

// enrollOTP: associate, a wrong code, the right code, the new list.
func (r *run) enrollOTP(ctx context.Context) {
	a := r.record("associate_otp", "POST /mfa/associate authenticator_types [otp]",
		r.w.postJSON(ctx, "/mfa/associate", r.listBearer(), map[string]any{"authenticator_types": []string{"otp"}}))
	if a != nil {
		r.otpSecret = a.str("secret")
		if codes := a.strings("recovery_codes"); len(codes) > 0 {
			r.recovery = codes[0]
		}
	}
	if r.otpSecret == "" {
		r.rec.Stopped = "associating an OTP factor gave no secret, so nothing after it can run"
		return
	}
	// The confirming grant takes the login's mfa_token or, when the tenant minted an access
	// token for a user with no factor, that token (as the provider does: mfaapi confirmationToken).
	confirmWith := r.mfaToken
	if confirmWith == "" {
		confirmWith = r.access
	}
	r.record("confirm_otp_wrong_code", "POST /oauth/token grant_type=mfa-otp, a wrong code",
		r.w.token(ctx, url.Values{"grant_type": {grantMFAOTP}, "mfa_token": {confirmWith}, "otp": {r.wrongCode()}}))
	code, err := r.totpCode(ctx, true)
	if err != nil {
		r.rec.Stopped = "no TOTP code: " + r.red.clean(err.Error())
		return
	}
	a = r.record("confirm_otp", "POST /oauth/token grant_type=mfa-otp",
		r.w.token(ctx, url.Values{"grant_type": {grantMFAOTP}, "mfa_token": {confirmWith}, "otp": {code}}))
	if a != nil && a.status == http.StatusOK {
		r.access = a.str("access_token")
		if rc := a.str("recovery_code"); rc != "" {
			r.recovery = rc
		}
	}
	a = r.record("list_after_otp", "GET /mfa/authenticators (after confirming OTP)", r.w.list(ctx, r.listBearer()))
	r.otpID = r.newActive(a, "otp", "")
	r.confirmedCode = code
}

// passMFA: a login of the enrolled user, the confirming code again, a challenge, a new code.
func (r *run) passMFA(ctx context.Context) {
	a := r.record("login_enrolled", "POST /oauth/token grant_type="+r.grantName()+", audience https://DOMAIN/mfa/ (user with a factor)",
		r.w.token(ctx, r.passwordLogin(r.t.mfaAudience(), mfaScopes)))
	if a != nil && a.str("mfa_token") != "" {
		r.mfaToken = a.str("mfa_token")
	}
	const reused, challenge, verify = "mfa_otp_reused_code", "challenge_otp", "mfa_otp"
	if r.mfaToken == "" {
		why := "no mfa_token to pass MFA with"
		r.skip(reused, "POST /oauth/token grant_type=mfa-otp", why)
		r.skip(challenge, "POST /mfa/challenge", why)
		r.skip(verify, "POST /oauth/token grant_type=mfa-otp", why)
		return
	}
	r.record(reused, "POST /oauth/token grant_type=mfa-otp, the code that confirmed the factor",
		r.w.token(ctx, url.Values{"grant_type": {grantMFAOTP}, "mfa_token": {r.mfaToken}, "otp": {r.confirmedCode}}))
	r.record(challenge, "POST /mfa/challenge challenge_type otp",
		r.w.postJSON(ctx, "/mfa/challenge", "", map[string]string{
			"client_id": r.t.ClientID, "client_secret": r.t.ClientSecret, "mfa_token": r.mfaToken, "challenge_type": "otp",
		}))
	code, err := r.totpCode(ctx, false)
	if err != nil {
		r.rec.Stopped = "no TOTP code: " + r.red.clean(err.Error())
		return
	}
	a = r.record(verify, "POST /oauth/token grant_type=mfa-otp",
		r.w.token(ctx, url.Values{"grant_type": {grantMFAOTP}, "mfa_token": {r.mfaToken}, "otp": {code}}))
	if a != nil && a.status == http.StatusOK {
		r.access = a.str("access_token")
	}
}

// enrollOOB: associate SMS or email, read the code with the code command, confirm, list.
func (r *run) enrollOOB(ctx context.Context) {
	ch := r.t.oobChannel()
	r.rec.Settings.OOBChannel = ch
	body := map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{ch}}
	if ch == "sms" {
		body["phone_number"] = r.t.PhoneNumber
	} else {
		body["email"] = r.t.Email
	}
	sentAt := time.Now()
	a := r.record("associate_"+ch, "POST /mfa/associate authenticator_types [oob], oob_channels ["+ch+"]",
		r.w.postJSON(ctx, "/mfa/associate", r.access, body))
	confirm, request := "confirm_"+ch, "POST /oauth/token grant_type=mfa-oob with binding_code"
	oobCode := ""
	if a != nil {
		oobCode = a.str("oob_code")
	}
	if oobCode == "" {
		r.skip(confirm, request, "the associate answer carried no oob_code")
		return
	}
	fetchCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	code, err := bindingcode.Runner{}.Fetch(fetchCtx, bindingcode.Request{
		Argv: r.t.CodeCommand, Channel: ch, PhoneNumber: r.t.PhoneNumber, Email: r.t.Email,
		Username: r.t.Username, SentAt: sentAt,
	})
	if err != nil {
		r.skip(confirm, request, "the code command gave no code: "+r.red.clean(err.Error()))
		return
	}
	r.red.add("<binding-code>", code)
	r.record(confirm, request, r.w.token(ctx, url.Values{
		"grant_type": {grantMFAOOB}, "mfa_token": {r.mfaToken}, "oob_code": {oobCode}, "binding_code": {code},
	}))
	a = r.record("list_after_"+ch, "GET /mfa/authenticators (after confirming "+ch+")", r.w.list(ctx, r.listBearer()))
	r.oobID = r.newActive(a, "oob", ch)
}

// useRecoveryCode passes MFA with the recovery code; the answer carries its replacement.
func (r *run) useRecoveryCode(ctx context.Context) {
	const name, request = "mfa_recovery_code", "POST /oauth/token grant_type=mfa-recovery-code"
	switch {
	case r.recovery == "":
		r.skip(name, request, "no recovery code was issued with the first factor")
		return
	case r.mfaToken == "":
		r.skip(name, request, "no mfa_token to pass MFA with")
		return
	}
	a := r.record(name, request, r.w.token(ctx, url.Values{
		"grant_type": {grantMFARecovery}, "mfa_token": {r.mfaToken}, "recovery_code": {r.recovery},
	}))
	if a != nil && a.str("recovery_code") != "" {
		r.recovery = a.str("recovery_code")
	}
}

// deletes: the out-of-band factor (its voice twin goes with an SMS one), the OTP factor, the
// OTP factor again (already gone), and what each leaves in the list (reference §5, "Linked
// deletions").
func (r *run) deletes(ctx context.Context) {
	del := func(name, id string) {
		r.record(name, "DELETE /mfa/authenticators/{id}", r.w.delete(ctx, "/mfa/authenticators/"+url.PathEscape(id), r.access))
	}
	list := func(name, what string) {
		r.record(name, "GET /mfa/authenticators (after deleting "+what+")", r.w.list(ctx, r.access))
	}
	if ch := r.rec.Settings.OOBChannel; r.oobID != "" {
		del("delete_"+ch, r.oobID)
		list("list_after_delete_"+ch, ch)
	}
	if r.otpID == "" {
		r.skip("delete_otp", "DELETE /mfa/authenticators/{id}", "the OTP factor's id was not found in the list")
		return
	}
	del("delete_otp", r.otpID)
	del("delete_otp_again", r.otpID)
	list("list_after_delete_otp", "otp")
}

// newActive is the id of an active authenticator of the type (and channel) that the user did
// not have before the run, "" when the list shows none.
func (r *run) newActive(a *answer, typ, channel string) string {
	for _, l := range a.listing() {
		if l.Active && !r.before[l.ID] && l.AuthenticatorType == typ && (channel == "" || l.OOBChannel == channel) {
			return l.ID
		}
	}
	return ""
}
