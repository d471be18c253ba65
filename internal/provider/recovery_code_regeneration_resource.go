package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

var _ resource.ResourceWithModifyPlan = (*recoveryCodeRegenerationResource)(nil)

// NewRecoveryCodeRegenerationResource is the auth0mfa_recovery_code_regeneration resource.
func NewRecoveryCodeRegenerationResource() resource.Resource {
	return &recoveryCodeRegenerationResource{}
}

type recoveryCodeRegenerationResource struct {
	data *providerData
}

type recoveryCodeRegenerationModel struct {
	ID           types.String `tfsdk:"id"`
	UserID       types.String `tfsdk:"user_id"`
	Triggers     types.Map    `tfsdk:"triggers"`
	RecoveryCode types.String `tfsdk:"recovery_code"`
}

func (r *recoveryCodeRegenerationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_code_regeneration"
}

func (r *recoveryCodeRegenerationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Gives an Auth0 user a new MFA recovery code through the Management API " +
			"(`POST /api/v2/users/{id}/recovery-code-regeneration`) and keeps it in state. The user's previous recovery " +
			"code stops working. Use it to hand a test or robot user a known recovery code, or to rotate one: a new " +
			"code is made when `user_id` or `triggers` change. The user needs a confirmed MFA factor (recovery codes " +
			"exist beside one), and the provider needs `management_client_id` and `management_client_secret`.\n\n" +
			"A recovery code is single-use: once it passes MFA (for example through `login.recovery_code`), Auth0 " +
			"issues another and the one in state is spent. Auth0 cannot show a recovery code again, so this resource " +
			"cannot detect that; change `triggers` to get a fresh one. Destroying the resource only forgets the code.\n\n" +
			"It cannot be imported: Auth0 never shows an existing recovery code, so there would be nothing to put in " +
			"state. Create the resource instead (which issues a new code), or keep an existing code in `login.recovery_code`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "The user's id; a new code replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				Required: true,
				Description: "The Auth0 user id, such as `auth0|63d17c639d503d76c056c16e` (for example `auth0_user.x.id` of the " +
					"official provider). Changing it makes a new code for the new user.",
				Validators:    []validator.String{userIDValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"triggers": schema.MapAttribute{
				ElementType:   types.StringType,
				Optional:      true,
				Description:   "Arbitrary values; any change makes a new recovery code (for example `{ rotated = \"2026-11\" }`).",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"recovery_code": schema.StringAttribute{
				Computed:      true,
				Sensitive:     true,
				Description:   "The new recovery code: 24 characters, single-use. The user's previous code no longer works.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// userIDValidator accepts Auth0's "provider|id" user ids.
func userIDValidator() validator.String {
	return stringCheck{
		desc: "an Auth0 user id such as auth0|63d17c639d503d76c056c16e",
		check: func(v string) error {
			provider, id, ok := strings.Cut(v, "|")
			if !ok || strings.TrimSpace(provider) == "" || strings.TrimSpace(id) == "" || strings.ContainsAny(v, " /\t\n") {
				return errInvalid(fmt.Sprintf("%q is not an Auth0 user id: expected PROVIDER|ID, such as auth0|63d17c639d503d76c056c16e", v))
			}
			return nil
		},
	}
}

func (r *recoveryCodeRegenerationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan stops a plan that would create a code without Management credentials, so the
// error comes at plan time rather than halfway through an apply.
func (r *recoveryCodeRegenerationResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	creating := req.State.Raw.IsNull() && !req.Plan.Raw.IsNull()
	replacing := !req.State.Raw.IsNull() && !req.Plan.Raw.IsNull() && len(resp.RequiresReplace) > 0
	if r.data == nil || (!creating && !replacing) { // configureData leaves r.data nil without a client
		return
	}
	if !r.data.mgmt.Configured() {
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Missing Management API Application", mfaapi.ErrNoManagementClient.Error()+".")
	}
}

func (r *recoveryCodeRegenerationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan recoveryCodeRegenerationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.data == nil {
		if r.data == nil {
			resp.Diagnostics.AddError("Provider Not Configured", "The auth0mfa provider was not configured. This is a bug in the provider.")
		}
		return
	}
	userID := plan.UserID.ValueString()
	code, err := r.data.mgmt.RegenerateRecoveryCode(ctx, userID)
	if err != nil {
		addManagementError(&resp.Diagnostics, managementCallRecoveryCode, userID, err)
		return
	}
	plan.ID, plan.RecoveryCode = types.StringValue(userID), types.StringValue(code)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state: Auth0 never shows a recovery code again, so there is nothing to
// compare it with.
func (r *recoveryCodeRegenerationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state recoveryCodeRegenerationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// Update is never called with a change Auth0 must see: user_id and triggers replace.
func (r *recoveryCodeRegenerationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan recoveryCodeRegenerationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Delete forgets the code. Auth0 has no call that removes a recovery code alone; it goes with
// the user's last factor.
func (r *recoveryCodeRegenerationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
