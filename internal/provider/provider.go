// Package provider is the Terraform glue: schemas, plan logic and state mapping. It makes no
// HTTP calls of its own; all Auth0 traffic goes through internal/mfaapi.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/auth0mfa/auth0mfa"

var (
	_ provider.Provider                       = (*auth0mfaProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*auth0mfaProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*auth0mfaProvider)(nil)
	_ provider.ProviderWithFunctions          = (*auth0mfaProvider)(nil)
	_ provider.ProviderWithActions            = (*auth0mfaProvider)(nil)
	_ provider.ProviderWithListResources      = (*auth0mfaProvider)(nil)
)

type auth0mfaProvider struct {
	version string
}

// New returns the provider factory for a given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &auth0mfaProvider{version: version} }
}

// providerModel is the provider block.
type providerModel struct {
	Domain                    types.String `tfsdk:"domain"`
	ClientID                  types.String `tfsdk:"client_id"`
	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientAssertionPrivateKey types.String `tfsdk:"client_assertion_private_key"`
	ClientAssertionSigningAlg types.String `tfsdk:"client_assertion_signing_alg"`
	BaseURL                   types.String `tfsdk:"base_url"`
	ManagementClientID        types.String `tfsdk:"management_client_id"`
	ManagementClientSecret    types.String `tfsdk:"management_client_secret"`
	ManagementPrivateKey      types.String `tfsdk:"management_client_assertion_private_key"`
	ManagementSigningAlg      types.String `tfsdk:"management_client_assertion_signing_alg"`
}

func (p *auth0mfaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "auth0mfa"
	resp.Version = p.version
}

func (p *auth0mfaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Enrolls and confirms Auth0 MFA factors (OTP, SMS, voice, email, push) for users, in one terraform apply, " +
			"through Auth0's MFA API. Every attribute can also be set through an environment variable; a value in the " +
			"configuration wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"domain": schema.StringAttribute{
				Optional: true,
				Description: "The tenant domain, for example `example.eu.auth0.com` (no scheme, no path). The MFA audience is " +
					"`https://{domain}/mfa/`. Environment: `AUTH0MFA_DOMAIN`, then `AUTH0_DOMAIN`.",
				Validators: []validator.String{domainValidator()},
			},
			"client_id": schema.StringAttribute{
				Optional: true,
				Description: "The client ID of an Auth0 application with the Password and MFA grant types enabled " +
					"(not the Management API machine-to-machine application). Environment: `AUTH0MFA_CLIENT_ID`.",
				Validators: []validator.String{notBlank()},
			},
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "The application's client secret. Conflicts with `client_assertion_private_key`. " +
					"Environment: `AUTH0MFA_CLIENT_SECRET`.",
				Validators: []validator.String{notBlank(), stringvalidator.ConflictsWith(path.MatchRoot("client_assertion_private_key"))},
			},
			"client_assertion_private_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "A PEM RSA private key (PKCS#1 or PKCS#8) for Private Key JWT client authentication, instead of a " +
					"client secret. Environment: `AUTH0MFA_CLIENT_ASSERTION_PRIVATE_KEY`.",
				Validators: []validator.String{privateKeyValidator{}},
			},
			"client_assertion_signing_alg": schema.StringAttribute{
				Optional: true,
				Description: "The client assertion's signing algorithm: `RS256` (the default), `RS384` or `PS256`, as set on the " +
					"application's credential. Environment: `AUTH0MFA_CLIENT_ASSERTION_SIGNING_ALG`.",
				Validators: []validator.String{stringvalidator.OneOf(mfaapi.SigningAlgs...)},
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				Description: "Where requests go, defaulting to `https://{domain}`: a custom domain, or the local emulator " +
					"(`http://127.0.0.1:8787`). Plain `http://` is refused unless the host is loopback, so that passwords " +
					"and tokens never cross a network unencrypted. Environment: `AUTH0MFA_BASE_URL`.",
				Validators: []validator.String{baseURLValidator{}},
			},
			"management_client_id": schema.StringAttribute{
				Optional: true,
				Description: "Optional: the client ID of a machine-to-machine application with a client grant for the Management " +
					"API (`https://{domain}/api/v2/`) with the scopes of what uses it: `update:users` for `auth0mfa_recovery_code_regeneration`, the " +
					"`auth0mfa_regenerate_recovery_code` action and unblocking, `delete:guardian_enrollments` for the " +
					"`auth0mfa_reset_authenticators` action, the four `*:authentication_methods` scopes for " +
					"`auth0mfa_authentication_method`; with `read:users` and `read:authentication_methods`, errors about a " +
					"user's factors say when each was created. Nothing else needs it. Environment: `AUTH0MFA_MANAGEMENT_CLIENT_ID`.",
				// Its credential may come from the environment, so the pairing is checked by
				// ValidateConfig, which reads both sources.
				Validators: []validator.String{notBlank()},
			},
			"management_client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "The secret of the `management_client_id` application. Conflicts with " +
					"`management_client_assertion_private_key`. Environment: `AUTH0MFA_MANAGEMENT_CLIENT_SECRET`.",
				Validators: []validator.String{notBlank(), stringvalidator.ConflictsWith(path.MatchRoot("management_client_assertion_private_key"))},
			},
			"management_client_assertion_private_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "A PEM RSA private key (PKCS#1 or PKCS#8) with which the `management_client_id` application " +
					"authenticates by Private Key JWT, instead of `management_client_secret`. Environment: " +
					"`AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_PRIVATE_KEY`.",
				Validators: []validator.String{privateKeyValidator{}},
			},
			"management_client_assertion_signing_alg": schema.StringAttribute{
				Optional: true,
				Description: "The management application's client assertion algorithm: `RS256` (the default), `RS384` or `PS256`. " +
					"Environment: `AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_SIGNING_ALG`.",
				Validators: []validator.String{stringvalidator.OneOf(mfaapi.SigningAlgs...)},
			},
		},
	}
}

