package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// Environment variables the provider reads when an attribute is not set.
const (
	envDomain       = "AUTH0MFA_DOMAIN"
	envDomainShared = "AUTH0_DOMAIN"
	envClientID     = "AUTH0MFA_CLIENT_ID"
	envClientSecret = "AUTH0MFA_CLIENT_SECRET"
	envPrivateKey   = "AUTH0MFA_CLIENT_ASSERTION_PRIVATE_KEY"
	envSigningAlg   = "AUTH0MFA_CLIENT_ASSERTION_SIGNING_ALG"
	envBaseURL      = "AUTH0MFA_BASE_URL"
	envMgmtClientID = "AUTH0MFA_MANAGEMENT_CLIENT_ID"
	envMgmtSecret   = "AUTH0MFA_MANAGEMENT_CLIENT_SECRET"
	envMgmtKey      = "AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_PRIVATE_KEY"
	envMgmtAlg      = "AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_SIGNING_ALG"
)

// requestTimeout bounds each HTTP request to Auth0; tests lower it to exercise timeouts.
var requestTimeout = 30 * time.Second

// clock is the provider's time (token lifetimes, TOTP steps); tests make it follow the
// emulator's, as a real client's follows a real tenant's.
var clock = time.Now

// getenv is a variable so tests can run in parallel without touching the process environment.
var getenv = os.Getenv

// providerData is what resources and data sources receive: one shared client. A provider
// configured with nothing at all (only the TOTP function or ephemeral resource in use) has no
// client; its resources and data sources then report configErr, the missing settings.
type providerData struct {
	client    *mfaapi.Client
	mgmt      *mgmtapi.Client // the Management API, through client's transport
	configErr diag.Diagnostics
}

// nothingConfigured reports a provider block and environment that set no setting at all.
func nothingConfigured(cfg providerModel) bool {
	for _, v := range []types.String{cfg.Domain, cfg.ClientID, cfg.ClientSecret, cfg.ClientAssertionPrivateKey, cfg.ClientAssertionSigningAlg, cfg.BaseURL, cfg.ManagementClientID, cfg.ManagementClientSecret, cfg.ManagementPrivateKey, cfg.ManagementSigningAlg} {
		if !v.IsNull() {
			return false
		}
	}
	for _, env := range []string{envDomain, envDomainShared, envClientID, envClientSecret, envPrivateKey, envSigningAlg, envBaseURL, envMgmtClientID, envMgmtSecret, envMgmtKey, envMgmtAlg} {
		if getenv(env) != "" {
			return false
		}
	}
	return true
}

// setting resolves one attribute: the configuration wins, then the first non-empty variable.
// An unknown value is an error naming the variable that could replace it.
func setting(v types.String, attr string, diags *diag.Diagnostics, envs ...string) string {
	if v.IsUnknown() {
		diags.AddAttributeError(path.Root(attr), "Unknown Provider Setting",
			fmt.Sprintf("The provider cannot be configured because %s is not known until apply. Set it to a value known "+
				"at plan time, or leave it out and set the environment variable %s.", attr, strings.Join(envs, " or ")))
		return ""
	}
	if !v.IsNull() {
		return strings.TrimSpace(v.ValueString())
	}
	for _, e := range envs {
		if val := strings.TrimSpace(getenv(e)); val != "" {
			return val
		}
	}
	return ""
}

func missing(diags *diag.Diagnostics, attr, what string, envs ...string) {
	diags.AddAttributeError(path.Root(attr), "Missing Provider Setting",
		fmt.Sprintf("The provider needs %s: set %s in the provider block or the environment variable %s.",
			what, attr, strings.Join(envs, " or ")))
}

