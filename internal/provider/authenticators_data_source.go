package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*authenticatorsDataSource)(nil)

// NewAuthenticatorsDataSource is the auth0mfa_authenticators data source.
func NewAuthenticatorsDataSource() datasource.DataSource { return &authenticatorsDataSource{} }

type authenticatorsDataSource struct {
	data *providerData
}

type authenticatorsModel struct {
	Login           *loginModel          `tfsdk:"login"`
	IncludeInactive types.Bool           `tfsdk:"include_inactive"`
	Authenticators  []authenticatorModel `tfsdk:"authenticators"`
}

type authenticatorModel struct {
	ID                types.String `tfsdk:"id"`
	AuthenticatorType types.String `tfsdk:"authenticator_type"`
	OOBChannel        types.String `tfsdk:"oob_channel"`
	Name              types.String `tfsdk:"name"`
	Active            types.Bool   `tfsdk:"active"`
}

func (d *authenticatorsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_authenticators"
}

func (d *authenticatorsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists a user's MFA factors as Auth0's MFA API shows them. Only the user's `mfa_token` is used, so " +
			"listing never consumes an OTP code. The user's verified emails appear as active email factors, as Auth0 " +
			"lists them.",
		Attributes: map[string]schema.Attribute{
			"login": loginDataSourceAttribute(),
			"include_inactive": schema.BoolAttribute{
				Optional:    true,
				Description: "Also list unconfirmed (inactive) authenticators, such as leftovers of interrupted enrollments. Default `false`.",
			},
			"authenticators": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The user's authenticators, in Auth0's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                 schema.StringAttribute{Computed: true, Description: "The authenticator id, for example `sms|dev_klnv5yshzzoosSUm`."},
					"authenticator_type": schema.StringAttribute{Computed: true, Description: "`otp`, `oob` or `recovery-code`."},
					"oob_channel":        schema.StringAttribute{Computed: true, Description: "For `oob`: `sms`, `voice`, `email` or `auth0` (push). Null otherwise."},
					"name":               schema.StringAttribute{Computed: true, Description: "Auth0's masked destination (`XXXXXXXX4567`, `chuc****@exam*******`) or the push device's name. Null when Auth0 sends none."},
					"active":             schema.BoolAttribute{Computed: true, Description: "Whether the factor is confirmed."},
				}},
			},
		},
	}
}

func (d *authenticatorsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *authenticatorsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg authenticatorsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	login := cfg.Login.api()
	list, err := d.data.client.Session(login).Snapshot(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could Not List the User's Authenticators", login, err)
		return
	}
	cfg.Authenticators = []authenticatorModel{}
	for _, a := range list {
		if !a.Active && !cfg.IncludeInactive.ValueBool() {
			continue
		}
		cfg.Authenticators = append(cfg.Authenticators, authenticatorModel{
			ID: types.StringValue(a.ID), AuthenticatorType: types.StringValue(a.AuthenticatorType),
			OOBChannel: optionalString(a.OOBChannel), Name: optionalString(a.Name), Active: types.BoolValue(a.Active),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
