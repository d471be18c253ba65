package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

var (
	_ resource.ResourceWithConfigure   = (*otpAuthenticatorResource)(nil)
	_ resource.ResourceWithImportState = (*otpAuthenticatorResource)(nil)
	_ resource.ResourceWithIdentity    = (*otpAuthenticatorResource)(nil)
)

const (
	otpCreateTimeout = 5 * time.Minute
	otpDeleteTimeout = 5 * time.Minute
)

// NewOTPAuthenticatorResource is the auth0mfa_otp_authenticator resource.
func NewOTPAuthenticatorResource() resource.Resource { return &otpAuthenticatorResource{} }

type otpAuthenticatorResource struct {
	data *providerData
}

type otpAuthenticatorModel struct {
	ID            types.String   `tfsdk:"id"`
	Login         *loginModel    `tfsdk:"login"`
	Secret        types.String   `tfsdk:"secret"`
	BarcodeURI    types.String   `tfsdk:"barcode_uri"`
	RecoveryCodes types.List     `tfsdk:"recovery_codes"`
	Active        types.Bool     `tfsdk:"active"`
	NewRecovery   types.String   `tfsdk:"new_recovery_code"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (r *otpAuthenticatorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_otp_authenticator"
}

func (r *otpAuthenticatorResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An OTP (TOTP authenticator app) factor of an Auth0 user, enrolled and confirmed in one apply. " +
			"The provider associates the factor, computes a code from its secret, confirms it, and keeps the secret " +
			"in state so that tests and robots can compute codes. The secret and the otpauth URI are sensitive: store " +
			"state in an encrypted backend. For the QR code an app scans, call " +
			"`provider::auth0mfa::qr_code_png(auth0mfa_otp_authenticator.x.barcode_uri)`.\n\n" +
			"Timeouts: `create` and `delete` default to 5 minutes (a `timeouts` block changes them); they bound the " +
			"retries of rate-limited or failing requests and any wait for a new 30-second TOTP window.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, PlanModifiers: keep,
				Description: "The Auth0 authenticator id, for example `totp|dev_WzMZ2sZbUw1wbC2F`.",
			},
			"login": loginResourceAttribute(),
			"secret": schema.StringAttribute{
				Computed: true, Sensitive: true, PlanModifiers: keep,
				Description: "The base32 TOTP secret (SHA1, 6 digits, 30 s). Null after import: Auth0 never shows it again.",
			},
			"barcode_uri": schema.StringAttribute{
				Computed: true, Sensitive: true, PlanModifiers: keep,
				Description: "The `otpauth://totp/...` URI an authenticator app scans; it contains the secret. Null after import.",
			},
			"recovery_codes": schema.ListAttribute{
				Computed: true, Sensitive: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				Description: "The user's recovery code, which Auth0 issues only with a user's first factor. Null when this " +
					"was not the user's first factor, and after import.",
			},
			"new_recovery_code": newRecoveryCodeAttribute(),
			"active": schema.BoolAttribute{
				Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseNonNullStateForUnknown()},
				Description: "Whether Auth0 lists the factor as confirmed. A factor found inactive or gone is removed from state.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *otpAuthenticatorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *otpAuthenticatorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan otpAuthenticatorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, otpCreateTimeout)
	resp.Diagnostics.Append(diags...)
	reqCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	login := plan.Login.api()
	session := r.data.client.Session(login)
	var replacement string
	e, err := session.EnrollOTP(ctx, recoveryStepUp(mfaapi.StepUp{}, plan.Login, types.StringNull(), &replacement))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could Not Enroll the OTP Authenticator", login, err)
		warnTOTPWait(&resp.Diagnostics, session.Waited())
		warnRecoveryCodeLost(&resp.Diagnostics, replacement, "and the enrollment then failed")
		return
	}
	logSwept(ctx, e)
	warnTOTPWait(&resp.Diagnostics, session.Waited())
	plan.ID = types.StringValue(e.ID)
	plan.Secret = types.StringValue(e.Association.Secret)
	plan.BarcodeURI = types.StringValue(e.Association.BarcodeURI)
	plan.RecoveryCodes = stringList(e.RecoveryCodes)
	plan.Active = types.BoolValue(true)
	plan.NewRecovery = optionalString(replacement)
	saveEnrollment(reqCtx, resp, session, e, &plan, plan.Login)
}

func (r *otpAuthenticatorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource[otpAuthenticatorModel](ctx, r.data, req, resp)
}

// Update only ever changes login.password or login.otp_secret (everything else replaces), which
// change how the provider logs in, not the factor; a new password is verified (updateResource).
func (r *otpAuthenticatorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource[otpAuthenticatorModel](ctx, r.data, req, resp)
}

// Delete passes MFA with the factor's own secret (or login.otp_secret).
func (r *otpAuthenticatorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r.data, req, resp, otpDeleteTimeout, func(m *otpAuthenticatorModel) mfaapi.StepUp {
		return mfaapi.StepUp{OTPSecrets: []string{m.Secret.ValueString()}}
	})
}

func (r *otpAuthenticatorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = authenticatorIdentitySchema("totp|dev_WzMZ2sZbUw1wbC2F")
}

func (r *otpAuthenticatorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importAuthenticator(ctx, req, resp, "totp")
}

func (m *otpAuthenticatorModel) common() authenticatorCommon {
	return authenticatorCommon{login: m.Login, id: m.ID.ValueString(), active: &m.Active, timeouts: m.Timeouts, newRecoveryCode: m.NewRecovery,
		holdsRecoveryCode: holdsRecoveryCode(m.RecoveryCodes, m.NewRecovery)}
}
