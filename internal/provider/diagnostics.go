package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/bindingcode"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// addAPIError turns a client error into a diagnostic that reads like a support ticket: what
// failed, what to do, and Auth0's own answer. Client errors never hold secrets, so the
// original text is passed through.
func addAPIError(diags *diag.Diagnostics, operation string, login mfaapi.Login, err error, notes ...string) {
	who := fmt.Sprintf("user %q", login.Username)
	if login.Realm != "" {
		who += fmt.Sprintf(" (connection %q)", login.Realm)
	}
	var hint string
	var te *mfaapi.TransportError
	var ee *mfaapi.EnrollError
	var re *bindingcode.RunError
	var refused *mfaapi.CodeRefusedError
	var ambiguous *mfaapi.AmbiguousEnrollmentError
	switch {
	case isInterrupted(err):
		// Ctrl-C or a stopped runner: terraform cancelled the request, nothing blamed Auth0.
		diags.AddError(operation, "The run was interrupted (terraform was asked to stop) before this finished.")
		return
	case errors.Is(err, context.DeadlineExceeded) && !mfaapi.IsAmbiguous(err):
		hint = "The operation ran out of time before Auth0 could complete it (its timeouts block sets the limit; " +
			"a wait for a new 30-second TOTP step or a slow binding_code_command counts). Raise the resource's " +
			"timeouts, or apply again."
	case errors.As(err, &ambiguous):
		hint = fmt.Sprintf("Another run, on another machine, enrolled the same kind of factor for %s at the same moment "+
			"(runs on this machine wait for each other), and Auth0's list cannot tell the two apart, so nothing was "+
			"stored rather than risk storing the other run's id. The candidates are %s: one is held by the other run's "+
			"state (terraform state show there), the other is this run's and is active but unmanaged. Delete that one "+
			"(Auth0 Dashboard > Users > the user > Multi-factor Authentication), then apply again; run pipelines that "+
			"enroll factors for the same user one after the other.", who, strings.Join(ambiguous.Candidates, " and "))
	case errors.As(err, &re) && re.NotStarted:
		hint = "The binding_code_command could not be started, so nothing can read the code Auth0 sends. Check that its " +
			"first element is an executable file (an absolute path, or a program on the PATH of the terraform process)."
	case errors.As(err, &refused):
		hint = codeRefusedHint(refused, who)
	case mfaapi.IsBruteForceBlocked(err):
		hint = fmt.Sprintf("Auth0's brute-force protection blocked logins of %s from this machine's IP address after "+
			"repeated wrong passwords. The provider does not retry: every attempt keeps the block. Fix login.password, "+
			"then unblock the user (Auth0 Dashboard > User Management > Users > the user > Unblock, or the Management "+
			"API's DELETE /api/v2/user-blocks/{user_id}) and apply again.", who)
	case mfaapi.IsMFALocked(err):
		hint = fmt.Sprintf("Auth0 locked MFA for %s after too many failed codes (10 an hour; one attempt comes back "+
			"every 6 minutes), and refuses even a correct code meanwhile. Wait, or reset the user's MFA in the Auth0 "+
			"Dashboard (User Management > Users > the user > Multi-factor Authentication), then apply again.", who)
	case mfaapi.IsLoginLimited(err):
		hint = fmt.Sprintf("Auth0 limits logins of one user from one IP address (20 a minute, then 10 a minute), and %s "+
			"kept hitting it until the timeout. Wait a minute and apply again; fewer terraform runs at once for the same "+
			"user avoid it.", who)
	case mfaapi.IsNoDefaultDirectory(err):
		hint = "The tenant has no Default Directory, so a login without a connection cannot work. Set login.realm to " +
			"the user's database connection (for example \"Username-Password-Authentication\"), or set the Default " +
			"Directory in the Auth0 Dashboard (Settings > API Authorization Settings)."
	case mfaapi.IsFactorDisabled(err):
		hint = "The factor is not enabled for this tenant. Turn it on in the Auth0 Dashboard (Security > Multi-factor " +
			"Auth: One-time Password for otp, Phone Message for sms and voice, Email for email, Push Notification " +
			"using Auth0 Guardian for push), then apply again."
	case errors.As(err, &re):
		hint = "The binding_code_command did not print the code Auth0 sent before the create timeout. Run the " +
			"command by hand with the AUTH0MFA_* variables described in the documentation, check that it prints " +
			"only the code on stdout, or raise timeouts.create."
	case mfaapi.IsInvalidGrant(err) && strings.Contains(err.Error(), "binding_code"):
		hint = "Auth0 refused the code the binding_code_command printed: check that it reads the newest message " +
			"sent to this factor's destination (at or after AUTH0MFA_SENT_AT)."
	case errors.Is(err, mfaapi.ErrNoWayToPassMFA):
		var noWay *mfaapi.NoWayToPassMFAError
		_ = errors.As(err, &noWay)
		// The hint names the factors; the error's own text would only repeat it.
		diags.AddError(operation, strings.Join(append([]string{noWayToPassMFAHint(noWay, who)}, notes...), "\n\n"))
		return
	case mfaapi.IsInvalidAudience(err):
		hint = "Auth0 has no API for the audience the provider asked for, https://<domain>/mfa/, which is derived from " +
			"domain: domain is probably mistyped. Check domain (or " + envDomain + ", " + envDomainShared + "): it must be " +
			"the tenant's own Auth0 domain (such as example.eu.auth0.com), also when base_url points at a custom domain " +
			"or at the emulator, whose tenant file names its domain."
	case mfaapi.IsWrongCredentials(err):
		hint = fmt.Sprintf("Auth0 rejected the username or password of %s. Check login.username, login.password and "+
			"login.realm; Auth0 gives the same answer for an unknown user and a wrong password.", who)
	case mfaapi.IsUnauthorizedClient(err):
		hint = "The Auth0 application (client_id) is not allowed to use a grant type the provider needs. In the Auth0 " +
			"Dashboard open Applications > your application > Advanced Settings > Grant Types and enable Password " +
			"and MFA."
	case mfaapi.IsInvalidClient(err):
		hint = "Auth0 rejected the application's credentials. Check client_id and client_secret (" + envClientID + ", " +
			envClientSecret + ") or, for Private Key JWT, that client_assertion_private_key matches the credential " +
			"registered on the application."
	case isPendingLimit(err):
		hint = fmt.Sprintf("The %s has reached Auth0's limit of unconfirmed enrollments. Delete the user's inactive "+
			"authenticators (list them with the auth0mfa_authenticators data source and include_inactive = true) or "+
			"reset the user's MFA in the Auth0 Dashboard, then apply again.", who)
	case mfaapi.IsRateLimited(err):
		hint = "Auth0 kept answering 429 Too Many Requests (the tenant's rate limit) until the timeout. Try again " +
			"later, or raise the resource's timeouts."
	case errors.As(err, &te) && te.Reachable, mfaapi.IsServerError(err):
		hint = transientHint(mfaapi.IsServerError(err))
	case errors.As(err, &te):
		hint = "The provider got no answer from Auth0. Check domain and base_url and that the tenant (or the " +
			"emulator) is reachable from this machine."
	case mfaapi.IsPushRejected(err):
		hint = "The push notification was rejected on the device."
	default:
		hint = "Auth0 did not accept the request."
	}
	if errors.As(err, &ee) && len(ee.Orphans) > 0 {
		hint += " The enrollment failed after Auth0 created an unconfirmed authenticator, which could not be removed " +
			"because the user has no active factor to pass MFA with. The provider removes such leftovers right after " +
			"the user's next successful enrollment."
	}
	diags.AddError(operation, strings.Join(append([]string{hint, err.Error()}, notes...), "\n\n"))
}

