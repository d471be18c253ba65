package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// totpCodeEphemeral is the auth0mfa_totp_code ephemeral resource: the current code of an OTP
// secret, computed locally when Terraform opens it and never written to plan or state.
type totpCodeEphemeral struct {
	now func() time.Time
}

func newTOTPCodeEphemeral() ephemeral.EphemeralResource { return &totpCodeEphemeral{now: time.Now} }

type totpCodeModel struct {
	Secret     types.String `tfsdk:"secret"`
	Code       types.String `tfsdk:"code"`
	ValidUntil types.String `tfsdk:"valid_until"`
}

func (e *totpCodeEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_totp_code"
}

func (e *totpCodeEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The current TOTP code of an Auth0 OTP secret, computed locally (RFC 6238: HMAC-SHA1, " +
			"6 digits, 30-second steps) each time Terraform opens it, and never stored in plan or state " +
			"(Terraform 1.10 or later). Use it to hand a fresh code to something that needs one during the run, " +
			"such as a provider block or a write-only attribute that logs in as the user; use the " +
			"`totp_code` function instead when the time must be an explicit, repeatable input. No request is sent " +
			"to Auth0 and no provider credentials are needed.",
		Attributes: map[string]schema.Attribute{
			"secret": schema.StringAttribute{
				Required: true, Sensitive: true,
				MarkdownDescription: "The base32 TOTP secret, such as `auth0mfa_otp_authenticator.x.secret`.",
				Validators:          []validator.String{otpSecretValidator{}},
			},
			"code": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The 6-digit code of the current 30-second step.",
			},
			"valid_until": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the current step ends (RFC 3339, UTC). Auth0 also accepts the code during the following step.",
			},
		},
	}
}

func (e *totpCodeEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m totpCodeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := e.now()
	code, err := totp.Code(m.Secret.ValueString(), now)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("secret"), "Invalid TOTP Secret", err.Error())
		return
	}
	m.Code = types.StringValue(code)
	m.ValidUntil = types.StringValue(time.Unix((totp.Step(now)+1)*totp.Period, 0).UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
