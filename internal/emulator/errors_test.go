package emulator_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// assertError checks an Auth0 error answer exactly: status, the two keys and their texts
// (desc "" skips the text).
func assertError(t *testing.T, r emutest.Response, status int, code, desc string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	body := r.Object(t)
	if body["error"] != code {
		t.Fatalf("error %v, want %s: %s", body["error"], code, r.Raw)
	}
	if d, ok := body["error_description"].(string); !ok || (desc != "" && d != desc) {
		t.Fatalf("error_description %q, want %q", body["error_description"], desc)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
}

func TestErrorAnswers(t *testing.T) {
	tn := emutest.Start(t, func() emulator.Config {
		c := emutest.Config()
		c.Clients = append(c.Clients, emulator.ClientConfig{ClientID: "no-mfa", ClientSecret: "s3cret-no-mfa", GrantTypes: []string{emulator.GrantPassword}})
		return c
	}())
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	login := func(overrides ...string) url.Values {
		v := emutest.ClientForm("grant_type", "password", "username", emutest.Username, "password", emutest.Password)
		for i := 0; i+1 < len(overrides); i += 2 {
			v.Set(overrides[i], overrides[i+1])
		}
		return v
	}
	cases := []struct {
		name         string
		method, path string
		body         any
		headers      []string
		status       int
		code, desc   string
	}{
		{"wrong password", "POST", "/oauth/token", login("password", "nope"), nil, 403, "invalid_grant", "Wrong email or password."},
		{"unknown user", "POST", "/oauth/token", login("username", "nobody@example.com"), nil, 403, "invalid_grant", "Wrong email or password."},
		{"wrong realm", "POST", "/oauth/token", login("grant_type", emulator.GrantPasswordRealm, "realm", "other-db"), nil, 403, "invalid_grant", "Wrong email or password."},
		{"unknown client", "POST", "/oauth/token", login("client_id", "who"), nil, 401, "invalid_client", "Unknown client."},
		{"wrong client secret", "POST", "/oauth/token", login("client_secret", "bad"), nil, 401, "access_denied", "Unauthorized"},
		{"no client secret", "POST", "/oauth/token", url.Values{"grant_type": {"password"}, "client_id": {emutest.ClientID}, "username": {"u"}, "password": {"p"}}, nil, 401, "invalid_client", ""},
		{"grant the client lacks", "POST", "/oauth/token",
			url.Values{"grant_type": {emulator.GrantMFAOTP}, "client_id": {"no-mfa"}, "client_secret": {"s3cret-no-mfa"}, "mfa_token": {"x"}, "otp": {"123456"}},
			nil, 403, "unauthorized_client", "Grant type 'http://auth0.com/oauth/grant-type/mfa-otp' not allowed for the client."},
		{"unsupported grant", "POST", "/oauth/token", emutest.ClientForm("grant_type", "implicit"), nil, 400, "unsupported_grant_type", "Unsupported grant type: implicit"},
		{"missing grant_type", "POST", "/oauth/token", emutest.ClientForm(), nil, 400, "invalid_request", "Missing required parameter: grant_type"},
		{"missing username", "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "password", "x"), nil, 400, "invalid_request", "Missing required parameter: username"},
		{"missing realm", "POST", "/oauth/token", login("grant_type", emulator.GrantPasswordRealm), nil, 400, "invalid_request", "Missing required parameter: realm"},
		{"bad JSON", "POST", "/oauth/token", `{"grant_type":`, nil, 400, "invalid_request", "Invalid JSON body: expected a JSON object."},
		{"JSON of the wrong type", "POST", "/oauth/token", `{"grant_type": 7}`, nil, 400, "invalid_request", "Invalid value for grant_type: expected a string or an array of strings."},
		{"missing otp", "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfa), nil, 400, "invalid_request", "Missing required parameter: otp"},
		{"malformed mfa_token", "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", "garbage", "otp", "123456"), nil, 401, "invalid_grant", "Malformed mfa_token"},
		{"unknown oob_code", "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", "nope", "binding_code", "123456"), nil, 403, "invalid_grant", "Invalid oob_code."},
		{"associate without bearer", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, nil, 401, "invalid_grant", "The mfa_token provided is invalid. Try getting a new token."},
		{"associate with a bad token", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, []string{bearer("forged")}, 401, "invalid_grant", "The mfa_token provided is invalid. Try getting a new token."},
		{"associate without types", "POST", "/mfa/associate", map[string]any{}, []string{bearer(mfa)}, 400, "invalid_request", "Missing required parameter: authenticator_types"},
		{"associate unknown type", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"webauthn"}}, []string{bearer(mfa)}, 400, "invalid_request", `authenticator_types must be ["otp"] or ["oob"].`},
		{"associate oob without channel", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}}, []string{bearer(mfa)}, 400, "invalid_request", "Missing required parameter: oob_channels"},
		{"associate sms without phone", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}}, []string{bearer(mfa)}, 400, "invalid_request", "Missing required parameter: phone_number"},
		{"associate sms bad phone", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "555-1234"}, []string{bearer(mfa)}, 400, "invalid_request", "phone_number must be in E.164 format, for example +15551234567."},
		{"associate bad email", "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"email"}, "email": "not-an-email"}, []string{bearer(mfa)}, 400, "invalid_request", "email is not a valid email address."},
		{"list without bearer", "GET", "/mfa/authenticators", nil, nil, 401, "access_denied", "Invalid MFA token"},
		{"delete with the mfa_token", "DELETE", "/mfa/authenticators/totp%7Cdev_abc", nil, []string{bearer(mfa)}, 403, "insufficient_scope", ""},
		{"challenge without enrollment", "POST", "/mfa/challenge", emutest.ClientForm("mfa_token", mfa), nil, 400, "association_required", "User is not enrolled. You can use /mfa/associate endpoint to enroll the first authenticator."},
		{"challenge without mfa_token", "POST", "/mfa/challenge", emutest.ClientForm(), nil, 400, "invalid_request", "Missing required parameter: mfa_token"},
		{"unknown path", "GET", "/api/v2/users", nil, nil, 404, "endpoint_disabled", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertError(t, tn.Do(t, tc.method, tc.path, tc.body, tc.headers...), tc.status, tc.code, tc.desc)
		})
	}
}

