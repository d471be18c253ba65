package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The `login` object of the actions and list resources: the same attributes as the resources'
// (login.go), built for those schema kinds from one table so that they cannot drift apart.
// Neither schema kind can mark an attribute Sensitive: their values are never stored in state,
// and Terraform keeps the sensitivity of what is passed in (a sensitive variable, a resource's
// secret). Action attributes are not WriteOnly: framework v1.19 refuses every non-null
// write-only action attribute ("only supported in Terraform 1.11 and later") on Terraform
// 1.16, so secrets reach an action as ordinary (sensitive-marked) values.

type loginField struct {
	name, description string
	required          bool
	validators        []validator.String
}

func loginFields(withRecoveryCode bool) []loginField {
	fields := []loginField{
		{name: "username", description: usernameDescription, required: true, validators: []validator.String{notBlank()}},
		{name: "password", description: "The user's password.", required: true, validators: []validator.String{notBlank()}},
		{name: "realm", description: realmDescription, validators: []validator.String{realmValidator()}},
		{name: "otp_secret", description: "The base32 secret of one of the user's active OTP factors.",
			validators: []validator.String{otpSecretValidator{}}},
	}
	if withRecoveryCode {
		fields = append(fields, loginField{name: "recovery_code", validators: []validator.String{recoveryCodeValidator()},
			description: "Not used (it would be spent); accepted so that the same `login` object can be reused."})
	}
	return fields
}

// actionLoginAttribute is `login` of an action; without otp_secret when the action does not
// pass MFA.
func actionLoginAttribute(description string, withOTPSecret bool) aschema.SingleNestedAttribute {
	attrs := map[string]aschema.Attribute{}
	for _, f := range loginFields(false) {
		if f.name == "otp_secret" && !withOTPSecret {
			continue
		}
		attrs[f.name] = aschema.StringAttribute{Required: f.required, Optional: !f.required,
			Description: f.description, Validators: f.validators}
	}
	return aschema.SingleNestedAttribute{Required: true, Description: description, Attributes: attrs}
}

// listLoginAttribute is `login` of a list resource's config block.
func listLoginAttribute() lschema.SingleNestedAttribute {
	attrs := map[string]lschema.Attribute{}
	for _, f := range loginFields(true) {
		desc := f.description
		if f.name == "otp_secret" {
			desc = "Not needed for listing; accepted so that the same `login` object can be reused."
		}
		attrs[f.name] = lschema.StringAttribute{Required: f.required, Optional: !f.required, Description: desc, Validators: f.validators}
	}
	return lschema.SingleNestedAttribute{Required: true, Attributes: attrs,
		Description: "How the provider logs in as the user whose factors are listed. Listing needs only the `mfa_token`, so no factor is used."}
}
