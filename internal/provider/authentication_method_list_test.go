package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mgmtapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

// terraform query over a user's Management API methods: TOTP, email and a security key made by hand, each with
// its identity and, with include_resource, what an import holds (never a secret or address).
func TestAccAuthenticatorList_managementMethods(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	mgmt := env.managementClient(t)
	totpMethod, err := mgmt.CreateAuthenticationMethod(context.Background(), emutest.UserID, mgmtapi.NewAuthenticationMethod{Type: "totp", Name: "By hand", TOTPSecret: userSecret})
	if err != nil {
		t.Fatal(err)
	}
	emailMethod, err := mgmt.CreateAuthenticationMethod(context.Background(), emutest.UserID, mgmtapi.NewAuthenticationMethod{Type: "email", Email: "alice.codes@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := securitykey.Generate()
	cose, _ := securitykey.COSE(&priv.PublicKey)
	keyMethod, err := mgmt.CreateAuthenticationMethod(context.Background(), emutest.UserID, mgmtapi.NewAuthenticationMethod{Type: "webauthn-roaming",
		KeyID: "E1LoPm0G-JqaRPwe98JKfA", PublicKey: base64.StdEncoding.EncodeToString(cose)})
	if err != nil {
		t.Fatal(err)
	}
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"user_id": knownvalue.StringExact(emutest.UserID), "id": knownvalue.StringExact(id)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureQuery),
		Steps: []resource.TestStep{
			{Config: env.providerBlockWithManagement()},
			{
				Query:  true,
				Config: fmt.Sprintf("list \"auth0mfa_authentication_method\" \"all\" {\n  provider = auth0mfa\n  include_resource = true\n  config {\n    user_id = %q\n  }\n}\n", emutest.UserID),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("auth0mfa_authentication_method.all", 3),
					querycheck.ExpectIdentity("auth0mfa_authentication_method.all", identity(keyMethod.ID)),
					querycheck.ExpectResourceKnownValues("auth0mfa_authentication_method.all", queryfilter.ByResourceIdentity(identity(keyMethod.ID)), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("webauthn-roaming")},
						{Path: tfjsonpath.New("cdp_credential"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectIdentity("auth0mfa_authentication_method.all", identity(totpMethod.ID)),
					querycheck.ExpectIdentity("auth0mfa_authentication_method.all", identity(emailMethod.ID)),
					querycheck.ExpectResourceDisplayName("auth0mfa_authentication_method.all", queryfilter.ByResourceIdentity(identity(totpMethod.ID)),
						knownvalue.StringRegexp(regexp.MustCompile(`^totp\|dev_\w+ \(By hand\)$`))),
					querycheck.ExpectResourceKnownValues("auth0mfa_authentication_method.all", queryfilter.ByResourceIdentity(identity(emailMethod.ID)), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("email")},
						{Path: tfjsonpath.New("email"), KnownValue: knownvalue.Null()},
					}),
				},
			},
		},
	})
}