// codeRefusedHint explains a refused TOTP code by what is likeliest: a tenant clock that differs
// from this machine's, then, for a secret only the provider holds, a factor changed at Auth0
// (its codes were refused in two steps, after a wait), else a secret a person typed wrong.
func codeRefusedHint(refused *mfaapi.CodeRefusedError, who string) string {
	if skew := refused.ClockSkew; skew != 0 {
		dir := "ahead of"
		if skew < 0 {
			dir, skew = "behind", -skew
		}
		return fmt.Sprintf("Auth0 refused the TOTP code computed from %s, and the tenant's clock (the Date header of its "+
			"answers) is %s %s this machine's clock. TOTP codes depend on the time, so a code from a right secret is "+
			"refused when the clocks differ by more than 30 seconds. Set this machine's clock right (enable NTP: "+
			"timedatectl set-ntp true, or your runner's time service), then apply again; the secret is not the problem.",
			refused.Source, skew.Round(time.Second), dir)
	}
	if refused.Held {
		return fmt.Sprintf("Auth0 refused the TOTP codes of %s in two 30-second steps, also after waiting for a step "+
			"nobody could have used yet. The provider enrolled and confirmed this factor itself, so the secret is the "+
			"one Auth0 gave; the factor of %s was most likely deleted or reset outside Terraform since the last "+
			"refresh, or something signs in with this secret in every step. Run terraform apply -refresh-only to see "+
			"whether the factor is still listed; a factor that is gone is dropped from state and enrolled again by the "+
			"next apply.", refused.Source, who)
	}
	return fmt.Sprintf("Auth0 refused the TOTP code computed from %s, so it is probably not the secret of an active OTP "+
		"factor of %s (another user's secret, or a factor deleted since). The provider stopped at the first refused "+
		"code: every refused code spends one of the user's failed attempts, and Auth0 locks MFA after 10 in an hour. "+
		"Fix %s and apply again; if another machine used the same secret in the same 30-second step, just apply again.",
		refused.Source, who, refused.Source)
}

