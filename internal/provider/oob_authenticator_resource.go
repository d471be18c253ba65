package provider

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/bindingcode"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

var (
	_ resource.ResourceWithConfigure      = (*oobAuthenticatorResource)(nil)
	_ resource.ResourceWithIdentity       = (*oobAuthenticatorResource)(nil)
	_ resource.ResourceWithImportState    = (*oobAuthenticatorResource)(nil)
	_ resource.ResourceWithValidateConfig = (*oobAuthenticatorResource)(nil)
)

const (
	oobCreateTimeout = 10 * time.Minute
	oobDeleteTimeout = 10 * time.Minute
	channelPush      = "auth0"
)

// NewOOBAuthenticatorResource is the auth0mfa_oob_authenticator resource.
func NewOOBAuthenticatorResource() resource.Resource { return &oobAuthenticatorResource{} }

type oobAuthenticatorResource struct {
	data   *providerData
	runner bindingcode.Runner
}

type oobAuthenticatorModel struct {
	ID                 types.String   `tfsdk:"id"`
	Login              *loginModel    `tfsdk:"login"`
	Channel            types.String   `tfsdk:"channel"`
	PhoneNumber        types.String   `tfsdk:"phone_number"`
	Email              types.String   `tfsdk:"email"`
	BindingCodeCommand types.List     `tfsdk:"binding_code_command"`
	Name               types.String   `tfsdk:"name"`
	Active             types.Bool     `tfsdk:"active"`
	RecoveryCodes      types.List     `tfsdk:"recovery_codes"`
	CompanionIDs       types.List     `tfsdk:"companion_ids"`
	BarcodeURI         types.String   `tfsdk:"barcode_uri"`
	NewRecovery        types.String   `tfsdk:"new_recovery_code"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

// e164 is "+", a country digit other than 0, and 6 to 14 more digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func (r *oobAuthenticatorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oob_authenticator"
}

func (r *oobAuthenticatorResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An out-of-band factor of an Auth0 user (SMS, voice call, email, or Guardian push), enrolled and " +
			"confirmed in one apply. Auth0 sends a code to the phone or inbox; the provider runs `binding_code_command` " +
			"to read it and confirms the factor. Push is confirmed when the Guardian app approves the enrollment: a real " +
			"tenant needs a device to scan `barcode_uri`, and the emulator approves through its control API.\n\n" +
			"Timeouts: `create` and `delete` default to 10 minutes (a `timeouts` block changes them). They bound how " +
			"long `binding_code_command` is retried until it prints the code (a command that cannot be started fails at " +
			"once), how long a push waits for approval, and the retries of rate-limited or failing requests.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				Description: "The Auth0 authenticator id, for example `sms|dev_NU1Ofuw3Cw0XCt5x`."},
			"login": loginResourceAttribute(),
			"channel": schema.StringAttribute{
				Required: true,
				Description: "`sms`, `voice`, `email`, or `auth0` (Guardian push). Changing it replaces the resource. With both " +
					"SMS and voice enabled, Auth0 enrolls the pair `sms|X` and `voice|X`; see `companion_ids`.",
				Validators:    []validator.String{stringvalidator.OneOf("sms", "voice", "email", channelPush)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"phone_number": schema.StringAttribute{
				Optional: true,
				Description: "The phone number in E.164 format (`+15551234567`); required for `sms` and `voice`, not allowed " +
					"otherwise. Changing it replaces the resource.",
				Validators:    []validator.String{e164Validator()},
				PlanModifiers: []planmodifier.String{replaceUnlessImported()},
			},
			"email": schema.StringAttribute{
				Optional: true,
				Description: "For the `email` channel: the address codes go to; Auth0 uses the user's email when unset. " +
					"Changing it replaces the resource.",
				Validators:    []validator.String{emailValidator()},
				PlanModifiers: []planmodifier.String{replaceUnlessImported()},
			},
			"binding_code_command": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "The command that prints the code Auth0 sent, as an argv list run without a shell: for example a " +
					"script that reads a test SMS or email inbox, or `[\"auth0mfa-emulator\", \"code\", \"--url\", \"http://127.0.0.1:8787\"]`. " +
					"Required for `sms`, `voice` and `email`. It runs on create, and whenever the provider passes MFA with this " +
					"factor (deleting it). Its environment carries `AUTH0MFA_CHANNEL`, `AUTH0MFA_PHONE_NUMBER` or " +
					"`AUTH0MFA_EMAIL`, `AUTH0MFA_USERNAME` and `AUTH0MFA_SENT_AT` (RFC 3339), and no other `AUTH0MFA_*` " +
					"variable (so never the provider's credentials). It must print only the code on stdout; a run that fails " +
					"or prints nothing is retried with backoff until the create timeout. Changing it updates state only.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(notBlank())},
			},
			"name": schema.StringAttribute{Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), listedAfterImport{}},
				Description: "Auth0's masked destination (`XXXXXXXX4567`, `chuc****@exam*******`) or the push device's name. " +
					"After an import it is empty (`\"\"`) until the first apply, which lists it (an import has no password to list with)."},
			"active": schema.BoolAttribute{Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseNonNullStateForUnknown()},
				Description: "Whether Auth0 lists the factor as confirmed. A factor found inactive or gone is removed from state."},
			"recovery_codes": schema.ListAttribute{
				Computed: true, Sensitive: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				Description:   "The user's recovery code, issued only with a user's first factor; null otherwise and after import.",
			},
			"new_recovery_code": newRecoveryCodeAttribute(),
			"companion_ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), listedAfterImport{}},
				Description: "Authenticators Auth0 created with this one and deletes with it: the `voice|…` twin of an " +
					"`sms|…` (and the reverse), the `totp|…` enrolled with a push. Do not manage them with another resource. After an " +
					"import it is empty until the first apply, which fills in the sms/voice twin from Auth0's list (a push factor's " +
					"`totp|…` companion cannot be told from the list, so it stays empty).",
			},
			"barcode_uri": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep,
				Description: "For push: the enrollment URI the Guardian app scans. Null for other channels."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func e164Validator() validator.String {
	return stringvalidator.RegexMatches(e164, "must be in E.164 format: a + followed by the country code and number, for example +15551234567")
}

