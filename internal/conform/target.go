package conform

import (
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Target is the tenant a run talks to and the test user it may change.
type Target struct {
	// Kind is "tenant" or "emulator"; it is recorded, the URL is not.
	Kind string
	// URL is the tenant's base URL (https://TENANT.auth0.com, or the emulator's address);
	// Domain is the one in the MFA audience (https://DOMAIN/mfa/), the URL's host by default.
	URL, Domain            string
	ClientID, ClientSecret string
	// Username and Password log in as the test user; Realm, when set, names the connection
	// (the password-realm grant), as login.realm does in the provider.
	Username, Password, Realm string
	// CodeCommand reads an SMS or email code exactly as binding_code_command does (the same
	// argv and environment); with PhoneNumber an SMS factor is enrolled, with Email an email
	// one. Without a command, no out-of-band factor is tried.
	CodeCommand        []string
	PhoneNumber, Email string
	// ManagementClientID, ManagementClientSecret (or ManagementPrivateKey, for Private Key JWT)
	// and UserID run the Management API route too (an application with the four
	// *:authentication_methods scopes; the test user's id).
	ManagementClientID, ManagementClientSecret, UserID string
	ManagementPrivateKey                               *rsa.PrivateKey
	// HTTP sends the requests (http.DefaultClient when nil).
	HTTP *http.Client
	// Progress receives one line per step (names and statuses only); nil discards them.
	Progress io.Writer
	// Version is the tool's version, recorded.
	Version string
}

// Check reports the first missing or malformed setting, naming the flag to fix.
func (t *Target) Check() error {
	u, err := url.Parse(t.URL)
	switch {
	case t.URL == "":
		return errors.New("--url is required (https://YOUR_TENANT.auth0.com, or --emulator)")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return errors.New("--url must be an http(s) URL such as https://YOUR_TENANT.auth0.com")
	case t.ClientID == "" || t.ClientSecret == "":
		return errors.New("--client-id and --client-secret are required (an application with the password and MFA grants)")
	case t.Username == "" || t.Password == "":
		return errors.New("--username and --password are required (a test user with no MFA factor)")
	case len(t.CodeCommand) > 0 && t.PhoneNumber == "" && t.Email == "":
		return errors.New("--code-command needs --phone-number (SMS) or --email (email) to enroll")
	case t.ManagementClientSecret != "" && t.ManagementPrivateKey != nil:
		return errors.New("give --management-client-secret or --management-private-key-file, not both: the application authenticates one way")
	case (t.ManagementClientID != "") != (t.ManagementClientSecret != "" || t.ManagementPrivateKey != nil),
		t.ManagementClientID != "" && t.UserID == "":
		return errors.New("the Management API route needs --management-client-id, --management-client-secret " +
			"(or --management-private-key-file) and --user-id together")
	case t.PhoneNumber != "" && t.Email != "":
		return errors.New("give --phone-number or --email, not both: one out-of-band factor is enrolled")
	}
	if t.Domain == "" {
		t.Domain = u.Hostname()
	}
	t.URL = strings.TrimRight(t.URL, "/")
	return nil
}

func (t *Target) mfaAudience() string { return "https://" + t.Domain + "/mfa/" }

func (t *Target) oobChannel() string {
	if len(t.CodeCommand) == 0 {
		return ""
	}
	if t.PhoneNumber != "" {
		return "sms"
	}
	return "email"
}