// noWayToPassMFAHint says what can pass MFA for the user, factor by factor, and the ways out.
func noWayToPassMFAHint(e *mfaapi.NoWayToPassMFAError, who string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The %s has an active MFA factor, so Auth0 requires MFA first, and nothing this resource was "+
		"given can pass it.", who)
	var factors []mfaapi.Authenticator
	var created map[string]string
	if e != nil {
		factors, created = e.Factors, e.CreatedAt
	}
	if len(factors) > 0 {
		b.WriteString(" What can pass MFA for this user now:")
	}
	for _, a := range factors {
		switch {
		case a.AuthenticatorType == "otp":
			fmt.Fprintf(&b, "\n- %s (OTP%s): set login.otp_secret to its secret (the secret attribute of the "+
				"auth0mfa_otp_authenticator that manages it, or the secret you imported it with).", a.ID, createdSuffix(created, a.ID))
		case a.AuthenticatorType == "recovery-code":
			b.WriteString("\n- the user's recovery code: set login.recovery_code (the recovery_codes of the resource that " +
				"enrolled the user's first factor, or its new_recovery_code; it is used last, and rotates).")
		case a.OOBChannel == "email":
			// An email factor never satisfies Auth0's MFA requirement for enrollment changes.
		default:
			fmt.Fprintf(&b, "\n- %s (%s%s%s): passes MFA only for the auth0mfa_oob_authenticator that manages it, "+
				"through its binding_code_command.", a.ID, cmp.Or(a.OOBChannel, a.AuthenticatorType), nameSuffix(a.Name), createdSuffix(created, a.ID))
		}
	}
	b.WriteString("\nFactors that no resource's state holds, such as those of a run that was killed before it saved " +
		"state on another (or an emptied) runner, cannot pass MFA: only that run knew their secrets, and the provider " +
		"does not delete a factor it cannot prove is its own (it could be a person's). Remove them, then apply again: ")
	if e != nil && e.Management {
		b.WriteString("with the provider's management application, run the auth0mfa_reset_authenticators action for the " +
			"user (action \"auth0mfa_reset_authenticators\" \"x\" { config { user_id = \"<the user's id>\" } } and " +
			"terraform apply -invoke=action.auth0mfa_reset_authenticators.x, Terraform 1.14 or newer; it needs the " +
			"delete:guardian_enrollments scope), or call DELETE https://<domain>/api/v2/users/<the user's id>/authenticators " +
			"with a Management API token; or in the Auth0 Dashboard (User Management > Users > the user > " +
			"Multi-factor Authentication).")
	} else {
		b.WriteString("in the Auth0 Dashboard (User Management > Users > the user > Multi-factor Authentication > " +
			"delete each factor, or Reset MFA). With a management application configured on the provider " +
			"(management_client_id, scope delete:guardian_enrollments), the auth0mfa_reset_authenticators action does " +
			"the same from Terraform.")
	}
	b.WriteString(" Resetting removes every factor of the user: resources that still hold one enroll it again at the next apply.")
	return b.String()
}

// createdSuffix says when Auth0 created a factor, where the Management API told it.
func createdSuffix(created map[string]string, id string) string {
	if at := created[id]; at != "" {
		return ", created " + at
	}
	return ""
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}

// transientHint explains a failure that outlived the retries on a tenant that was reachable.
func transientHint(serverError bool) string {
	what := "stopped answering"
	if serverError {
		what = "answered with a server error (5xx)"
	}
	return "A transient failure: Auth0 " + what + " after it had answered this run's earlier requests, so domain and " +
		"base_url are right. The provider repeated what is safe to repeat and, where an answer was lost, checked the " +
		"tenant instead of guessing; it gave up after its retries. Apply again. Anything this operation left at Auth0 " +
		"is named below; otherwise it left nothing."
}

// isInterrupted reports a request cancelled because terraform was asked to stop (Ctrl-C, a
// stopped runner): not a failure of Auth0's, nor of the configuration.
func isInterrupted(err error) bool {
	return errors.Is(err, context.Canceled)
}

func isPendingLimit(err error) bool {
	var e *mfaapi.Error
	return errors.As(err, &e) && e.Code == "access_denied" && strings.Contains(e.Description, "pending enrollments")
}
