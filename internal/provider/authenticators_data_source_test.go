package provider

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

const dsAddr = "data.auth0mfa_authenticators.test"

func dataSourceConfig(username, password, extra string) string {
	return "data \"auth0mfa_authenticators\" \"test\" {\n" + loginHCL(username, password) + extra + "}\n"
}

func TestAccAuthenticatorsDataSource_emptyForANewUser(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	dave, davePW := env.addUser(t, "dave@example.com")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + dataSourceConfig(dave, davePW, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, at("authenticators"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccAuthenticatorsDataSource_activeOnlyByDefault(t *testing.T) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	// A pending enrollment nobody confirmed, made straight at the tenant.
	mfa := tn.MFAToken(t, env.username, env.password)
	if r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"},
		"phone_number": "+15551230009"}, "Authorization: Bearer "+mfa); r.Status != http.StatusOK {
		t.Fatalf("associate: %d %s", r.Status, r.Raw)
	}
	enrolled := otpConfig(env, env.username, env.password)
	entry := func(typ, channel string, active bool) knownvalue.Check {
		var channelCheck knownvalue.Check = knownvalue.Null()
		if channel != "" {
			channelCheck = knownvalue.StringExact(channel)
		}
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"authenticator_type": knownvalue.StringExact(typ), "oob_channel": channelCheck, "active": knownvalue.Bool(active),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// Before the OTP exists: only the pending sms (and its voice twin and recovery code), all inactive.
				Config: env.providerBlock() + dataSourceConfig(env.username, env.password, "  include_inactive = true\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, at("authenticators"), knownvalue.ListExact([]knownvalue.Check{
						entry("oob", "sms", false), entry("oob", "voice", false), entry("recovery-code", "", false),
					})),
					statecheck.ExpectKnownValue(dsAddr, at("authenticators").AtSliceIndex(0).AtMapKey("name"),
						knownvalue.StringExact("XXXXXXXX0009")),
				},
			},
			{
				// With the OTP enrolled the stale sms is swept, and the default lists active factors only.
				Config: enrolled + dataSourceConfig(env.username, env.password, "  depends_on = [auth0mfa_otp_authenticator.test]\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, at("authenticators"), knownvalue.ListExact([]knownvalue.Check{
						entry("recovery-code", "", true), entry("otp", "", true),
					})),
					statecheck.ExpectKnownValue(dsAddr, at("authenticators").AtSliceIndex(1).AtMapKey("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^totp\|`))),
				},
			},
		},
	})
}

func TestAccAuthenticatorsDataSource_badLogin(t *testing.T) {
	env := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      env.providerBlock() + dataSourceConfig(emutest.Username, "wrong-password-1", ""),
			ExpectError: regexp.MustCompile(`Auth0 rejected the username or password`),
		}},
	})
}