func emailValidator() validator.String {
	return stringCheck{desc: "an email address", check: func(s string) error {
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return errInvalid("the value is not a plain email address such as bot@example.com")
		}
		return nil
	}}
}

// ValidateConfig checks the attributes that depend on the channel, at plan time.
func (r *oobAuthenticatorResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg oobAuthenticatorModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Channel.IsUnknown() || cfg.Channel.IsNull() {
		return
	}
	channel := cfg.Channel.ValueString()
	phone, email, command := !cfg.PhoneNumber.IsNull(), !cfg.Email.IsNull(), !cfg.BindingCodeCommand.IsNull()
	switch channel {
	case "sms", "voice":
		if !phone {
			resp.Diagnostics.AddAttributeError(path.Root("phone_number"), "Missing Phone Number",
				"The "+channel+" channel sends codes to a phone: set phone_number in E.164 format, for example +15551234567.")
		}
		if email {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Email Not Used", "email applies to the email channel only; remove it for "+channel+".")
		}
	case "email":
		if phone {
			resp.Diagnostics.AddAttributeError(path.Root("phone_number"), "Phone Number Not Used",
				"phone_number applies to the sms and voice channels only; remove it for the email channel.")
		}
	case channelPush:
		if phone || email {
			resp.Diagnostics.AddAttributeError(path.Root("channel"), "Destination Not Used",
				"A push factor (channel auth0) goes to the Guardian app: remove phone_number and email.")
		}
	}
	if channel != channelPush && !command {
		resp.Diagnostics.AddAttributeError(path.Root("binding_code_command"), "Missing Binding Code Command",
			"Auth0 confirms a "+channel+" factor with the code it sends. Set binding_code_command to a command that prints "+
				"that code, for example a script that reads the test inbox, or [\"auth0mfa-emulator\", \"code\", \"--url\", URL] "+
				"with the emulator.")
	}
}

