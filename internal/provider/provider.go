// Package provider is the Terraform glue: schemas, plan logic and state mapping. It makes no
// HTTP calls of its own; all Auth0 traffic goes through internal/mfaapi.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/auth0mfa/auth0mfa"

var _ provider.Provider = (*auth0mfaProvider)(nil)

type auth0mfaProvider struct {
	version string
}

// New returns the provider factory for a given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &auth0mfaProvider{version: version} }
}

func (p *auth0mfaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "auth0mfa"
	resp.Version = p.version
}

func (p *auth0mfaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Enrolls and confirms Auth0 MFA factors (OTP, SMS, voice, email, push) for users, in one terraform apply.",
	}
}

func (p *auth0mfaProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *auth0mfaProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *auth0mfaProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
