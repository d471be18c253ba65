package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// stringCheck is a plan-time validator from a function; messages never quote the value, which
// may be a secret.
type stringCheck struct {
	desc  string
	check func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.desc }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.desc }
func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", err.Error())
	}
}

func notBlank() validator.String {
	return stringCheck{desc: "must not be empty or only white space", check: func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("the value must not be empty or only white space")
		}
		return nil
	}}
}

func domainValidator() validator.String {
	return stringCheck{desc: "a bare host name such as example.eu.auth0.com", check: checkDomain}
}

func checkDomain(d string) error {
	if strings.Contains(d, "://") || strings.ContainsAny(d, "/ ") {
		return fmt.Errorf("the domain %q must be a bare host name such as example.eu.auth0.com, without https:// or a path; "+
			"to send requests elsewhere (a custom domain or the emulator) use base_url", d)
	}
	if strings.TrimSpace(d) == "" {
		return fmt.Errorf("the domain must not be empty")
	}
	return nil
}

// The named validators below keep schema declarations readable.
type (
	baseURLValidator    struct{}
	privateKeyValidator struct{}
	otpSecretValidator  struct{}
)

func (baseURLValidator) Description(context.Context) string {
	return "https://host, or http:// to a loopback host"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (baseURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	stringCheck{check: func(s string) error { _, err := mfaapi.ParseBaseURL(s); return err }}.ValidateString(ctx, req, resp)
}

func (privateKeyValidator) Description(context.Context) string {
	return "a PEM RSA private key"
}
func (v privateKeyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (privateKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	stringCheck{check: func(s string) error { _, err := mfaapi.ParsePrivateKey(s); return err }}.ValidateString(ctx, req, resp)
}

func (otpSecretValidator) Description(context.Context) string {
	return "a base32 TOTP secret"
}
func (v otpSecretValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (otpSecretValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	stringCheck{check: func(s string) error { _, err := totp.NormaliseSecret(s); return err }}.ValidateString(ctx, req, resp)
}

// connectionName is Auth0's rule for database connection names (the realm).
var connectionName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)

func realmValidator() validator.String {
	return stringvalidator.RegexMatches(connectionName,
		"must be an Auth0 database connection name such as Username-Password-Authentication (letters, digits and inner hyphens)")
}

type errInvalid string

func (e errInvalid) Error() string { return string(e) }

// replaceUnlessImported replaces the resource when the value changes, except when state has no
// value yet: an import cannot know the phone number or email, and the configuration supplying
// it must not replace the imported factor.
func replaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, "Changing the value replaces the resource (except when it is first set after an import).",
		"Changing the value replaces the resource (except when it is first set after an import).")
}

// recoveryCodeValidator checks the shape of a recovery code without quoting it: Auth0's are
// 24 letters and digits (reference, open question 13: the exact alphabet is inferred).
func recoveryCodeValidator() validator.String {
	return stringCheck{desc: "an Auth0 recovery code: 24 letters and digits", check: func(s string) error {
		if len(s) != 24 || strings.IndexFunc(s, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) >= 0 {
			return errInvalid("login.recovery_code must be an Auth0 recovery code: 24 capital letters and digits (the value is not shown: it is a secret)")
		}
		return nil
	}}
}
