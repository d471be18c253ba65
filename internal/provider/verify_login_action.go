package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/bindingcode"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

var (
	_ action.ActionWithConfigure      = (*verifyLoginAction)(nil)
	_ action.ActionWithValidateConfig = (*verifyLoginAction)(nil)
)

// verifyLoginTimeout bounds one verification: a login, a challenge and a code read by a
// command that may wait for an SMS to arrive.
const verifyLoginTimeout = 5 * time.Minute

func newVerifyLoginAction() action.Action { return &verifyLoginAction{} }

// verifyLoginAction signs a user in and passes MFA with one given factor: a smoke test that
// a test user can really log in, after enrolling it.
type verifyLoginAction struct {
	data   *providerData
	runner bindingcode.Runner
}

// actionLoginModel is `login` of an action (login_schemas.go): no recovery code, which a
// verification would spend.
type actionLoginModel struct {
	Username  types.String `tfsdk:"username"`
	Password  types.String `tfsdk:"password"`
	Realm     types.String `tfsdk:"realm"`
	OTPSecret types.String `tfsdk:"otp_secret"`
}

func (l *actionLoginModel) api() mfaapi.Login {
	return mfaapi.Login{Username: l.Username.ValueString(), Password: l.Password.ValueString(),
		Realm: l.Realm.ValueString(), OTPSecret: l.OTPSecret.ValueString()}
}

type verifyLoginModel struct {
	Login              *actionLoginModel `tfsdk:"login"`
	AuthenticatorID    types.String      `tfsdk:"authenticator_id"`
	BindingCodeCommand types.List        `tfsdk:"binding_code_command"`
	PhoneNumber        types.String      `tfsdk:"phone_number"`
	Email              types.String      `tfsdk:"email"`
}

func (a *verifyLoginAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_verify_login"
}

func (a *verifyLoginAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Signs a user in as an application would (a password grant) and passes MFA with one given factor: " +
			"an OTP factor through `login.otp_secret`, or an out-of-band factor (`authenticator_id`) through " +
			"`binding_code_command` (SMS, voice, email) or the Guardian app (push). It proves that the user can " +
			"really sign in with that factor, and fails with Auth0's reason otherwise. Nothing changes at the tenant " +
			"(one login; with a TOTP code, one of the codes Auth0 accepts once). Terraform 1.14 or newer.\n\n" +
			"**Pass `password` and `otp_secret` as sensitive values** (a `sensitive` variable, a resource's secret " +
			"such as `auth0mfa_otp_authenticator.x.secret`): an action cannot mark its own attributes sensitive, and " +
			"the plan prints an action's configuration, so a literal password would appear in it.",
		Attributes: map[string]schema.Attribute{
			"login": actionLoginAttribute("The user to sign in as. Set `otp_secret` to pass MFA with that OTP factor, "+
				"or leave it out and set `authenticator_id`.", true),
			"authenticator_id": schema.StringAttribute{
				Optional: true,
				Description: "The out-of-band factor to pass MFA with, for example `auth0mfa_oob_authenticator.sms.id` " +
					"(`sms|…`, `voice|…`, `email|…` or `push|…`). Conflicts with `login.otp_secret`.",
				Validators: []validator.String{oobAuthenticatorIDValidator()},
			},
			"binding_code_command": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "For an SMS, voice or email factor: the command that prints the code Auth0 sends, with the " +
					"same contract as the `auth0mfa_oob_authenticator` argument of that name.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"phone_number": schema.StringAttribute{
				Optional:    true,
				Description: "The factor's phone number, handed to `binding_code_command` as `AUTH0MFA_PHONE_NUMBER`.",
				Validators:  []validator.String{e164Validator()},
			},
			"email": schema.StringAttribute{
				Optional:    true,
				Description: "The factor's email address, handed to `binding_code_command` as `AUTH0MFA_EMAIL`.",
				Validators:  []validator.String{emailValidator()},
			},
		},
	}
}

