package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// The actions that go through the Management API: day-two operations an administrator would
// otherwise do by hand in the Dashboard.

var (
	_ action.ActionWithModifyPlan = (*resetAuthenticatorsAction)(nil)
	_ action.ActionWithModifyPlan = (*regenerateRecoveryCodeAction)(nil)
)

func newResetAuthenticatorsAction() action.Action    { return &resetAuthenticatorsAction{} }
func newRegenerateRecoveryCodeAction() action.Action { return &regenerateRecoveryCodeAction{} }

// managementAction is what both actions share: the provider's client, and the plan-time check
// that it has a Management API application.
type managementAction struct {
	data *providerData
}

func (a *managementAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan, not the apply, when there is no Management API application.
func (a *managementAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data != nil && !a.data.mgmt.Configured() {
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Missing Management API Application", mfaapi.ErrNoManagementClient.Error()+".")
	}
}

func userIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		Description: "The Auth0 user id, such as `auth0|63d17c639d503d76c056c16e` (for example `auth0_user.x.id` of the " +
			"official provider).",
		Validators: []validator.String{userIDValidator()},
	}
}

type resetAuthenticatorsAction struct{ managementAction }

type resetAuthenticatorsModel struct {
	UserID  types.String `tfsdk:"user_id"`
	Unblock types.Bool   `tfsdk:"unblock"`
}

func (a *resetAuthenticatorsAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_reset_authenticators"
}

func (a *resetAuthenticatorsAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Removes all of a user's MFA factors, pending or confirmed, and the recovery code, through the " +
			"Management API (`DELETE /api/v2/users/{id}/authenticators`), and optionally lifts the user's brute-force " +
			"blocks (`DELETE /api/v2/user-blocks/{id}`): what an administrator does in the Dashboard when a test user " +
			"is locked or in an unknown state. The user's next factor is a first factor again (with a new recovery " +
			"code). Authenticator resources of the user that are still in state find their factor gone at the next " +
			"refresh and are enrolled again. Needs `management_client_id` with the `delete:guardian_enrollments` " +
			"scope (and `update:users` for `unblock`). Terraform 1.14 or newer.",
		Attributes: map[string]schema.Attribute{
			"user_id": userIDAttribute(),
			"unblock": schema.BoolAttribute{
				Optional:    true,
				Description: "Also lift the user's brute-force blocks (all IP addresses). Default `false`.",
			},
		},
	}
}

func (a *resetAuthenticatorsAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg resetAuthenticatorsModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() || a.data == nil {
		return
	}
	userID := cfg.UserID.ValueString()
	if cfg.Unblock.ValueBool() {
		if err := a.data.mgmt.UnblockUser(ctx, userID); err != nil {
			addManagementError(&resp.Diagnostics, managementCallUnblock, userID, err)
			return
		}
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Lifted the brute-force blocks of %s", userID)})
	}
	if err := a.data.mgmt.DeleteAllAuthenticators(ctx, userID); err != nil {
		addManagementError(&resp.Diagnostics, managementCallResetFactors, userID, err)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Removed all MFA factors of %s", userID)})
}

type regenerateRecoveryCodeAction struct{ managementAction }

type regenerateRecoveryCodeModel struct {
	UserID     types.String `tfsdk:"user_id"`
	OutputFile types.String `tfsdk:"output_file"`
}

func (a *regenerateRecoveryCodeAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_regenerate_recovery_code"
}

func (a *regenerateRecoveryCodeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Gives a user a new MFA recovery code through the Management API " +
			"(`POST /api/v2/users/{id}/recovery-code-regeneration`); the previous code stops working at once. The " +
			"operation of the `auth0mfa_recovery_code_regeneration` resource, for when the code should not live in " +
			"state: an action has no state, so the new code is written to `output_file` (mode 0600) or, without it, " +
			"kept nowhere, which revokes a leaked code. The code is a secret: it is never printed. Needs " +
			"`management_client_id` with the `update:users` scope. Terraform 1.14 or newer.",
		Attributes: map[string]schema.Attribute{
			"user_id": userIDAttribute(),
			"output_file": schema.StringAttribute{
				Optional: true,
				Description: "Where to write the new code (the file is replaced, readable by its owner only), for a " +
					"later pipeline step to pick up. Unset: the new code is not kept anywhere.",
				Validators: []validator.String{notBlank()},
			},
		},
	}
}

func (a *regenerateRecoveryCodeAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg regenerateRecoveryCodeModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() || a.data == nil {
		return
	}
	userID, out := cfg.UserID.ValueString(), cfg.OutputFile.ValueString()
	if out != "" {
		// Checked before the call: once Auth0 has replaced the code, the old one is gone.
		if err := checkWritableDir(out); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("output_file"), "Cannot Write the Recovery Code", err.Error()+
				"\n\nNothing was sent to Auth0: the user's recovery code is unchanged.")
			return
		}
	}
	code, err := a.data.mgmt.RegenerateRecoveryCode(ctx, userID)
	if err != nil {
		addManagementError(&resp.Diagnostics, managementCallRecoveryCode, userID, err)
		return
	}
	if out == "" {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Replaced the recovery code of %s; the new one was not kept (no output_file)", userID)})
		return
	}
	if err := writeSecretFile(out, code+"\n"); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("output_file"), "Recovery Code Replaced but Not Written",
			fmt.Sprintf("Auth0 replaced the recovery code of %s, but the new one could not be written: %v. The old code no "+
				"longer works; invoke the action again once the file can be written.", userID, err))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Replaced the recovery code of %s; the new one is in %s", userID, out)})
}

// checkWritableDir reports a file whose directory does not exist or cannot be written.
func checkWritableDir(file string) error {
	dir := filepath.Dir(file)
	probe, err := os.CreateTemp(dir, ".auth0mfa-probe-*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, err)
	}
	name := probe.Name()
	return errors.Join(probe.Close(), os.Remove(name))
}

// writeSecretFile replaces file with content, readable by its owner only, never half-written.
func writeSecretFile(file, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".auth0mfa-*")
	if err != nil {
		return err
	}
	// CreateTemp makes the file 0600; the rename replaces file in one step.
	_, err = tmp.WriteString(content)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
