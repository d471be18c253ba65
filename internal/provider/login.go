package provider

import (
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// loginModel is the `login` object every resource and the data source take: how the provider
// logs in as the user whose factors it manages.
type loginModel struct {
	Username  types.String `tfsdk:"username"`
	Password  types.String `tfsdk:"password"`
	Realm     types.String `tfsdk:"realm"`
	OTPSecret types.String `tfsdk:"otp_secret"`
	// RecoveryCode is the last way to pass MFA; it is single-use (see recoveryStepUp).
	RecoveryCode types.String `tfsdk:"recovery_code"`
}

func (l *loginModel) api() mfaapi.Login {
	if l == nil {
		return mfaapi.Login{}
	}
	return mfaapi.Login{Username: l.Username.ValueString(), Password: l.Password.ValueString(),
		Realm: l.Realm.ValueString(), OTPSecret: l.OTPSecret.ValueString()}
}

// hasPassword reports whether the provider can log in (an imported resource has no password
// until the configuration supplies it).
func (l *loginModel) hasPassword() bool {
	return l != nil && !l.Password.IsNull() && !l.Password.IsUnknown() && l.Password.ValueString() != ""
}

const (
	loginDescription = "How the provider logs in as the user: a password (or password-realm) grant for the " +
		"`https://{domain}/mfa/` audience, answered by Auth0 with an `mfa_token`. When the user already has an " +
		"active factor, Auth0 requires MFA before enrolling or deleting one; the provider passes it with `otp_secret`, " +
		"or with the resource's own factor."
	usernameDescription = "The user's username or email."
	passwordDescription = "The user's password. A new value is verified with one login when it is applied (a typo " +
		"fails that apply, not a later destroy); rotate the password at Auth0 first, then here. A refresh that " +
		"finds the stored password rejected warns and keeps the resource."
	realmDescription = "The database connection to log in through (the password-realm grant), for example " +
		"`Username-Password-Authentication`. Unset: the tenant's default directory (the password grant)."
	otpSecretDescription = "The base32 secret of one of the user's active OTP factors, used to pass MFA when Auth0 " +
		"demands it (for example `auth0mfa_otp_authenticator.first.secret`). Changing it only updates state."
	recoveryCodeDescription = "The user's recovery code, the last resort to pass MFA when nothing else can (no " +
		"`otp_secret`, no usable factor of the resource's own). **Single-use:** Auth0 answers a used recovery code " +
		"with a new one and the old one stops working; the provider stores the new one in `new_recovery_code` " +
		"and uses that one next time (for example when destroying). Changing it only updates state."
)

// loginResourceAttribute: a new username or realm is another user, so it replaces the
// resource; a new password or otp_secret only changes how we log in. Its secrets are Sensitive
// one by one, not the object as a whole: a sensitive object would save Terraform two entries
// of sensitive_attributes per resource (about 500 bytes of state), but `terraform query
// -generate-config-out` then writes `login = {}` and the username is lost from the adopted
// configuration (TestAccAuthenticatorList_generateConfigThenImport; CONTRIBUTING.md "Design notes").
func loginResourceAttribute() rschema.SingleNestedAttribute {
	return rschema.SingleNestedAttribute{
		Required:    true,
		Description: loginDescription,
		Attributes: map[string]rschema.Attribute{
			"username": rschema.StringAttribute{
				Required: true, Description: usernameDescription + " Changing it replaces the resource.",
				Validators:    []validator.String{notBlank()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"password": rschema.StringAttribute{
				Required: true, Sensitive: true, Description: passwordDescription,
				Validators: []validator.String{notBlank()},
			},
			"realm": rschema.StringAttribute{
				Optional: true, Description: realmDescription + " Changing it replaces the resource.",
				Validators:    []validator.String{realmValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"otp_secret": rschema.StringAttribute{
				Optional: true, Sensitive: true, Description: otpSecretDescription,
				Validators: []validator.String{otpSecretValidator{}},
			},
			"recovery_code": rschema.StringAttribute{
				Optional: true, Sensitive: true, Description: recoveryCodeDescription,
				Validators: []validator.String{recoveryCodeValidator()},
			},
		},
	}
}

func loginDataSourceAttribute() dschema.SingleNestedAttribute {
	return dschema.SingleNestedAttribute{
		Required:    true,
		Description: "How the provider logs in as the user. Listing needs only the `mfa_token`, so no factor is used.",
		Attributes: map[string]dschema.Attribute{
			"username":      dschema.StringAttribute{Required: true, Description: usernameDescription, Validators: []validator.String{notBlank()}},
			"password":      dschema.StringAttribute{Required: true, Sensitive: true, Description: "The user's password.", Validators: []validator.String{notBlank()}},
			"realm":         dschema.StringAttribute{Optional: true, Description: realmDescription, Validators: []validator.String{realmValidator()}},
			"otp_secret":    dschema.StringAttribute{Optional: true, Sensitive: true, Description: "Not needed for listing; accepted so the same `login` object can be reused.", Validators: []validator.String{otpSecretValidator{}}},
			"recovery_code": dschema.StringAttribute{Optional: true, Sensitive: true, Description: "Not used for listing (it would be spent); accepted so the same `login` object can be reused.", Validators: []validator.String{recoveryCodeValidator()}},
		},
	}
}