func (r *oobAuthenticatorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// fetcher reads binding codes with the resource's command.
func (m *oobAuthenticatorModel) argv(ctx context.Context) []string {
	var argv []string
	if !m.BindingCodeCommand.IsNull() && !m.BindingCodeCommand.IsUnknown() {
		m.BindingCodeCommand.ElementsAs(ctx, &argv, false)
	}
	return argv
}

func (r *oobAuthenticatorResource) fetcher(ctx context.Context, m *oobAuthenticatorModel) mfaapi.BindingCodeFetcher {
	argv := m.argv(ctx)
	if len(argv) == 0 {
		return nil
	}
	email := m.Email.ValueString()
	if email == "" && m.Channel.ValueString() == "email" && strings.Contains(m.Login.Username.ValueString(), "@") {
		// Auth0 sends to the user's email; for database users that is usually the username.
		email = m.Login.Username.ValueString()
	}
	req := bindingcode.Request{Argv: argv, Channel: m.Channel.ValueString(), PhoneNumber: m.PhoneNumber.ValueString(),
		Email: email, Username: m.Login.Username.ValueString()}
	return r.runner.Fetcher(req)
}

func (m *oobAuthenticatorModel) destination() string {
	if m.PhoneNumber.ValueString() != "" {
		return m.PhoneNumber.ValueString()
	}
	return m.Email.ValueString()
}

func (r *oobAuthenticatorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oobAuthenticatorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, oobCreateTimeout)
	resp.Diagnostics.Append(diags...)
	reqCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if argv := plan.argv(ctx); len(argv) > 0 {
		// A command that cannot start would fail after Auth0 created a pending factor.
		if err := bindingcode.CheckStartable(argv); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("binding_code_command"), "Binding Code Command Cannot Be Started",
				err.Error()+"\n\nNothing was sent to Auth0. Give the command as an argv list whose first element is an "+
					"executable file (an absolute path, or a program on the PATH of the terraform process).")
			return
		}
	}
	channel := plan.Channel.ValueString()
	assoc := mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{channel},
		PhoneNumber: plan.PhoneNumber.ValueString(), Email: plan.Email.ValueString()}
	fetch := r.fetcher(ctx, &plan)
	login := plan.Login.api()
	session := r.data.client.Session(login)
	// The enrollment lists first anyway; this listing is the one it reuses (Snapshot).
	if list, err := session.Snapshot(ctx); err == nil {
		if dup := activeForDestination(list, channel, plan.destination()); dup != nil {
			refuseDuplicateDestination(&resp.Diagnostics, plan.Login, dup)
			return
		}
	}
	var replacement string
	up := recoveryStepUp(mfaapi.StepUp{}, plan.Login, types.StringNull(), &replacement)
	e, err := session.EnrollOOB(ctx, assoc, fetch, up)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could Not Enroll the "+channelTitle(channel)+" Authenticator", login, err)
		warnRecoveryCodeLost(&resp.Diagnostics, replacement, "and the enrollment then failed")
		return
	}
	logSwept(ctx, e)
	warnTOTPWait(&resp.Diagnostics, session.Waited())
	plan.ID = types.StringValue(e.ID)
	plan.Active = types.BoolValue(true)
	plan.RecoveryCodes = stringList(e.RecoveryCodes)
	plan.CompanionIDs = stringListOrEmpty(e.CompanionIDs)
	plan.BarcodeURI = optionalString(e.Association.BarcodeURI)
	plan.Name = optionalString(e.Name)
	plan.NewRecovery = optionalString(replacement)
	saveEnrollment(reqCtx, resp, session, e, &plan, plan.Login)
}

// activeForDestination finds the user's active factor of channel (or its sms/voice twin) whose
// masked name could stand for dest.
func activeForDestination(list []mfaapi.Authenticator, channel, dest string) *mfaapi.Authenticator {
	if dest == "" {
		return nil
	}
	for i, a := range list {
		sameKind := a.OOBChannel == channel || (isPhoneChannel(a.OOBChannel) && isPhoneChannel(channel))
		if a.Active && a.AuthenticatorType == "oob" && sameKind && mfaapi.MatchesMasked(a.Name, dest) {
			return &list[i]
		}
	}
	return nil
}

