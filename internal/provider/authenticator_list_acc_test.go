package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// handEnrolled is what a person or an older pipeline left on the test user: two OTP factors
// and an SMS factor (with its voice twin).
type handEnrolled struct{ otp1, otp2, sms, secret string }

func enrollByHand(t *testing.T, env *accEnv) handEnrolled {
	t.Helper()
	tn := env.emulatorOnly(t)
	s := env.client(t).Session(mfaapi.Login{Username: env.username, Password: env.password})
	first, err := s.EnrollOTP(testCtx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	up := mfaapi.StepUp{OTPSecrets: []string{first.Association.Secret}}
	second, err := s.EnrollOTP(testCtx(t), up)
	if err != nil {
		t.Fatal(err)
	}
	const phone = "+15550002222"
	readSMS := func(context.Context, time.Time) (string, error) {
		msgs := tn.Outbox(phone)
		if len(msgs) == 0 {
			return "", errors.New("no code sent yet")
		}
		return msgs[len(msgs)-1].Code, nil
	}
	sms, err := s.EnrollOOB(testCtx(t), mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"sms"},
		PhoneNumber: phone}, readSMS, up)
	if err != nil {
		t.Fatal(err)
	}
	return handEnrolled{otp1: first.ID, otp2: second.ID, sms: sms.ID, secret: first.Association.Secret}
}

func listBlock(env *accEnv, kind, name string, includeResource bool) string {
	return fmt.Sprintf("list %q %q {\n  provider = auth0mfa\n  include_resource = %v\n  config {\n    login = {\n      username = %q\n      password = %q\n    }\n  }\n}\n",
		kind, name, includeResource, env.username, env.password)
}

func identityOfFactor(username, id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"username": knownvalue.StringExact(username), "realm": knownvalue.Null(), "id": knownvalue.StringExact(id)}
}

// terraform query lists the user's factors of each kind with their identity: both OTP factors,
// the SMS factor once (its voice twin is its companion), and, with include_resource, the data
// an import would hold.
func TestAccAuthenticatorList_query(t *testing.T) {
	env := newAccEnv(t)
	f := enrollByHand(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureQuery),
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{
				Query: true,
				// The .tfquery.hcl beside the previous step's .tf, which configures the provider.
				Config: listBlock(env, "auth0mfa_otp_authenticator", "otp", false) +
					listBlock(env, "auth0mfa_oob_authenticator", "oob", true),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("auth0mfa_otp_authenticator.otp", 2),
					querycheck.ExpectIdentity("auth0mfa_otp_authenticator.otp", identityOfFactor(env.username, f.otp1)),
					querycheck.ExpectIdentity("auth0mfa_otp_authenticator.otp", identityOfFactor(env.username, f.otp2)),
					querycheck.ExpectLength("auth0mfa_oob_authenticator.oob", 1),
					querycheck.ExpectIdentity("auth0mfa_oob_authenticator.oob", identityOfFactor(env.username, f.sms)),
					querycheck.ExpectResourceDisplayName("auth0mfa_oob_authenticator.oob",
						queryfilter.ByResourceIdentity(identityOfFactor(env.username, f.sms)),
						knownvalue.StringRegexp(regexp.MustCompile(`^sms\|dev_\w+ \(.*2222\)$`))),
					querycheck.ExpectResourceKnownValues("auth0mfa_oob_authenticator.oob",
						queryfilter.ByResourceIdentity(identityOfFactor(env.username, f.sms)), []querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.sms)},
							{Path: tfjsonpath.New("channel"), KnownValue: knownvalue.StringExact("sms")},
							{Path: tfjsonpath.New("login").AtMapKey("username"), KnownValue: knownvalue.StringExact(env.username)},
							{Path: tfjsonpath.New("login").AtMapKey("password"), KnownValue: knownvalue.Null()},
						}),
				},
			},
		},
	})
}

// A list that cannot log in reports Auth0's reason, as the resources do.
func TestAccAuthenticatorList_wrongPassword(t *testing.T) {
	env := newAccEnv(t)
	env.emulatorOnly(t)
	bad := strings.Replace(listBlock(env, "auth0mfa_otp_authenticator", "otp", false), fmt.Sprintf("%q", env.password), `"wrong-password"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   requires(featureQuery),
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{Query: true, Config: bad, ExpectError: regexp.MustCompile(`(?s)Could Not List the User's Authenticators.*Wrong email or password`)},
		},
	})
}

func TestActiveOfKindSkipsPendingFactorsAndVoiceTwins(t *testing.T) {
	l := newOOBAuthenticatorList().(*authenticatorList)
	got := l.activeOfKind([]mfaapi.Authenticator{
		{ID: "sms|dev_AAAA", AuthenticatorType: "oob", OOBChannel: "sms", Active: true},
		{ID: "voice|dev_AAAA", AuthenticatorType: "oob", OOBChannel: "voice", Active: true},
		{ID: "voice|dev_BBBB", AuthenticatorType: "oob", OOBChannel: "voice", Active: true},
		{ID: "email|dev_CCCC", AuthenticatorType: "oob", OOBChannel: "email", Active: false},
		{ID: "totp|dev_DDDD", AuthenticatorType: "otp", Active: true},
	})
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "sms|dev_AAAA,voice|dev_BBBB" {
		t.Fatalf("listed %v", ids)
	}
}

// The way a team adopts a hand-made test user: terraform query -generate-config-out writes
// import and resource blocks; with the password filled in, apply imports the factors and the
// plan after it is empty.
func TestAccAuthenticatorList_generateConfigThenImport(t *testing.T) {
	env := newAccEnv(t)
	f := enrollByHand(t, env)
	requireCLIFeature(t, featureQuery)
	work, cliEnv := e2eWorkspace(t)
	provider := requiredProviders + env.providerBlock()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		cmd := exec.Command(testCLI(), args...)
		cmd.Dir, cmd.Env = work, cliEnv
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", testCLI(), args, err, out)
		}
		return string(out)
	}
	write("main.tf", provider)
	write("adopt.tfquery.hcl", listBlock(env, "auth0mfa_otp_authenticator", "otp", true))
	run("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(work, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{f.otp1, f.otp2} {
		if !strings.Contains(string(generated), id) {
			t.Fatalf("generated.tf has no import of %s:\n%s", id, generated)
		}
	}
	// What the user fills in: the password the listing never returns, and how to pass MFA.
	filled := regexp.MustCompile(`password\s*=\s*null`).ReplaceAllString(string(generated), fmt.Sprintf("password = %q", env.password))
	filled = regexp.MustCompile(`otp_secret\s*=\s*null`).ReplaceAllString(filled, fmt.Sprintf("otp_secret = %q", f.secret))
	write("generated.tf", filled)
	if err := os.Remove(filepath.Join(work, "adopt.tfquery.hcl")); err != nil {
		t.Fatal(err)
	}
	out := run("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "2 imported") {
		t.Fatalf("apply did not import both factors:\n%s", out)
	}
	plan := exec.Command(testCLI(), "plan", "-detailed-exitcode", "-input=false", "-no-color")
	plan.Dir, plan.Env = work, cliEnv
	if out, err := plan.CombinedOutput(); err != nil {
		t.Fatalf("the plan after adoption is not empty (%v):\n%s", err, out)
	}
	run("destroy", "-auto-approve", "-input=false", "-no-color")
	// Only the OTP factors were adopted, so destroy removes them and leaves the SMS factor.
	for _, a := range env.authenticators(t, env.username, env.password) {
		if a.ID == f.otp1 || a.ID == f.otp2 {
			t.Errorf("%s is still at the tenant after destroy", a.ID)
		}
	}
}
