package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// List resources (Terraform 1.14+): `list "auth0mfa_otp_authenticator"` and
// `list "auth0mfa_oob_authenticator"` in a .tfquery.hcl return a user's active factors of that
// kind with their identity, so that `terraform query -generate-config-out=FILE` writes import
// and resource blocks for factors enrolled by hand or by an older pipeline. The results hold
// what an import by ID holds: no password (the generated login needs one), no secret (Auth0
// never shows it again).

var (
	_ list.ListResourceWithConfigure = (*authenticatorList)(nil)
)

func newOTPAuthenticatorList() list.ListResource {
	return &authenticatorList{typeSuffix: "_otp_authenticator", noun: "OTP",
		matches: func(a mfaapi.Authenticator) bool { return a.AuthenticatorType == "otp" }}
}

func newOOBAuthenticatorList() list.ListResource {
	return &authenticatorList{typeSuffix: "_oob_authenticator", noun: "out-of-band (SMS, voice, email, push)", oob: true,
		matches: func(a mfaapi.Authenticator) bool { return a.AuthenticatorType == "oob" }}
}

// authenticatorList lists one resource type's factors.
type authenticatorList struct {
	data       *providerData
	typeSuffix string
	noun       string
	oob        bool
	matches    func(mfaapi.Authenticator) bool
}

type authenticatorListConfig struct {
	Login *loginModel `tfsdk:"login"`
}

func (l *authenticatorList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.typeSuffix
}

func (l *authenticatorList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	desc := "Lists a user's active " + l.noun + " factors, for `terraform query`, with each one's identity; with " +
		"`include_resource`, also the resource data an import would hold (no password, no secret)."
	if l.oob {
		desc += " An SMS and voice pair (the same phone, `sms|X` and `voice|X`) is listed once, as its SMS factor, whose " +
			"resource manages the voice twin as a companion. Verified emails are listed as email factors, as Auth0 lists them."
	} else {
		desc += " A Guardian push factor's companion OTP factor is listed too: Auth0's listing does not tie the two together."
	}
	resp.Schema = schema.Schema{
		Description: desc + " Terraform 1.14 or newer.",
		Attributes:  map[string]schema.Attribute{"login": listLoginAttribute()},
	}
}

func (l *authenticatorList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (l *authenticatorList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg authenticatorListConfig
	var diags diag.Diagnostics
	if diags.Append(req.Config.Get(ctx, &cfg)...); diags.HasError() || l.data == nil || cfg.Login == nil {
		if l.data == nil && !diags.HasError() {
			diags.AddError("Provider Not Configured", "The auth0mfa provider has no tenant settings; set domain, client_id and client_secret.")
		}
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	login := cfg.Login.api()
	all, err := l.data.client.Session(login).List(ctx)
	if err != nil {
		addAPIError(&diags, "Could Not List the User's Authenticators", login, err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found := l.activeOfKind(all)
	stream.Results = func(push func(list.ListResult) bool) {
		for i, a := range found {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(l.result(ctx, req, cfg.Login, a)) {
				return
			}
		}
	}
}

// activeOfKind is the user's active factors of this kind, an SMS/voice pair once (as SMS).
func (l *authenticatorList) activeOfKind(all []mfaapi.Authenticator) []mfaapi.Authenticator {
	smsSuffixes := map[string]bool{}
	for _, a := range all {
		if a.Active && a.OOBChannel == "sms" {
			_, suffix, _ := strings.Cut(a.ID, "|")
			smsSuffixes[suffix] = true
		}
	}
	var out []mfaapi.Authenticator
	for _, a := range all {
		_, suffix, _ := strings.Cut(a.ID, "|")
		if !a.Active || !l.matches(a) || (a.OOBChannel == "voice" && smsSuffixes[suffix]) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func (l *authenticatorList) result(ctx context.Context, req list.ListRequest, cfgLogin *loginModel, a mfaapi.Authenticator) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = a.ID
	if a.Name != "" {
		r.DisplayName = fmt.Sprintf("%s (%s)", a.ID, a.Name)
	}
	// As an import holds it: who the user is, never a password or secret.
	login := &loginModel{Username: cfgLogin.Username, Realm: types.StringNull(), Password: types.StringNull(),
		OTPSecret: types.StringNull(), RecoveryCode: types.StringNull()}
	if cfgLogin.Realm.ValueString() != "" {
		login.Realm = cfgLogin.Realm
	}
	setIdentity(ctx, r.Identity, login, a.ID, &r.Diagnostics)
	if !req.IncludeResource {
		return r
	}
	r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("id"), a.ID)...)
	r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("login"), login)...)
	r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("active"), true)...)
	if l.oob {
		r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("channel"), a.OOBChannel)...)
		if a.Name != "" {
			r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("name"), a.Name)...)
		}
	}
	return r
}
