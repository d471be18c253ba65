package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The CRUD steps both authenticator resources share.

// authenticatorCommon is what the shared steps need from a resource model.
type authenticatorCommon struct {
	login           *loginModel
	id              string
	active          *types.Bool
	timeouts        timeouts.Value
	newRecoveryCode types.String
	// holdsRecoveryCode: this resource's state holds a recovery code of the user.
	holdsRecoveryCode bool
	// name and companionIDs are the OOB resource's attributes that Auth0's listing tells
	// (nil for the OTP resource); an import leaves them null until a listing fills them.
	name         *types.String
	companionIDs *types.List
}

// fillFromListing sets what the listing tells about a when state does not know it yet (after
// an import): the masked name and the sms/voice twin.
func (c authenticatorCommon) fillFromListing(a mfaapi.Authenticator, list []mfaapi.Authenticator) {
	// "" and [] are the import's placeholders (ImportState); Auth0 never names a factor "".
	if c.name != nil && (c.name.IsNull() || c.name.IsUnknown() || c.name.ValueString() == "") {
		*c.name = optionalString(a.Name)
	}
	if c.companionIDs != nil && (c.companionIDs.IsNull() || c.companionIDs.IsUnknown() || len(c.companionIDs.Elements()) == 0) {
		*c.companionIDs = stringListOrEmpty(mfaapi.TwinIDs(list, a.ID))
	}
}

// holdsRecoveryCode reports whether a resource's state holds a recovery code of the user.
func holdsRecoveryCode(codes types.List, newCode types.String) bool {
	return (!codes.IsNull() && !codes.IsUnknown() && len(codes.Elements()) > 0) ||
		(!newCode.IsNull() && !newCode.IsUnknown() && newCode.ValueString() != "")
}

// newRecoveryCodeAttribute is new_recovery_code of both authenticator resources: where
// recoveryStepUp's replacement code is kept.
func newRecoveryCodeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, Sensitive: true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		Description: "Set when this resource had to pass MFA with `login.recovery_code`: the recovery code Auth0 " +
			"issued in its place (the one in `login` no longer works). Null otherwise.",
	}
}

// recoveryStepUp adds the user's recovery code to up as the last way to pass MFA: the
// replacement a previous operation stored (newer) or else login.recovery_code. A used code
// stops working; Auth0's replacement is written to *replacement.
func recoveryStepUp(up mfaapi.StepUp, login *loginModel, stored types.String, replacement *string) mfaapi.StepUp {
	code := ""
	switch {
	case !stored.IsNull() && !stored.IsUnknown() && stored.ValueString() != "":
		code = stored.ValueString()
	case login != nil && !login.RecoveryCode.IsNull() && !login.RecoveryCode.IsUnknown():
		code = login.RecoveryCode.ValueString()
	}
	if code != "" {
		up.RecoveryCode = code
		up.OnRecoveryCode = func(c string) { *replacement = c }
	}
	return up
}

// authenticatorModel is a resource model (as a pointer) that exposes its common part.
type authenticatorResourceModel[M any] interface {
	*M
	common() authenticatorCommon
}

