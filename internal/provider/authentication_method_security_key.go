package provider

import (
	"crypto/ecdsa"
	"encoding/base64"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

// A security key (type webauthn-roaming) of auth0mfa_authentication_method, for browser tests:
// the provider makes a P-256 key pair and a credential id (or takes a public key from the
// configuration), sends Auth0 the COSE key, and hands the test suite the credential objects a
// virtual authenticator loads (CDP WebAuthn.addCredential, WebDriver Add Credential). One
// resource rather than one of its own: the key is one more type of the same Management API
// method, with the same id, import, identity, drift and list as the others.

const typeSecurityKey = "webauthn-roaming"

// relyingPartyPattern is the OAS "format: hostname" of relying_party_identifier.
var relyingPartyPattern = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$`)

func relyingPartyValidator() validator.String {
	return stringvalidator.RegexMatches(relyingPartyPattern, "must be a host name such as login.example.com (no scheme, port or path)")
}

// publicKeyPEMValidator refuses at plan time what is no P-256 public key, without quoting it.
func publicKeyPEMValidator() validator.String {
	return stringCheck{desc: "a PEM ECDSA P-256 public key", check: func(s string) error {
		if _, err := securitykey.ParsePublicKeyPEM(s); err != nil {
			return errInvalid("public_key_pem: " + err.Error())
		}
		return nil
	}}
}

// prepareSecurityKey fills the create request with a key and sets the plan's outputs: the
// credential objects only when the provider made the private key.
func prepareSecurityKey(plan *authenticationMethodModel, m *mgmtapi.NewAuthenticationMethod, domain string) error {
	rp := domain
	if !plan.RelyingPartyID.IsNull() && !plan.RelyingPartyID.IsUnknown() {
		rp = plan.RelyingPartyID.ValueString()
	}
	id, err := securitykey.NewCredentialID()
	if err != nil {
		return err
	}
	cred := securitykey.Credential{ID: id, RPID: rp}
	var pub *ecdsa.PublicKey
	if !plan.PublicKeyPEM.IsNull() {
		if pub, err = securitykey.ParsePublicKeyPEM(plan.PublicKeyPEM.ValueString()); err != nil {
			return err
		}
	} else {
		if cred.PrivateKey, err = securitykey.Generate(); err != nil {
			return err
		}
		pub = &cred.PrivateKey.PublicKey
	}
	cose, err := securitykey.COSE(pub)
	if err != nil {
		return err
	}
	m.KeyID, m.PublicKey, m.RelyingPartyIdentifier = base64.RawURLEncoding.EncodeToString(id), base64.StdEncoding.EncodeToString(cose), rp
	plan.CredentialID, plan.RelyingPartyID = types.StringValue(m.KeyID), types.StringValue(rp)
	plan.PrivateKeyPKCS8, plan.CDPCredential, plan.WebDriverCredential = types.StringNull(), types.StringNull(), types.StringNull()
	if cred.PrivateKey == nil {
		return nil
	}
	der, err := cred.PKCS8()
	if err != nil {
		return err
	}
	cdp, err := cred.CDP()
	if err != nil {
		return err
	}
	webdriver, err := cred.WebDriver()
	if err != nil {
		return err
	}
	plan.PrivateKeyPKCS8 = types.StringValue(base64.StdEncoding.EncodeToString(der))
	plan.CDPCredential, plan.WebDriverCredential = types.StringValue(cdp), types.StringValue(webdriver)
	return nil
}
