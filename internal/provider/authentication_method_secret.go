package provider

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// The TOTP secret of an auth0mfa_authentication_method: the caller's (write-only, never in
// plan or state) or one the provider generates (kept in a sensitive attribute).

// minSecretChars is 128 bits of base32: RFC 4226 §4 R6, "The length of the shared secret MUST
// be at least 128 bits" (Auth0's own secrets are 160).
const minSecretChars = 26

// totpSecretValidator refuses, at plan time, a secret that is not base32 or too short; the
// message never quotes the value.
func totpSecretValidator() validator.String {
	return stringCheck{desc: "a base32 TOTP secret of at least 128 bits", check: func(s string) error {
		n, err := totp.NormaliseSecret(s)
		if err != nil {
			return errInvalid("totp_secret_wo must be base32 (letters A-Z and digits 2-7); the value is not shown: it is a secret")
		}
		if len(n) < minSecretChars {
			return errInvalid(fmt.Sprintf("totp_secret_wo must hold at least 128 bits (%d base32 characters, RFC 4226), it has %d characters", minSecretChars, len(n)))
		}
		return nil
	}}
}

// generateTOTPSecret is 20 random bytes (160 bits, as Auth0's own) in base32 without padding.
func generateTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// keyURI is the otpauth:// Key URI an authenticator app scans (Google Authenticator's format, which
// Auth0's own enrollments follow: SHA1, 6 digits, 30 s).
func keyURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}
