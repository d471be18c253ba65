package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// expectIdentity checks the OTP factor's identity: the user, no realm (the default directory
// unless realm is given), and the id (an exact id, or a pattern when id is nil).
func expectIdentity(username, realm string, id *string, pattern string) statecheck.StateCheck {
	var realmCheck knownvalue.Check = knownvalue.Null()
	if realm != "" {
		realmCheck = knownvalue.StringExact(realm)
	}
	var idCheck knownvalue.Check = knownvalue.StringRegexp(regexp.MustCompile(pattern))
	if id != nil {
		idCheck = stringPointerCheck{id}
	}
	return statecheck.ExpectIdentity(otpAddr, map[string]knownvalue.Check{
		"username": knownvalue.StringExact(username), "realm": realmCheck, "id": idCheck,
	})
}

// stringPointerCheck compares with a value captured by an earlier step (read when checked).
type stringPointerCheck struct{ want *string }

func (c stringPointerCheck) CheckValue(v any) error {
	if s, ok := v.(string); !ok || s != *c.want {
		return fmt.Errorf("expected %q, got %v", *c.want, v)
	}
	return nil
}
func (c stringPointerCheck) String() string { return *c.want }

// The identity is set on create, kept on an in-place update, kept through a refresh that finds
// the factor gone (the new factor then has its own), and the plannable import by identity finds
// the factor and plans only the login update.
func TestAccIdentity_setOnCreateKeptOnUpdateAndRead(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	var id, secret string
	const rotated = "rotated-password-3"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureIdentity),
		CheckDestroy:             env.checkNoFactors(t, env.username, rotated),
		Steps: []resource.TestStep{
			{
				Config: otpConfig(env, env.username, env.password),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(env.username, "", nil, `^totp\|dev_[A-Za-z0-9]{16}$`),
					statecheck.ExpectIdentityValueMatchesState(otpAddr, at("id")),
					captureAttr(otpAddr, "id", &id), captureAttr(otpAddr, "secret", &secret),
				},
			},
			{
				PreConfig: func() {
					if err := tn.SetPassword(env.username, rotated); err != nil {
						t.Fatal(err)
					}
				},
				Config: otpConfig(env, env.username, rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectIdentity(env.username, "", &id, "")},
			},
			{
				ResourceName:       otpAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true, // the import carries no password: login is updated in place
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(otpAddr, at("id"), stringPointerCheck{&id}),
				}},
			},
			{
				PreConfig: func() {
					// Reset outside Terraform: the refresh removes the resource, with its identity.
					s := env.client(t).Session(mfaapi.Login{Username: env.username, Password: rotated})
					if err := s.Delete(testCtx(t), id, mfaapi.StepUp{OTPSecrets: []string{secret}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: otpConfig(env, env.username, rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(env.username, "", nil, `^totp\|dev_[A-Za-z0-9]{16}$`),
					statecheck.ExpectIdentityValueMatchesState(otpAddr, at("id")),
				},
			},
		},
	})
}

// An import block with an identity, no string ID, adopts a factor enrolled outside Terraform,
// here through a named connection (realm), and the apply keeps that identity.
func TestAccIdentity_importBlockWithIdentityAndRealm(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	login := mfaapi.Login{Username: env.username, Password: env.password, Realm: emulator.DefaultConnection}
	e, err := env.client(t).Session(login).EnrollOTP(testCtx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	realm := fmt.Sprintf("realm = %q", emulator.DefaultConnection)
	resourceBlock := "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" +
		loginHCL(env.username, env.password, realm, fmt.Sprintf("otp_secret = %q", e.Association.Secret)) + "}\n"
	importBlock := fmt.Sprintf("import {\n  to = %s\n  identity = {\n    username = %q\n    realm = %q\n    id = %q\n  }\n}\n",
		otpAddr, env.username, emulator.DefaultConnection, e.ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureIdentity),
		CheckDestroy:             env.checkNoFactors(t, env.username, env.password),
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + importBlock + resourceBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otpAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(env.username, emulator.DefaultConnection, &e.ID, ""),
					statecheck.ExpectKnownValue(otpAddr, at("active"), knownvalue.Bool(true)),
				},
			},
			{
				Config:           env.providerBlock() + resourceBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A mistyped identity is refused at import, before any request, naming the attribute.
func TestAccIdentity_badIdentityIsRefused(t *testing.T) {
	requireCLIFeature(t, featureIdentity)
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	resourceBlock := "resource \"auth0mfa_otp_authenticator\" \"test\" {\n" + loginHCL(env.username, env.password) + "}\n"
	cases := map[string]struct{ identity, want string }{
		"sms id into the OTP resource": {`username = "u@example.com", id = "sms|dev_abcdefgh"`, `identity\.id names "sms\|dev_abcdefgh", a sms authenticator; this resource\s+manages totp`},
		"not an authenticator id":      {`username = "u@example.com", id = "abc"`, `identity\.id does not end in an Auth0\s+authenticator id`},
		"realm with a space":           {`username = "u@example.com", realm = "my realm", id = "totp|dev_abcdefgh"`, `identity\.realm "my realm" is not an Auth0\s+connection name`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := tn.Stats()["POST /oauth/token"]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   requires(featureIdentity),
				Steps: []resource.TestStep{{
					Config:      env.providerBlock() + fmt.Sprintf("import {\n  to = %s\n  identity = { %s }\n}\n", otpAddr, tc.identity) + resourceBlock,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			if after := tn.Stats()["POST /oauth/token"]; after != before {
				t.Errorf("a refused identity must not reach Auth0: %d token requests", after-before)
			}
		})
	}
}
