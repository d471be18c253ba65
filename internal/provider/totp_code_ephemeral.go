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
	// book is the provider's record of used TOTP steps when the provider is configured for a
	// tenant, else one shared with other processes through the user cache directory: the code
	// handed out is one no operation of this provider (or run on this machine) has used.
	book *totp.Book
}

var _ ephemeral.EphemeralResourceWithConfigure = (*totpCodeEphemeral)(nil)

func newTOTPCodeEphemeral() ephemeral.EphemeralResource { return &totpCodeEphemeral{now: time.Now} }

func (e *totpCodeEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, _ *ephemeral.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok && data.client != nil {
		e.book = data.client.Codes()
	}
}

func (e *totpCodeEphemeral) codes() *totp.Book {
	if e.book == nil {
		e.book = totp.NewBook(e.now).WithStore(totp.DefaultStore())
	}
	return e.book
}

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
		MarkdownDescription: "A TOTP code of an Auth0 OTP secret that no operation of this provider has used, computed " +
			"locally (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) each time Terraform opens it, and never stored in " +
			"plan or state (Terraform 1.10 or later). Auth0 accepts each code once, for the current and the previous " +
			"step; the provider records the steps it uses (also across terraform runs on this machine), so the code " +
			"returned is never one a resource of the same run has just spent, and later operations (in this run and in " +
			"later runs on this machine) leave it to you. Each open hands out its own code, and Terraform opens an " +
			"ephemeral resource in every walk (plan and apply): when both valid codes of a step are taken, opening " +
			"waits for the next step (at most 30 s). Use it to hand a fresh code to something that needs one during the run, " +
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
				MarkdownDescription: "The 6-digit code: the current step's, or the previous step's when the current one was used.",
			},
			"valid_until": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The last moment Auth0 accepts the code (RFC 3339, UTC): the end of the step after the code's own.",
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
	code, step, wait, err := e.codes().Hand(m.Secret.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("secret"), "Invalid TOTP Secret", err.Error())
		return
	}
	if wait > 0 {
		// Both codes Auth0 accepts now were used by this provider: the next step's is the first free one.
		select {
		case <-ctx.Done():
			resp.Diagnostics.AddError("TOTP Code Not Ready", "Terraform stopped the run while waiting for the next TOTP step.")
			return
		case <-time.After(wait):
		}
	}
	m.Code = types.StringValue(code)
	// Auth0 accepts a step's code during that step and the next one.
	m.ValidUntil = types.StringValue(time.Unix((step+2)*totp.Period, 0).UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