func (p *auth0mfaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var diags diag.Diagnostics
	client := buildClient(ctx, cfg, p.version, req.TerraformVersion, &diags)
	data := &providerData{client: client, mgmt: mgmtapi.New(client)}
	if diags.HasError() && nothingConfigured(cfg) {
		// Only the local TOTP helpers may be in use: they need no tenant. Anything that does
		// reports the missing settings when it is configured.
		data = &providerData{configErr: diags}
	} else if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func (p *auth0mfaProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Private key and signing algorithm only make sense together with each other.
	if !cfg.ClientAssertionSigningAlg.IsNull() && !cfg.ClientAssertionSigningAlg.IsUnknown() &&
		cfg.ClientAssertionPrivateKey.IsNull() && getenv(envPrivateKey) == "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("client_assertion_signing_alg"), "Signing Algorithm Without a Private Key",
			"client_assertion_signing_alg only applies to Private Key JWT; set client_assertion_private_key (or "+envPrivateKey+") too, or remove it.")
	}
	checkManagementPair(cfg, &resp.Diagnostics)
}

// checkManagementPair stops a management application given half-way: a client id with no
// credential, or a credential with no client id, in the configuration and the environment.
// Unknown values (from other resources) are judged when the provider is configured.
func checkManagementPair(cfg providerModel, diags *diag.Diagnostics) {
	given := func(v types.String, env string) bool { return v.IsUnknown() || !v.IsNull() || getenv(env) != "" }
	hasID := given(cfg.ManagementClientID, envMgmtClientID)
	hasCredential := given(cfg.ManagementClientSecret, envMgmtSecret) || given(cfg.ManagementPrivateKey, envMgmtKey)
	switch {
	case !cfg.ManagementClientID.IsNull() && !hasCredential:
		diags.AddAttributeError(path.Root("management_client_secret"), "Missing Management Credentials",
			"management_client_id is set, but neither management_client_secret (environment "+envMgmtSecret+") nor, for Private Key "+
				"JWT, management_client_assertion_private_key (environment "+envMgmtKey+") is: set the one the application uses.")
	case hasCredential && !hasID && (!cfg.ManagementClientSecret.IsNull() || !cfg.ManagementPrivateKey.IsNull()):
		diags.AddAttributeError(path.Root("management_client_id"), "Missing Management Client ID",
			"A management credential is set, but not the client id it belongs to: set management_client_id (environment "+envMgmtClientID+").")
	}
}

func (p *auth0mfaProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewOTPAuthenticatorResource, NewOOBAuthenticatorResource, NewRecoveryCodeRegenerationResource,
		NewAuthenticationMethodResource}
}

func (p *auth0mfaProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewAuthenticatorsDataSource, NewAuthenticationMethodsDataSource}
}

// EphemeralResources need no provider credentials: they compute locally.
func (p *auth0mfaProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newTOTPCodeEphemeral}
}

// Actions (Terraform 1.14+): imperative day-two operations.
func (p *auth0mfaProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newVerifyLoginAction, newResetAuthenticatorsAction, newRegenerateRecoveryCodeAction}
}

// ListResources (Terraform 1.14+) let `terraform query` find factors to import.
func (p *auth0mfaProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newOTPAuthenticatorList, newOOBAuthenticatorList, newAuthenticationMethodList}
}

func (p *auth0mfaProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newTOTPCodeFunction, newQRCodePNGFunction}
}
