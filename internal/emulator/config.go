package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Grant type identifiers as Auth0 spells them on the wire.
const (
	GrantPassword          = "password"
	GrantPasswordRealm     = "http://auth0.com/oauth/grant-type/password-realm"
	GrantMFAOTP            = "http://auth0.com/oauth/grant-type/mfa-otp"
	GrantMFAOOB            = "http://auth0.com/oauth/grant-type/mfa-oob"
	GrantMFARecoveryCode   = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
	GrantClientCredentials = "client_credentials"
	DefaultConnection      = "Username-Password-Authentication"
	defaultDemoDomain      = "demo.auth0mfa.test"
	defaultDemoFriendlyStr = "Demo Tenant"
	// MFA policies (Dashboard > Security > Multi-factor Auth > Require Multi-factor Auth).
	MFAPolicyNever  = "never"
	MFAPolicyAlways = "always"
)

// AllGrantTypes is every grant the emulator implements; the demo client has them all.
var AllGrantTypes = []string{GrantPassword, GrantPasswordRealm, GrantMFAOTP, GrantMFAOOB, GrantMFARecoveryCode, GrantClientCredentials}

// Config is the JSON tenant description the emulator is started with.
type Config struct {
	Domain       string         `json:"domain"`
	FriendlyName string         `json:"friendly_name"`
	Factors      *Factors       `json:"factors,omitempty"`
	Clients      []ClientConfig `json:"clients"`
	Users        []UserConfig   `json:"users"`
	// MFAPolicy is the tenant's "Require Multi-factor Auth" setting. "never" (the default, as
	// for a new Auth0 tenant): logins without the MFA audience get tokens; the MFA audience
	// demands MFA only from a user with an active non-email factor, and mints an access token
	// for an unenrolled user straight away (see passwordGrant). "always": every password login
	// answers mfa_required, enrolled or not.
	MFAPolicy string `json:"mfa_policy,omitempty"`
	// DefaultDirectory is the tenant's "Default Directory" (Settings > API Authorization
	// Settings), the connection the password grant without realm uses. Omitted:
	// Username-Password-Authentication; "" models a tenant where it was never set.
	DefaultDirectory *string `json:"default_directory,omitempty"`
	// AttackProtection sets brute-force protection and the same-user login limit.
	AttackProtection *AttackProtection `json:"attack_protection,omitempty"`
	// RateLimits sets a per-endpoint budget of requests per second ("POST /oauth/token": 10).
	RateLimits map[string]int `json:"rate_limits,omitempty"`
	// WebAuthn is the tenant's "WebAuthn with FIDO Security Keys" factor settings.
	WebAuthn *WebAuthnSettings `json:"webauthn,omitempty"`
}

// WebAuthnSettings are the security-key factor's tenant settings (Dashboard > Security >
// Multi-factor Auth > WebAuthn with FIDO Security Keys; reference auth0-management-route.md §4.1).
type WebAuthnSettings struct {
	// UserVerification is the Dashboard's "User Verification" in WebAuthn's words:
	// "discouraged" (the Dashboard's "Never", the default), "preferred" ("If supported") or
	// "required" ("Required").
	UserVerification string `json:"user_verification,omitempty"`
	// CustomDomain is the tenant's custom domain, when it has one: Auth0 lets a security key's
	// relying party be the custom domain only then (DWEBAUTHN).
	CustomDomain string `json:"custom_domain,omitempty"`
}

// Factors says which MFA factors the tenant has enabled.
type Factors struct {
	OTP          bool `json:"otp"`
	SMS          bool `json:"sms"`
	Voice        bool `json:"voice"`
	Email        bool `json:"email"`
	Push         bool `json:"push"`
	RecoveryCode bool `json:"recovery_code"`
}

