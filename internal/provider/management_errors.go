package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// managementCall names a Management API operation for its errors: the summary and the scope
// the management application needs for it.
type managementCall struct {
	summary, scope string
}

var (
	managementCallRecoveryCode = managementCall{"Cannot Regenerate the Recovery Code", mfaapi.ScopeUpdateUsers}
	managementCallResetFactors = managementCall{"Cannot Reset the User's Authenticators", mfaapi.ScopeDeleteGuardianEnrollments}
	managementCallUnblock      = managementCall{"Cannot Unblock the User", mfaapi.ScopeUpdateUsers}
)

// addManagementError explains a failed Management API call with what to do about it.
func addManagementError(diags *diag.Diagnostics, op managementCall, userID string, err error) {
	var e *mfaapi.Error
	hint := "Auth0's Management API did not accept the request."
	switch {
	case errors.Is(err, mfaapi.ErrNoManagementClient):
		hint = "The provider has no Management API application."
	case errors.As(err, &e) && e.Endpoint == "POST /oauth/token":
		hint = "Auth0 refused the Management API token. Check management_client_id and management_client_secret, and that " +
			"the application is authorized for the Management API (Dashboard: Applications > APIs > Auth0 Management API > " +
			"Machine to Machine Applications) with the " + op.scope + " scope."
	case errors.As(err, &e) && e.StatusCode == http.StatusNotFound:
		hint = fmt.Sprintf("Auth0 has no user %q.", userID)
	case errors.As(err, &e) && e.StatusCode == http.StatusForbidden:
		hint = "The Management API token lacks a scope: grant " + op.scope + " to the management application (Dashboard: " +
			"Applications > APIs > Auth0 Management API > Machine to Machine Applications)."
	case op == managementCallRecoveryCode && errors.As(err, &e) && e.StatusCode == http.StatusBadRequest:
		hint = fmt.Sprintf("Auth0 would not make a recovery code for user %q. A user has a recovery code only beside a "+
			"confirmed MFA factor, with recovery codes enabled for the tenant: create the user's factor first "+
			"(depends_on an auth0mfa_otp_authenticator or auth0mfa_oob_authenticator of the user).", userID)
	}
	diags.AddError(op.summary, hint+"\n\n"+err.Error())
}