// readResource refreshes an authenticator resource of model M (see readAuthenticator).
func readResource[M any, P authenticatorResourceModel[M]](ctx context.Context, data *providerData, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || data == nil {
		return
	}
	c := P(&state).common()
	// Before any return below, also the removal of a factor gone at Auth0 (identity.go).
	setIdentity(ctx, resp.Identity, c.login, c.id, &resp.Diagnostics)
	readAuthenticator(ctx, data.client, c, resp)
	if resp.Diagnostics.HasError() || resp.State.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// updateResource stores the plan: the in-place changes of these resources change how the
// provider logs in or reads codes, never the factor. A password that is new (changed, or the
// first one after an import) is proved first with one login and one listing, so that a typo
// fails the apply that brings it instead of the next destroy, and an imported id Auth0 does not
// list as active fails the first apply that can check it. That apply also sets active.
func updateResource[M any, P authenticatorResourceModel[M]](ctx context.Context, data *providerData, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pc, sc := P(&plan).common(), P(&state).common()
	// Kept as it was, or backfilled for a resource stored before identities (identity.go).
	setIdentity(ctx, resp.Identity, sc.login, sc.id, &resp.Diagnostics)
	newPassword := pc.login.hasPassword() && (!sc.login.hasPassword() || !pc.login.Password.Equal(sc.login.Password))
	if data != nil && newPassword {
		loginWorks, found := verifyLogin(ctx, data.client, pc, &resp.Diagnostics)
		if !loginWorks {
			return
		}
		if !found {
			// Keep the working login with the error, so that destroy (or state rm) can go on:
			// deleting an id Auth0 does not know is a 404, which counts as deleted.
			*pc.active = types.BoolValue(false)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		*pc.active = types.BoolValue(true)
	}
	if pc.active.IsUnknown() {
		*pc.active = *sc.active
	}
	// Whatever no listing filled stays as state had it (null after an import).
	if pc.name != nil && pc.name.IsUnknown() {
		*pc.name = *sc.name
	}
	if pc.companionIDs != nil && pc.companionIDs.IsUnknown() {
		*pc.companionIDs = *sc.companionIDs
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// verifyLogin logs in with c's login and lists the user's factors: it reports whether the
// login works and whether c's id is an active factor (filling what the listing tells), adding
// the error that explains either.
func verifyLogin(ctx context.Context, client *mfaapi.Client, c authenticatorCommon, diags *diag.Diagnostics) (loginWorks, found bool) {
	login, id := c.login, c.id
	list, err := client.Session(login.api()).List(ctx)
	if err != nil {
		addAPIError(diags, "Could Not Verify the New Login", login.api(), err)
		return false, false
	}
	for _, a := range list {
		if a.ID == id && a.Active {
			c.fillFromListing(a, list)
			return true, true
		}
	}
	diags.AddError("Authenticator Not Found",
		fmt.Sprintf("The login works, but Auth0 lists no active factor %s for user %q, so there is nothing for this "+
			"resource to manage. If it was imported, the import ID names a factor that does not exist: remove it with "+
			"terraform state rm (or destroy it, which succeeds) and import the right one (list the user's factors with "+
			"the auth0mfa_authenticators data source), or drop the import so that apply enrolls a new factor.", id, login.Username.ValueString()))
	return true, false
}

// deleteResource deletes an authenticator resource within its delete timeout, passing MFA as
// stepUp says for that model.
func deleteResource[M any, P authenticatorResourceModel[M]](ctx context.Context, data *providerData, req resource.DeleteRequest,
	resp *resource.DeleteResponse, defaultTimeout time.Duration, stepUp func(P) mfaapi.StepUp) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || data == nil {
		return
	}
	c := P(&state).common()
	timeout, diags := c.timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var replacement string
	deleteAuthenticator(ctx, data.client, c.login, c.id, recoveryStepUp(stepUp(&state), c.login, c.newRecoveryCode, &replacement), &resp.Diagnostics)
	warnRecoveryCodeLost(&resp.Diagnostics, replacement, "to delete "+c.id+", and the resource is gone")
}

// warnRecoveryCodeLost tells the user, when replacement is set, that the recovery code was
// spent and its replacement could not be stored (it is never printed: it is a secret).
func warnRecoveryCodeLost(diags *diag.Diagnostics, replacement, why string) {
	if replacement == "" {
		return
	}
	diags.AddWarning("Recovery Code Used and Its Replacement Not Kept",
		"Nothing but the user's recovery code could pass MFA, so the provider used it "+why+". Auth0 issued a new "+
			"recovery code that has nowhere to be stored, and the old one no longer works. Give the user a new one with "+
			"auth0mfa_recovery_code_regeneration (or the Auth0 Dashboard).")
}

func configureData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil // the provider is not configured yet (validate, early plan)
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
		return nil
	}
	if data.client == nil {
		diags.Append(data.configErr...)
		return nil
	}
	return data
}

// readAuthenticator refreshes an authenticator: gone or inactive removes it from state with a
// warning, so the next plan recreates it. A rejected password keeps the state as it is: the
// password was probably rotated, and the configuration's new one is stored by the next apply.
func readAuthenticator(ctx context.Context, client *mfaapi.Client, c authenticatorCommon, resp *resource.ReadResponse) {
	login, id, active := c.login, c.id, c.active
	if !login.hasPassword() {
		// Just imported: the password arrives with the configuration; the next plan verifies.
		tflog.Debug(ctx, "skipping refresh: no password in state yet", map[string]any{"authenticator_id": id})
		return
	}
	list, err := client.Session(login.api()).Snapshot(ctx)
	if mfaapi.IsWrongCredentials(err) {
		resp.Diagnostics.AddWarning("Could Not Refresh the Authenticator",
			fmt.Sprintf("Auth0 rejected the password stored in state for user %q, so %s was not checked. If the password "+
				"was rotated, set the new one in login.password and apply.", login.Username.ValueString(), id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could Not Read the Authenticator", login.api(), err)
		return
	}
	for _, a := range list {
		if a.ID == id && a.Active {
			*active = types.BoolValue(true)
			c.fillFromListing(a, list)
			return
		}
	}
	detail := fmt.Sprintf("Auth0 no longer lists %s as an active factor of user %q (it was deleted or reset outside "+
		"Terraform). It is removed from state, and the next apply enrolls a new one.", id, login.Username.ValueString())
	if c.holdsRecoveryCode {
		// Never let a secret leave state unannounced: say where it is and how to use it.
		detail += " The user's recovery code, which this resource's state held (recovery_codes or new_recovery_code), " +
			"leaves state with it. It still works while the user has another factor: find it in the state before this " +
			"refresh (terraform.tfstate.backup, or the previous state version of your backend) and set it as " +
			"login.recovery_code, so that the next apply can pass MFA with it."
	}
	resp.Diagnostics.AddWarning("Authenticator No Longer Active", detail)
	resp.State.RemoveResource(ctx)
}

// deleteAuthenticator passes MFA as needed and deletes; an authenticator already gone (404)
// is deleted.
func deleteAuthenticator(ctx context.Context, client *mfaapi.Client, login *loginModel, id string, up mfaapi.StepUp, diags *diag.Diagnostics) {
	if !login.hasPassword() {
		diags.AddError("Cannot Delete Without a Password",
			fmt.Sprintf("%s was imported but no login.password was ever applied, so the provider cannot log in to delete "+
				"it. Apply once with the login block set, or remove it from state with terraform state rm.", id))
		return
	}
	session := client.Session(login.api())
	if err := session.Delete(ctx, id, up); err != nil {
		var notes []string
		if errors.Is(err, mfaapi.ErrNoWayToPassMFA) {
			notes = append(notes, "Destroy passes MFA with what state holds, not with the configuration: a login.otp_secret "+
				"or login.recovery_code added to the configuration since the last apply is not in state yet (an imported "+
				"OTP factor holds no secret of its own). Run terraform apply once to store it, then destroy.")
		}
		addAPIError(diags, "Could Not Delete the Authenticator", login.api(), err, notes...)
	}
	warnTOTPWait(diags, session.Waited())
}

// warnTOTPWait says why an operation was slow when it had to wait for a new 30-second TOTP
// window: Auth0 accepts each code once, and both codes it accepts (this step's and the
// previous one's) had been used by this provider or another run on this machine.
func warnTOTPWait(diags *diag.Diagnostics, waited time.Duration) {
	if waited <= 0 {
		return
	}
	diags.AddWarning("Waited for a New TOTP Window",
		fmt.Sprintf("The provider waited %s for the next 30-second TOTP step: Auth0 accepts each code only once, and "+
			"both codes it accepts now (this step's and the previous one's) were already used: by this run, another "+
			"terraform run on this machine, or a sign-in elsewhere with the same secret (an end-to-end suite that "+
			"signed in just before this run). Runs that pass MFA with the same secret back to back wait like this; "+
			"nothing is wrong.", waited.Round(time.Second)))
}

// importAuthenticator accepts an import ID, "USERNAME:ID" or "REALM/USERNAME:ID", or an
// import block's identity (Terraform 1.12+). The password is part of neither, so login holds
// only the username and realm until the configuration is applied; the next plan is then an
// in-place update of login, not a replacement. It returns the parts for resource-specific
// attributes.
func importAuthenticator(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, kinds ...string) (importID, bool) {
	var id importID
	if req.ID != "" {
		parsed, err := parseImportID(req.ID, kinds...)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", err.Error())
			return importID{}, false
		}
		id = parsed
	} else {
		parsed, ok := importIdentity(ctx, req, &resp.Diagnostics)
		if !ok {
			return importID{}, false
		}
		if err := parsed.checkIdentity(kinds...); err != nil {
			resp.Diagnostics.AddError("Invalid Import Identity", err.Error())
			return importID{}, false
		}
		id = parsed
	}
	realm := types.StringNull()
	if id.realm != "" {
		realm = types.StringValue(id.realm)
	}
	login := &loginModel{
		Username: types.StringValue(id.username), Password: types.StringNull(), Realm: realm, OTPSecret: types.StringNull(),
		RecoveryCode: types.StringNull(),
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.authenticatorID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("login"), login)...)
	setIdentity(ctx, resp.Identity, login, id.authenticatorID, &resp.Diagnostics)
	return id, !resp.Diagnostics.HasError()
}

// saveEnrollment stores a new factor in state and then releases its journal entry: from here
// on Terraform holds it. The entry stays when the state could not be set or terraform went away
// (reqCtx is the request's own context, not the create timeout's), so the next run deletes
// the factor instead of leaving it orphaned.
func saveEnrollment(reqCtx context.Context, resp *resource.CreateResponse, session *mfaapi.Session, e *mfaapi.Enrollment, model any, login *loginModel) {
	diags := resp.State.Set(reqCtx, model)
	setIdentity(reqCtx, resp.Identity, login, e.ID, &diags)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() && reqCtx.Err() == nil {
		session.Recorded(e)
	}
}

func logSwept(ctx context.Context, e *mfaapi.Enrollment) {
	if len(e.SweptPending) > 0 {
		tflog.Info(ctx, "removed stale unconfirmed authenticators of the user", map[string]any{"ids": e.SweptPending})
	}
}

// stringList is a list value, null when empty (the recovery codes of a later factor).
func stringList(vals []string) types.List {
	if len(vals) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, 0, len(vals))
	for _, v := range vals {
		elems = append(elems, types.StringValue(v))
	}
	list, _ := types.ListValue(types.StringType, elems)
	return list
}
