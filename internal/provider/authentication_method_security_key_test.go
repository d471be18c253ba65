package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

const keyAddr = "auth0mfa_authentication_method.key"

func securityKeyConfig(env *accEnv, extra string) string {
	return env.providerBlockWithManagement() + fmt.Sprintf("resource \"auth0mfa_authentication_method\" \"key\" {\n  user_id = %q\n"+
		"  type    = \"webauthn-roaming\"\n%s}\n", emutest.UserID, extra)
}

// checkCredentialObjects: the two objects carry the state's credential id and private key in
// their own encodings, for the tenant's relying party.
func checkCredentialObjects() statecheck.StateCheck {
	return stateFunc(func(s *tfjsonState) error {
		get := func(attr string) string { v, _ := stateAttr(s, keyAddr, attr); str, _ := v.(string); return str }
		id, key := get("credential_id"), get("private_key_pkcs8")
		for attr, enc := range map[string]*base64.Encoding{"cdp_credential": base64.StdEncoding, "webdriver_credential": base64.RawURLEncoding} {
			var o map[string]any
			if err := json.Unmarshal([]byte(get(attr)), &o); err != nil {
				return fmt.Errorf("%s: %v", attr, err)
			}
			rawID, _ := base64.RawURLEncoding.DecodeString(id)
			rawKey, _ := base64.StdEncoding.DecodeString(key)
			if o["credentialId"] != enc.EncodeToString(rawID) || o["privateKey"] != enc.EncodeToString(rawKey) || o["rpId"] != emutest.Domain {
				return fmt.Errorf("%s does not hold the state's key: %v", attr, o)
			}
		}
		return nil
	})
}

// A security key made by the provider: created at the tenant with its COSE key, its outputs
// sensitive and consistent, renamed in place, re-created after a delete outside Terraform,
// imported (without its private key, which Auth0 never had), destroyed.
func TestAccAuthenticationMethod_securityKey(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{
				Config: securityKeyConfig(env, "  name = \"CI key\"\n"),
				// The plan shows what the key gets and, as null, what only other types get.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(keyAddr, at("cdp_credential")),
					plancheck.ExpectKnownValue(keyAddr, at("totp_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(keyAddr, at("barcode_uri"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, at("id"), knownvalue.StringRegexp(regexp.MustCompile(`^webauthn-roaming\|dev_`))),
					statecheck.ExpectKnownValue(keyAddr, at("relying_party_identifier"), knownvalue.StringExact(emutest.Domain)),
					statecheck.ExpectKnownValue(keyAddr, at("credential_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`))),
					statecheck.ExpectSensitiveValue(keyAddr, at("private_key_pkcs8")),
					statecheck.ExpectSensitiveValue(keyAddr, at("cdp_credential")),
					statecheck.ExpectSensitiveValue(keyAddr, at("webdriver_credential")),
					statecheck.ExpectKnownValue(keyAddr, at("totp_secret"), knownvalue.Null()),
					checkCredentialObjects(),
					captureAttr(keyAddr, "id", &id),
					stateFunc(func(s *tfjsonState) error {
						// The tenant holds the key the state's private key signs for.
						m := methodsAtTenant(t, env, emutest.UserID)
						cid, _ := stateAttr(s, keyAddr, "credential_id")
						if len(m) != 1 || m[0].KeyID != cid || m[0].Name != "CI key" {
							return fmt.Errorf("the tenant holds %+v", m)
						}
						return nil
					}),
				},
			},
			{
				Config: securityKeyConfig(env, "  name = \"CI key 2\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// Deleted outside Terraform: the refresh warns and the plan creates it again.
				PreConfig: func() {
					if err := env.managementClient(t).DeleteAuthenticationMethod(context.Background(), emutest.UserID, id); err != nil {
						t.Fatal(err)
					}
				},
				Config: securityKeyConfig(env, "  name = \"CI key 2\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				Config:            securityKeyConfig(env, "  name = \"CI key 2\"\n"),
				ResourceName:      keyAddr,
				ImportState:       true,
				ImportStateIdFunc: importIDOf(keyAddr),
				ImportStateVerify: true,
				// Auth0 never had the private key: an import cannot bring it (or the objects) back.
				ImportStateVerifyIgnore: []string{"private_key_pkcs8", "cdp_credential", "webdriver_credential"},
			},
		},
	})
}

// A key whose private half the test suite holds: only the public key goes to Auth0, the
// credential objects stay null, and a malformed or non-P-256 key is refused at plan time.
func TestAccAuthenticationMethod_securityKeyFromPublicKey(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	priv, err := securitykey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	withKey := func(text string) string { return securityKeyConfig(env, fmt.Sprintf("  public_key_pem = %q\n", text)) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkNoMethods(t, env),
		Steps: []resource.TestStep{
			{Config: withKey("not a key"), PlanOnly: true, ExpectError: regexp.MustCompile(`not PEM text`)},
			{Config: withKey(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaDER}))), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)ECDSA\s+P-256`)},
			{Config: securityKeyConfig(env, "  relying_party_identifier = \"https://login.example.com\"\n"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`must be a host name`)},
			{Config: env.providerBlockWithManagement() + fmt.Sprintf("resource \"auth0mfa_authentication_method\" \"key\" {\n  user_id = %q\n"+
				"  type = \"totp\"\n  public_key_pem = %q\n}\n", emutest.UserID, pubPEM), PlanOnly: true,
				ExpectError: regexp.MustCompile(`public_key_pem does not apply to type = "totp"`)},
			// A relying party the tenant does not allow is Auth0's refusal, explained at apply.
			{Config: securityKeyConfig(env, "  relying_party_identifier = \"login.example.com\"\n"),
				ExpectError: regexp.MustCompile(`relying_party_identifier`)},
			{
				Config: withKey(pubPEM),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(keyAddr, at("cdp_credential"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(keyAddr, at("credential_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, at("private_key_pkcs8"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyAddr, at("cdp_credential"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyAddr, at("webdriver_credential"), knownvalue.Null()),
					stateFunc(func(*tfjsonState) error {
						m := methodsAtTenant(t, env, emutest.UserID)
						cose, _ := securitykey.COSE(&priv.PublicKey)
						if len(m) != 1 || m[0].PublicKey != base64.StdEncoding.EncodeToString(cose) {
							return fmt.Errorf("the tenant holds %+v, not the configured key", m)
						}
						return nil
					}),
				},
			},
			{Config: withKey(pubPEM), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// importIDOf is USER_ID:METHOD_ID of the method at address in the current state.
func importIDOf(address string) func(*terraform.State) (string, error) {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return "", fmt.Errorf("%s is not in state", address)
		}
		return rs.Primary.Attributes["user_id"] + ":" + rs.Primary.ID, nil
	}
}