// ClientConfig is one application of the tenant.
type ClientConfig struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty"`
	PublicKeyPEM string   `json:"public_key_pem,omitempty"`
	GrantTypes   []string `json:"grant_types"`
	// ManagementScopes is the client's grant for the Management API (https://DOMAIN/api/v2/):
	// the scopes a client_credentials token gets, such as "update:users". Empty: no grant.
	ManagementScopes []string `json:"management_scopes,omitempty"`
}

// UserConfig is one database user of the tenant.
type UserConfig struct {
	Username      string `json:"username"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	Password      string `json:"password"`
	Connection    string `json:"connection,omitempty"`
	// UserID fixes the user's id ("auth0|…"), for configurations that name it (the
	// Management API's recovery-code regeneration takes it); random when empty.
	UserID string `json:"user_id,omitempty"`
}

// LoadConfig reads a JSON config file; unknown keys are an error so typos surface.
func LoadConfig(path string) (Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading emulator config: %w", err)
	}
	return ParseConfig(raw)
}

// ParseConfig decodes and validates a JSON config.
func ParseConfig(raw []byte) (Config, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("emulator config is not valid: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("emulator config is not valid: trailing data after the JSON object")
	}
	cfg.applyDefaults()
	return cfg, cfg.Validate()
}

// DemoConfig is the tenant started when no --config is given.
func DemoConfig() Config {
	cfg := Config{
		Domain:       defaultDemoDomain,
		FriendlyName: defaultDemoFriendlyStr,
		Clients: []ClientConfig{{
			ClientID: "demo-client", ClientSecret: "demo-secret",
			GrantTypes: append([]string(nil), AllGrantTypes...),
		}, {
			// A machine-to-machine application for the Management API, as
			// auth0mfa_recovery_code_regeneration needs (management_client_id/secret).
			ClientID: "demo-management", ClientSecret: "demo-management-secret",
			GrantTypes: []string{GrantClientCredentials}, ManagementScopes: append([]string{ScopeUpdateUsers, ScopeDeleteGuardianEnrollments, ScopeReadUsers}, AuthenticationMethodScopes...),
		}},
		Users: []UserConfig{{
			Username: "demo@example.com", Email: "demo@example.com",
			Password: "demo-password-1", Connection: DefaultConnection,
		}},
	}
	cfg.applyDefaults()
	return cfg
}

func (c *Config) applyDefaults() {
	if c.Factors == nil {
		c.Factors = &Factors{OTP: true, SMS: true, Voice: true, Email: true, Push: true, RecoveryCode: true}
	}
	if c.FriendlyName == "" {
		c.FriendlyName = c.Domain
	}
	if c.MFAPolicy == "" {
		c.MFAPolicy = MFAPolicyNever
	}
	if c.AttackProtection == nil {
		c.AttackProtection = &AttackProtection{}
	}
	if c.WebAuthn == nil {
		c.WebAuthn = &WebAuthnSettings{}
	}
	if c.WebAuthn.UserVerification == "" {
		c.WebAuthn.UserVerification = "discouraged"
	}
	c.AttackProtection.applyDefaults()
	for i := range c.Users {
		if c.Users[i].Connection == "" {
			c.Users[i].Connection = DefaultConnection
		}
	}
}

// Validate reports the first problem that would make the tenant unusable.
func (c Config) Validate() error {
	if strings.TrimSpace(c.Domain) == "" || strings.ContainsAny(c.Domain, "/: ") {
		return fmt.Errorf("emulator config: domain %q must be a bare host name such as demo.auth0mfa.test", c.Domain)
	}
	if c.MFAPolicy != MFAPolicyNever && c.MFAPolicy != MFAPolicyAlways {
		return fmt.Errorf("emulator config: mfa_policy must be \"never\" or \"always\", not %q", c.MFAPolicy)
	}
	if w := c.WebAuthn; w != nil {
		switch w.UserVerification {
		case "", "discouraged", "preferred", "required":
		default:
			return fmt.Errorf("emulator config: webauthn.user_verification must be discouraged (Never), preferred (If supported) or required, not %q", w.UserVerification)
		}
		if strings.ContainsAny(w.CustomDomain, "/: ") {
			return fmt.Errorf("emulator config: webauthn.custom_domain %q must be a bare host name", w.CustomDomain)
		}
	}
	seen := map[string]bool{}
	for _, cl := range c.Clients {
		if cl.ClientID == "" {
			return errors.New("emulator config: every client needs a client_id")
		}
		if seen[cl.ClientID] {
			return fmt.Errorf("emulator config: client_id %q appears twice", cl.ClientID)
		}
		seen[cl.ClientID] = true
		if cl.ClientSecret == "" && cl.PublicKeyPEM == "" {
			return fmt.Errorf("emulator config: client %q needs a client_secret or a public_key_pem", cl.ClientID)
		}
		if cl.PublicKeyPEM != "" {
			if _, err := parseRSAPublicKey(cl.PublicKeyPEM); err != nil {
				return fmt.Errorf("emulator config: client %q: %w", cl.ClientID, err)
			}
		}
		for _, g := range cl.GrantTypes {
			if !knownGrant(g) {
				return fmt.Errorf("emulator config: client %q: unknown grant type %q", cl.ClientID, g)
			}
		}
		if len(cl.ManagementScopes) > 0 && !slices.Contains(cl.GrantTypes, GrantClientCredentials) {
			return fmt.Errorf("emulator config: client %q has management_scopes but not the %q grant type", cl.ClientID, GrantClientCredentials)
		}
	}
	users, ids := map[string]bool{}, map[string]bool{}
	for _, u := range c.Users {
		if err := validateUser(u); err != nil {
			return fmt.Errorf("emulator config: %w", err)
		}
		if u.UserID != "" {
			if ids[u.UserID] {
				return fmt.Errorf("emulator config: user_id %q appears twice", u.UserID)
			}
			ids[u.UserID] = true
		}
		key := strings.ToLower(u.Connection + "/" + u.Username)
		if users[key] {
			return fmt.Errorf("emulator config: user %q appears twice in connection %q", u.Username, u.Connection)
		}
		users[key] = true
	}
	if ap := c.AttackProtection; ap != nil && (ap.BruteForceThreshold < 0 || ap.LoginsPerMinute < -1) {
		return errors.New("emulator config: attack_protection: brute_force_threshold must be positive and logins_per_minute positive or -1 (off)")
	}
	for ep, n := range c.RateLimits {
		if !isEndpoint(ep) {
			return fmt.Errorf("emulator config: rate_limits names unknown endpoint %q; use one of %s", ep, strings.Join(Endpoints(), ", "))
		}
		if n <= 0 {
			return fmt.Errorf("emulator config: rate limit for %q must be positive", ep)
		}
	}
	return nil
}

func validateUser(u UserConfig) error {
	if strings.TrimSpace(u.Username) == "" {
		return errors.New("every user needs a username")
	}
	if u.Password == "" && (u.Connection == "" || u.Connection == DefaultConnection) {
		// Users of a passwordless or social connection have none (they are what the
		// Management API's authentication-methods route is for); a database user needs one.
		return fmt.Errorf("user %q needs a password (only users of a passwordless or social connection, named in connection, may have none)", u.Username)
	}
	if provider, id, ok := strings.Cut(u.UserID, "|"); u.UserID != "" && (!ok || provider == "" || id == "" || strings.ContainsAny(u.UserID, "/ ")) {
		return fmt.Errorf("user %q: user_id %q must look like auth0|ID", u.Username, u.UserID)
	}
	return nil
}

func knownGrant(g string) bool {
	for _, k := range AllGrantTypes {
		if g == k {
			return true
		}
	}
	return false
}

// defaultDirectory is the connection the password grant (no realm) logs in to; "" when the
// tenant has none.
func (c Config) defaultDirectory() string {
	if c.DefaultDirectory == nil {
		return DefaultConnection
	}
	return strings.TrimSpace(*c.DefaultDirectory)
}
