package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+): what a factor is, independent of how the provider logs
// in. It is derived from three values that never change for a resource instance: username and
// realm replace the resource when changed, and Auth0 never renumbers an authenticator. So the
// identity is simply recomputed from state wherever the framework asks for one, and it cannot
// drift. Older Terraform versions do not ask for identities and ignore them.
//
// The pitfalls other providers shipped, and how this file avoids them:
//   - "Missing Resource Identity After Read/Update": the framework checks the identity after
//     every Read and Update that has no error, also when Read removes the resource and when it
//     skips the refresh (a just-imported resource has no password). setIdentity runs before any
//     of those returns.
//   - "Unexpected Identity Change": realm is null, never "", when unset, in every path (import
//     by ID, import by identity, create, list), so the same factor always has the same value.

// authenticatorIdentity is the identity object of both authenticator resources.
type authenticatorIdentity struct {
	Username types.String `tfsdk:"username"`
	Realm    types.String `tfsdk:"realm"`
	ID       types.String `tfsdk:"id"`
}

func authenticatorIdentitySchema(kind string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"username": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The user's username or email, as in `login.username`.",
			},
			"realm": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "The database connection, as in `login.realm`; omit it for the tenant's default directory.",
			},
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The Auth0 authenticator id, for example `" + kind + "`.",
			},
		},
	}
}

// identityOf is the identity of the factor id of the user login names.
func identityOf(login *loginModel, id string) authenticatorIdentity {
	ident := authenticatorIdentity{Username: types.StringNull(), Realm: types.StringNull(), ID: types.StringValue(id)}
	if login != nil {
		ident.Username = login.Username
		if !login.Realm.IsNull() && !login.Realm.IsUnknown() && login.Realm.ValueString() != "" {
			ident.Realm = login.Realm
		}
	}
	return ident
}

// setIdentity stores the identity of a factor; a nil target (a framework or Terraform without
// identity support) is left alone.
func setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, login *loginModel, id string, diags *diag.Diagnostics) {
	if target == nil || id == "" {
		return
	}
	diags.Append(target.Set(ctx, identityOf(login, id))...)
}

// importIdentity reads an `import { identity = {...} }` block into the parts an import ID has.
func importIdentity(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (importID, bool) {
	var ident authenticatorIdentity
	if req.Identity == nil || req.Identity.Raw.IsNull() {
		diags.AddError("Nothing to Import", "The import gave neither an ID nor an identity. Give an ID such as "+
			`"ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F", or an identity block with username and id.`)
		return importID{}, false
	}
	if diags.Append(req.Identity.Get(ctx, &ident)...); diags.HasError() {
		return importID{}, false
	}
	return importID{username: ident.Username.ValueString(), realm: ident.Realm.ValueString(), authenticatorID: ident.ID.ValueString()}, true
}
