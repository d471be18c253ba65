package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// methodArgumentsValidator checks at plan time that each type gets its own arguments and no
// other's: phone needs phone_number (and may have preferred_authentication_method), email
// needs email, totp takes totp_secret_wo (with its version) or nothing, webauthn-roaming takes
// public_key_pem and relying_party_identifier or nothing. Auth0 would refuse the
// rest only at apply.
type methodArgumentsValidator struct{}

func (methodArgumentsValidator) Description(context.Context) string {
	return "each type of authentication method gets its own arguments"
}

func (v methodArgumentsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (methodArgumentsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m authenticationMethodModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Type.IsUnknown() || m.Type.IsNull() {
		return
	}
	typ := m.Type.ValueString()
	set := map[string]bool{
		"phone_number":                    !m.PhoneNumber.IsNull(),
		"preferred_authentication_method": !m.PreferredMethod.IsNull(),
		"email":                           !m.Email.IsNull(),
		"totp_secret_wo":                  !m.TOTPSecretWO.IsNull(),
		"totp_secret_wo_version":          !m.TOTPSecretWOVersion.IsNull(),
		"public_key_pem":                  !m.PublicKeyPEM.IsNull(),
		"relying_party_identifier":        !m.RelyingPartyID.IsNull(),
	}
	required := map[string]string{"phone": "phone_number", "email": "email"}[typ]
	if required != "" && !set[required] { // unknown (from another resource) counts as set
		resp.Diagnostics.AddAttributeError(path.Root(required), "Missing Argument",
			fmt.Sprintf("type = %q needs %s.", typ, required))
	}
	for arg, isSet := range set {
		if owner := argumentOwner[arg]; isSet && owner != typ {
			resp.Diagnostics.AddAttributeError(path.Root(arg), "Argument Does Not Apply",
				fmt.Sprintf("%s does not apply to type = %q; it belongs to type = %q.", arg, typ, owner))
		}
	}
	if set["totp_secret_wo_version"] && !set["totp_secret_wo"] {
		resp.Diagnostics.AddAttributeError(path.Root("totp_secret_wo_version"), "Missing Argument",
			"totp_secret_wo_version goes with totp_secret_wo: without a secret of yours the provider generates one.")
	}
}

// argumentOwner is the type each type-specific argument belongs to.
var argumentOwner = map[string]string{
	"phone_number": "phone", "preferred_authentication_method": "phone",
	"email":          "email",
	"totp_secret_wo": "totp", "totp_secret_wo_version": "totp",
	"public_key_pem": typeSecurityKey, "relying_party_identifier": typeSecurityKey,
}