// buildClient resolves the configuration and builds the shared client, reporting every
// problem against the attribute it concerns.
func buildClient(ctx context.Context, cfg providerModel, version, tfVersion string, diags *diag.Diagnostics) *mfaapi.Client {
	domain := setting(cfg.Domain, "domain", diags, envDomain, envDomainShared)
	clientID := setting(cfg.ClientID, "client_id", diags, envClientID)
	secret, keyPEM := credential(cfg.ClientSecret, cfg.ClientAssertionPrivateKey, "client_secret", "client_assertion_private_key",
		envClientSecret, envPrivateKey, diags)
	alg := setting(cfg.ClientAssertionSigningAlg, "client_assertion_signing_alg", diags, envSigningAlg)
	baseURL := setting(cfg.BaseURL, "base_url", diags, envBaseURL)
	mgmtID := setting(cfg.ManagementClientID, "management_client_id", diags, envMgmtClientID)
	mgmtSecret, mgmtKeyPEM := credential(cfg.ManagementClientSecret, cfg.ManagementPrivateKey, "management_client_secret",
		"management_client_assertion_private_key", envMgmtSecret, envMgmtKey, diags)
	mgmtAlg := setting(cfg.ManagementSigningAlg, "management_client_assertion_signing_alg", diags, envMgmtAlg)
	if diags.HasError() {
		return nil
	}
	if domain == "" {
		missing(diags, "domain", "the Auth0 tenant domain", envDomain, envDomainShared)
	} else if err := checkDomain(domain); err != nil {
		diags.AddAttributeError(path.Root("domain"), "Invalid Auth0 Domain", err.Error())
	}
	if clientID == "" {
		missing(diags, "client_id", "the client ID of an Auth0 application with the Password and MFA grant types", envClientID)
	}
	switch {
	case secret == "" && keyPEM == "":
		diags.AddAttributeError(path.Root("client_secret"), "Missing Client Credentials",
			"The provider needs the application's client_secret (environment "+envClientSecret+") or, for Private Key JWT, "+
				"client_assertion_private_key (environment "+envPrivateKey+").")
	case secret != "" && keyPEM != "":
		diags.AddAttributeError(path.Root("client_secret"), "Conflicting Client Credentials",
			"Both a client secret and a client assertion private key are set (in the provider block or through "+
				envClientSecret+" and "+envPrivateKey+"). Use one: the application authenticates one way.")
	}
	// The Management application is optional, but half of it is a mistake worth stopping for.
	switch {
	case mgmtID != "" && mgmtSecret == "" && mgmtKeyPEM == "":
		missing(diags, "management_client_secret", "the secret of the management_client_id application (or, for Private Key JWT, "+
			"management_client_assertion_private_key, environment "+envMgmtKey+")", envMgmtSecret)
	case mgmtID == "" && (mgmtSecret != "" || mgmtKeyPEM != ""):
		missing(diags, "management_client_id", "the client ID the management application's credential belongs to", envMgmtClientID)
	case mgmtSecret != "" && mgmtKeyPEM != "":
		diags.AddAttributeError(path.Root("management_client_secret"), "Conflicting Management Credentials",
			"Both a management client secret and a management private key are set (in the provider block or through "+
				envMgmtSecret+" and "+envMgmtKey+"). Use one: the management application authenticates one way.")
	}
	var mcfg mfaapi.Config
	mcfg.ManagementClientID, mcfg.ManagementClientSecret, mcfg.ManagementSigningAlg = mgmtID, mgmtSecret, mgmtAlg
	if mgmtKeyPEM != "" {
		key, err := mfaapi.ParsePrivateKey(mgmtKeyPEM)
		if err != nil {
			diags.AddAttributeError(path.Root("management_client_assertion_private_key"), "Invalid Management Client Assertion Private Key", err.Error())
		}
		mcfg.ManagementPrivateKey = key
	}
	if keyPEM != "" {
		key, err := mfaapi.ParsePrivateKey(keyPEM)
		if err != nil {
			diags.AddAttributeError(path.Root("client_assertion_private_key"), "Invalid Client Assertion Private Key", err.Error())
		}
		mcfg.PrivateKey = key
	}
	if baseURL != "" {
		if _, err := mfaapi.ParseBaseURL(baseURL); err != nil {
			diags.AddAttributeError(path.Root("base_url"), "Invalid Base URL", err.Error()+" (from base_url or "+envBaseURL+")")
		}
	}
	if diags.HasError() {
		return nil
	}
	mcfg.Domain, mcfg.ClientID, mcfg.ClientSecret, mcfg.SigningAlg, mcfg.BaseURL = domain, clientID, secret, alg, baseURL
	mcfg.UserAgent = userAgent(version, tfVersion)
	mcfg.TOTPStore = totp.DefaultStore()
	mcfg.Journal = mfaapi.DefaultJournal()
	mcfg.LockDir = mfaapi.DefaultLockDir()
	mcfg.RequestTimeout = requestTimeout
	mcfg.Now = clock
	mcfg.Log = func(ctx context.Context, msg string, fields map[string]any) {
		if _, wait := fields["totp_wait_ms"]; wait {
			// A wait slows an apply by up to 30 s; users (and make bench) should see it.
			tflog.Warn(ctx, msg, fields)
			return
		}
		tflog.Debug(ctx, msg, fields)
	}
	var client *mfaapi.Client
	// The MFA API's errors about a user's factors say when each was created, when the
	// Management API can tell it.
	mcfg.FactorTimes = func(ctx context.Context, username, realm string) map[string]string {
		return mgmtapi.New(client).FactorTimes(ctx, username, realm)
	}
	client, err := mfaapi.New(mcfg)
	if err != nil {
		diags.AddError("Invalid Provider Configuration", err.Error())
		return nil
	}
	if swept := mfaapi.SweepCache(totp.CacheDir(), time.Now()); swept != (mfaapi.SweepResult{}) {
		tflog.Debug(ctx, "removed stale files from the cache directory", map[string]any{"steps": swept.Steps, "locks": swept.Locks})
	}
	tflog.Debug(ctx, "auth0mfa provider configured", map[string]any{"domain": domain, "client_id": clientID,
		"base_url": baseURL, "private_key_jwt": keyPEM != "",
		"management_client_id": mgmtID, "management_private_key_jwt": mgmtKeyPEM != ""})
	return client
}

// credential is an application's secret and private key from the configuration or the
// environment. The credential is one choice: when the configuration sets either one, the
// environment's are not consulted (config wins), so a provider block with a private key is not
// in conflict with a secret in the environment meant for another provider block.
func credential(secretAttr, keyAttr types.String, secretName, keyName, secretEnv, keyEnv string, diags *diag.Diagnostics) (secret, keyPEM string) {
	secret = setting(secretAttr, secretName, diags, secretEnv)
	keyPEM = setting(keyAttr, keyName, diags, keyEnv)
	if !secretAttr.IsNull() && keyAttr.IsNull() {
		keyPEM = ""
	}
	if !keyAttr.IsNull() && secretAttr.IsNull() {
		secret = ""
	}
	return secret, keyPEM
}

func userAgent(version, tfVersion string) string {
	if tfVersion == "" {
		tfVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-auth0mfa/%s (+https://registry.terraform.io/providers/auth0mfa/auth0mfa) Terraform/%s", version, tfVersion)
}
