package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*authenticationMethodsDataSource)(nil)

// NewAuthenticationMethodsDataSource is auth0mfa_authentication_methods: a user's methods as the
// Management API lists them (the ids an import of auth0mfa_authentication_method needs).
func NewAuthenticationMethodsDataSource() datasource.DataSource {
	return &authenticationMethodsDataSource{}
}

type authenticationMethodsDataSource struct{ data *providerData }

type authenticationMethodsModel struct {
	UserID  types.String              `tfsdk:"user_id"`
	Methods []authenticationMethodRow `tfsdk:"methods"`
}

type authenticationMethodRow struct {
	ID          types.String `tfsdk:"id"`
	Type        types.String `tfsdk:"type"`
	Name        types.String `tfsdk:"name"`
	Confirmed   types.Bool   `tfsdk:"confirmed"`
	Destination types.String `tfsdk:"masked_destination"`
	CreatedAt   types.String `tfsdk:"created_at"`
	KeyID       types.String `tfsdk:"credential_id"`
	RelyingPty  types.String `tfsdk:"relying_party_identifier"`
}

func (d *authenticationMethodsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_authentication_methods"
}

func (d *authenticationMethodsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists a user's MFA factors as the Management API shows them (`GET /api/v2/users/{id}/authentication-methods`): " +
			"the methods `auth0mfa_authentication_method` creates and the factors enrolled through the MFA API alike. Needs the " +
			"provider's management application with `read:authentication_methods`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{Required: true, Validators: []validator.String{userIDValidator()},
				Description: "The Auth0 user id, such as `auth0|63d17c639d503d76c056c16e`."},
			"methods": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The user's confirmed methods, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                 schema.StringAttribute{Computed: true, Description: "The method id, for example `totp|dev_F9T7cy0hM0IgHjwP`."},
					"type":               schema.StringAttribute{Computed: true, Description: "`totp`, `phone`, `email`, `push`, `recovery-code`, …"},
					"name":               schema.StringAttribute{Computed: true, Description: "The method's name. Null when it has none."},
					"confirmed":          schema.BoolAttribute{Computed: true, Description: "Whether the method is confirmed."},
					"masked_destination": schema.StringAttribute{Computed: true, Description: "The phone number or email as Auth0 shows it, masked (`XXXXXXXXXXX5044`, `chuc****@exam*******`). Null for other types."},
					"created_at":         schema.StringAttribute{Computed: true, Description: "When Auth0 created the method (ISO 8601)."},
					"credential_id": schema.StringAttribute{Computed: true,
						Description: "For a security key (`webauthn-roaming`): its credential id in base64url. Null for other types."},
					"relying_party_identifier": schema.StringAttribute{Computed: true,
						Description: "For a security key: the relying party it is bound to. Null for other types."},
				}},
			},
		},
	}
}

func (d *authenticationMethodsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *authenticationMethodsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m authenticationMethodsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	list, err := d.data.mgmt.ListAuthenticationMethods(ctx, m.UserID.ValueString())
	if err != nil {
		addManagementError(&resp.Diagnostics, managementCallListMethods, m.UserID.ValueString(), err)
		return
	}
	m.Methods = make([]authenticationMethodRow, 0, len(list))
	for _, a := range list {
		m.Methods = append(m.Methods, authenticationMethodRow{
			ID: types.StringValue(a.ID), Type: types.StringValue(a.Type), Name: optionalString(a.Name),
			Confirmed: types.BoolValue(a.Confirmed), Destination: optionalString(a.Email + a.PhoneNumber),
			CreatedAt: optionalString(a.CreatedAt), KeyID: optionalString(a.KeyID), RelyingPty: optionalString(a.RelyingPartyIdentifier),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
