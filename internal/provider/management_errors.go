package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

// managementCall names a Management API operation for its errors: the summary and the scope
// the management application needs for it.
type managementCall struct {
	summary, scope string
}

var (
	managementCallRecoveryCode = managementCall{"Cannot Regenerate the Recovery Code", mgmtapi.ScopeUpdateUsers}
	managementCallResetFactors = managementCall{"Cannot Reset the User's Authenticators", mgmtapi.ScopeDeleteGuardianEnrollments}
	managementCallUnblock      = managementCall{"Cannot Unblock the User", mgmtapi.ScopeUpdateUsers}
	managementCallCreateMethod = managementCall{"Could Not Create the Authentication Method", mgmtapi.ScopeCreateAuthenticationMethods}
	managementCallReadMethod   = managementCall{"Could Not Read the Authentication Method", mgmtapi.ScopeReadAuthenticationMethods}
	managementCallUpdateMethod = managementCall{"Could Not Update the Authentication Method", mgmtapi.ScopeUpdateAuthenticationMethods}
	managementCallListMethods  = managementCall{"Could Not List the Authentication Methods", mgmtapi.ScopeReadAuthenticationMethods}
	managementCallDeleteMethod = managementCall{"Could Not Delete the Authentication Method", mgmtapi.ScopeDeleteAuthenticationMethods}
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
	case mgmtapi.IsConflict(err):
		hint = fmt.Sprintf("User %q already has this method (the same phone number, email or TOTP secret). Import it "+
			"(terraform import <address> '%s:<method id>'; the auth0mfa_authentication_methods data source lists the ids) "+
			"or delete it first.", userID, userID)
	case errors.As(err, &e) && e.Code == "invalid_body":
		hint = "Auth0 refused the method's arguments; Auth0's message below says which."
	case mfaapi.IsAmbiguous(err):
		hint = fmt.Sprintf("The answer was lost on the way, so the method may or may not exist now. List the user's methods "+
			"(the auth0mfa_authentication_methods data source) and import the new one, or delete it, before you apply "+
			"again; user %q.", userID)
	case op == managementCallRecoveryCode && errors.As(err, &e) && e.StatusCode == http.StatusBadRequest:
		hint = fmt.Sprintf("Auth0 would not make a recovery code for user %q. A user has a recovery code only beside a "+
			"confirmed MFA factor, with recovery codes enabled for the tenant: create the user's factor first "+
			"(depends_on an auth0mfa_otp_authenticator or auth0mfa_oob_authenticator of the user).", userID)
	}
	diags.AddError(op.summary, hint+"\n\n"+err.Error())
}
