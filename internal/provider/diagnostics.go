package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/bindingcode"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// addAPIError turns a client error into a diagnostic that reads like a support ticket: what
// failed, what to do, and Auth0's own answer. Client errors never hold secrets, so the
// original text is passed through.
func addAPIError(diags *diag.Diagnostics, operation string, login mfaapi.Login, err error) {
	who := fmt.Sprintf("user %q", login.Username)
	if login.Realm != "" {
		who += fmt.Sprintf(" (connection %q)", login.Realm)
	}
	var hint string
	var te *mfaapi.TransportError
	var ee *mfaapi.EnrollError
	var re *bindingcode.RunError
	switch {
	case errors.As(err, &re):
		hint = "The binding_code_command did not print the code Auth0 sent before the create timeout. Run the " +
			"command by hand with the AUTH0MFA_* variables described in the documentation, check that it prints " +
			"only the code on stdout, or raise timeouts.create."
	case mfaapi.IsInvalidGrant(err) && strings.Contains(err.Error(), "binding_code"):
		hint = "Auth0 refused the code the binding_code_command printed: check that it reads the newest message " +
			"sent to this factor's destination (at or after AUTH0MFA_SENT_AT)."
	case errors.Is(err, mfaapi.ErrNoWayToPassMFA):
		hint = fmt.Sprintf("The %s already has an active MFA factor, so Auth0 requires MFA first. Set login.otp_secret to "+
			"the secret of one of the user's OTP factors (for example auth0mfa_otp_authenticator.<name>.secret).", who)
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
		hint = "Auth0 kept answering 429 Too Many Requests after the provider's retries. Lower -parallelism or try " +
			"again later."
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
	diags.AddError(operation, hint+"\n\n"+err.Error())
}

func isPendingLimit(err error) bool {
	var e *mfaapi.Error
	return errors.As(err, &e) && e.Code == "access_denied" && strings.Contains(e.Description, "pending enrollments")
}