func (a *verifyLoginAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg verifyLoginModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() || cfg.Login == nil {
		return
	}
	if cfg.Login.OTPSecret.IsUnknown() || cfg.AuthenticatorID.IsUnknown() {
		return // known only at apply: without a factor, Invoke fails with addAPIError's advice for ErrNoWayToPassMFA
	}
	hasSecret, hasID := !cfg.Login.OTPSecret.IsNull(), !cfg.AuthenticatorID.IsNull()
	switch {
	case hasSecret && hasID:
		resp.Diagnostics.AddAttributeError(path.Root("authenticator_id"), "Two Factors Given",
			"A verification passes MFA with one factor: remove login.otp_secret to use authenticator_id, or remove authenticator_id.")
	case !hasSecret && !hasID:
		resp.Diagnostics.AddAttributeError(path.Root("login").AtName("otp_secret"), "No Factor Given",
			"Say which factor to pass MFA with: login.otp_secret (an OTP factor's secret), or authenticator_id (an "+
				"out-of-band factor's id, with binding_code_command for SMS, voice and email).")
	case hasID && needsBindingCode(cfg.AuthenticatorID.ValueString()) && cfg.BindingCodeCommand.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("binding_code_command"), "Missing Binding Code Command",
			"Auth0 sends a code to "+cfg.AuthenticatorID.ValueString()+": set binding_code_command to a command that prints it.")
	}
}

// needsBindingCode reports whether the factor is confirmed with a code Auth0 sends (not push).
func needsBindingCode(authenticatorID string) bool {
	kind, _, _ := strings.Cut(authenticatorID, "|")
	return kind == "sms" || kind == "voice" || kind == "email"
}

func (a *verifyLoginAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (a *verifyLoginAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg verifyLoginModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() || a.data == nil || cfg.Login == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, verifyLoginTimeout)
	defer cancel()
	login := cfg.Login.api()
	up, factor := mfaapi.StepUp{}, "its OTP factor"
	if id := cfg.AuthenticatorID.ValueString(); id != "" {
		var argv []string
		resp.Diagnostics.Append(cfg.BindingCodeCommand.ElementsAs(ctx, &argv, true)...)
		if len(argv) > 0 {
			if err := bindingcode.CheckStartable(argv); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("binding_code_command"), "Binding Code Command Cannot Be Started",
					err.Error()+"\n\nNothing was sent to Auth0.")
				return
			}
		}
		up.OOB, factor = a.data.client.OOBStepUp(id, a.fetcher(cfg, argv)), id
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Signing in as %q and passing MFA with %s", login.Username, factor)})
	if err := a.data.client.Session(login).ProveMFA(ctx, up); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("User %q Could Not Sign In With %s", login.Username, factor), login, err)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("User %q signed in and passed MFA with %s", login.Username, factor)})
}

// fetcher reads the code Auth0 sends for the factor, or is nil for push (the Guardian app approves).
func (a *verifyLoginAction) fetcher(cfg verifyLoginModel, argv []string) mfaapi.BindingCodeFetcher {
	if len(argv) == 0 {
		return nil
	}
	channel, _, _ := strings.Cut(cfg.AuthenticatorID.ValueString(), "|")
	req := bindingcode.Request{Argv: argv, Channel: channel, PhoneNumber: cfg.PhoneNumber.ValueString(),
		Email: cfg.Email.ValueString(), Username: cfg.Login.Username.ValueString()}
	return a.runner.Fetcher(req)
}

// oobAuthenticatorIDValidator accepts the id of an out-of-band factor.
func oobAuthenticatorIDValidator() validator.String {
	return stringCheck{desc: "the id of an SMS, voice, email or push factor", check: func(v string) error {
		err := importID{authenticatorID: v}.checkKind("sms", "voice", "email", "push")
		if err != nil {
			return errInvalid(fmt.Sprintf("%q is not the id of an out-of-band factor (sms|…, voice|…, email|… or push|…); "+
				"for an OTP factor set login.otp_secret instead", v))
		}
		return nil
	}}
}