func TestMFARequiredAnswer(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	// JSON bodies are accepted on /oauth/token as well as forms.
	r := tn.Do(t, "POST", "/oauth/token", map[string]string{
		"grant_type": "password", "username": emutest.Username, "password": emutest.Password,
		"client_id": emutest.ClientID, "client_secret": emutest.ClientSecret, "audience": emutest.MFAAudience,
	})
	assertError(t, r, 403, "mfa_required", "Multifactor authentication required")
	keys := sortedKeys(r.Object(t))
	if strings.Join(keys, ",") != "error,error_description,mfa_token" {
		t.Fatalf("keys %v", keys)
	}
	if r.Header.Get("X-Ratelimit-Limit") == "" || r.Header.Get("X-Ratelimit-Reset") == "" || r.Header.Get("Cache-Control") == "" {
		t.Fatalf("headers %v", r.Header)
	}
}

func TestClientSecretBasic(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	form := emutest.Form("grant_type", "password", "username", emutest.Username, "password", emutest.Password, "audience", emutest.MFAAudience)
	req := "Authorization: Basic " + basic(emutest.ClientID, emutest.ClientSecret)
	assertError(t, tn.Do(t, "POST", "/oauth/token", form, req), 403, "mfa_required", "")
	assertError(t, tn.Do(t, "POST", "/oauth/token", form, "Authorization: Basic "+basic(emutest.ClientID, "wrong")), 401, "access_denied", "Unauthorized")
}

func sortedKeys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

// Recorded (ruby-auth0 cassette should_fail_with_an_invalid_audience, a real tenant): the
// password grant refuses an audience the tenant has no API for; the tenant's own APIs pass.
func TestPasswordGrantRefusesAnUnknownAudience(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	login := func(audience string) emutest.Response {
		return tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", emutest.Username,
			"password", emutest.Password, "audience", audience))
	}
	assertError(t, login("https://tenant-typo.example.com/mfa/"), 400, "invalid_request", "invalid audience specified for password grant exchange")
	// The tenant's own APIs: tokens, or mfa_required under policy "always".
	if r := login("https://" + emutest.Domain + "/api/v2/"); r.Status == 400 {
		t.Fatalf("the Management API audience: %d %s", r.Status, r.Raw)
	}
	assertError(t, login(emutest.MFAAudience), 403, "mfa_required", "")
}

// Every answer is dated with the tenant's clock, as a real tenant's Date header is with its own.
func TestAnswersAreDatedWithTheTenantClock(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	tn.AdvanceClock(time.Hour)
	r := tn.Do(t, "GET", "/.well-known/jwks.json", nil)
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		t.Fatalf("Date header %q: %v", r.Header.Get("Date"), err)
	}
	if d := time.Until(date); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("Date is %v from now, want about an hour ahead", d)
	}
}