func isPhoneChannel(c string) bool { return c == "sms" || c == "voice" }

// refuseDuplicateDestination stops an enrollment that would give the user a second factor for
// a destination it has one for already (typically left by a failed import or a killed run):
// the second factor would be unmanaged, and the first one would never be cleaned up.
func refuseDuplicateDestination(diags *diag.Diagnostics, login *loginModel, dup *mfaapi.Authenticator) {
	importID := login.Username.ValueString() + ":" + dup.ID
	if realm := login.Realm.ValueString(); realm != "" {
		importID = realm + "/" + importID
	}
	diags.AddAttributeError(path.Root("channel"), "Destination Already Has an Active Factor",
		fmt.Sprintf("User %q already has an active %s factor %s for this destination (Auth0 shows it as %s). Nothing "+
			"was sent to Auth0: enrolling another one would leave two factors for one destination, one of them managed "+
			"by nobody. Adopt the existing one: terraform import <this resource's address> '%s' (or an import block "+
			"with that id), then apply. Or delete it first (Auth0 Dashboard > User Management > Users > the user > "+
			"Multi-factor Authentication, or the auth0mfa_reset_authenticators action) and apply again.",
			login.Username.ValueString(), channelTitle(dup.OOBChannel), dup.ID, dup.Name, importID))
}

func channelTitle(channel string) string {
	switch channel {
	case "sms":
		return "SMS"
	case channelPush:
		return "Push"
	}
	return strings.ToUpper(channel[:1]) + channel[1:]
}

func (r *oobAuthenticatorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource[oobAuthenticatorModel](ctx, r.data, req, resp)
}

// Update only changes binding_code_command or how the provider logs in; a new password is
// verified (updateResource), nothing else is sent to Auth0.
func (r *oobAuthenticatorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource[oobAuthenticatorModel](ctx, r.data, req, resp)
}

// Delete passes MFA with login.otp_secret or, failing that, with this very factor through its
// own command (or push), then deletes. Auth0 deletes the companion too; a companion already
// gone, or this factor already gone, is not an error.
func (r *oobAuthenticatorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r.data, req, resp, oobDeleteTimeout, func(m *oobAuthenticatorModel) mfaapi.StepUp {
		if fetch := r.fetcher(ctx, m); fetch != nil || m.Channel.ValueString() == channelPush {
			return mfaapi.StepUp{OOB: r.data.client.OOBStepUp(m.ID.ValueString(), fetch)}
		}
		return mfaapi.StepUp{}
	})
}

func (r *oobAuthenticatorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = authenticatorIdentitySchema("sms|dev_NU1Ofuw3Cw0XCt5x")
}

func (r *oobAuthenticatorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importAuthenticator(ctx, req, resp, "sms", "voice", "email", "push")
	if !ok {
		return
	}
	channel, _, _ := strings.Cut(id.authenticatorID, "|")
	if channel == "push" {
		channel = channelPush
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("channel"), channel)...)
	// Known but empty until the first apply lists them (listedAfterImport): an import has no
	// password to list with, and a null would fail every string template that uses them
	// ("Cannot include a null value"), failing the import itself.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), "")...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("companion_ids"), []string{})...)
}

func stringListOrEmpty(vals []string) types.List {
	if len(vals) == 0 {
		empty, _ := types.ListValue(types.StringType, nil)
		return empty
	}
	return stringList(vals)
}

func (m *oobAuthenticatorModel) common() authenticatorCommon {
	return authenticatorCommon{login: m.Login, id: m.ID.ValueString(), active: &m.Active, timeouts: m.Timeouts, newRecoveryCode: m.NewRecovery,
		holdsRecoveryCode: holdsRecoveryCode(m.RecoveryCodes, m.NewRecovery), name: &m.Name, companionIDs: &m.CompanionIDs}
}
