package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// `list "auth0mfa_authentication_method"` (Terraform 1.14+): a user's TOTP, phone and email
// methods as the Management API lists them, with their identity, so that `terraform query
// -generate-config-out` writes import and resource blocks for methods made by hand. Like an
// import, a result holds no secret, phone number or email (Auth0 shows none of them whole).

var _ list.ListResourceWithConfigure = (*authenticationMethodList)(nil)

func newAuthenticationMethodList() list.ListResource { return &authenticationMethodList{} }

type authenticationMethodList struct{ data *providerData }

type authenticationMethodListConfig struct {
	UserID types.String `tfsdk:"user_id"`
}

func (l *authenticationMethodList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_authentication_method"
}

func (l *authenticationMethodList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists a user's TOTP, phone and email methods through the Management API, for `terraform query`, with " +
			"each one's identity; with `include_resource`, also what an import would hold (no secret, phone number or email). " +
			"Needs `read:authentication_methods`. Terraform 1.14 or newer.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{Required: true, Validators: []validator.String{userIDValidator()},
				Description: "The Auth0 user id, such as `auth0|63d17c639d503d76c056c16e`."},
		},
	}
}

func (l *authenticationMethodList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (l *authenticationMethodList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg authenticationMethodListConfig
	var diags diag.Diagnostics
	if diags.Append(req.Config.Get(ctx, &cfg)...); diags.HasError() || l.data == nil {
		if l.data == nil && !diags.HasError() {
			diags.AddError("Provider Not Configured", "The auth0mfa provider has no tenant settings; set domain, client_id and client_secret.")
		}
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	userID := cfg.UserID.ValueString()
	methods, err := l.data.mgmt.ListAuthenticationMethods(ctx, userID)
	if err != nil {
		addManagementError(&diags, managementCallListMethods, userID, err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		n := int64(0)
		for _, m := range methods {
			if m.Type != "totp" && m.Type != "phone" && m.Type != "email" && m.Type != typeSecurityKey {
				continue // push and recovery codes are not this resource's
			}
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			n++
			r := req.NewListResult(ctx)
			r.DisplayName = m.ID
			if m.Name != "" {
				r.DisplayName = fmt.Sprintf("%s (%s)", m.ID, m.Name)
			}
			r.Diagnostics.Append(r.Identity.Set(ctx, authenticationMethodIdentity{UserID: types.StringValue(userID), ID: types.StringValue(m.ID)})...)
			if req.IncludeResource {
				r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("id"), m.ID)...)
				r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("user_id"), userID)...)
				r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("type"), m.Type)...)
				r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("created_at"), m.CreatedAt)...)
				if m.Name != "" {
					r.Diagnostics.Append(r.Resource.SetAttribute(ctx, path.Root("name"), m.Name)...)
				}
			}
			if !push(r) {
				return
			}
		}
	}
}
