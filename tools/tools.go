// Package tools holds go:generate directives for the repository's generated files.
package tools

// Generate the provider documentation from the schemas, examples/ and templates/.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0 generate --provider-dir .. --provider-name auth0mfa
