package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// listedAfterImport plans a computed attribute that only Auth0's listing tells (an OOB factor's
// masked name and its twin) as "known after apply" on the first apply after an import: the
// import has no password to list with, so state holds an empty placeholder (or null, from
// before the placeholder), and that apply lists and fills it.
// Elsewhere the attribute keeps its state value (UseStateForUnknown before it in the list).
type listedAfterImport struct{}

var (
	_ planmodifier.String = listedAfterImport{}
	_ planmodifier.List   = listedAfterImport{}
)

func (listedAfterImport) Description(context.Context) string {
	return "Known after the first apply that follows an import."
}

func (m listedAfterImport) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (listedAfterImport) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if (req.StateValue.IsNull() || req.StateValue.ValueString() == "") && importedNeverApplied(ctx, req.State) {
		resp.PlanValue = types.StringUnknown()
	}
}

func (listedAfterImport) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if (req.StateValue.IsNull() || len(req.StateValue.Elements()) == 0) && importedNeverApplied(ctx, req.State) {
		resp.PlanValue = types.ListUnknown(types.StringType)
	}
}

// importedNeverApplied reports a resource in state whose login has no password yet: it was
// imported and no apply has stored the configuration's login.
func importedNeverApplied(ctx context.Context, state tfsdk.State) bool {
	if state.Raw.IsNull() {
		return false
	}
	var password types.String
	if state.GetAttribute(ctx, path.Root("login").AtName("password"), &password).HasError() {
		return false
	}
	return password.IsNull()
}
