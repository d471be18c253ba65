package conform

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestShapeKeepsTypesAndEnumerationsOnly(t *testing.T) {
	got := shapeOf([]byte(`{"access_token":"eyJ.secret","expires_in":600,"token_type":"Bearer","error":"x","error_description":"y",
		"recovery_codes":["ABC"],"list":[{"authenticator_type":"otp","active":true},{"authenticator_type":"oob","oob_channel":"sms","active":false,"name":null}]}`))
	want := map[string]string{
		rootPath: "object", "access_token": "string", "expires_in": "number", "token_type": `"Bearer"`,
		"recovery_codes": "array of 1", "recovery_codes[]": "string",
		"list": "array of 2", "list[]": "object", "list[].authenticator_type": `"oob" | "otp"`,
		"list[].active": "false | true", "list[].oob_channel": `"sms"`, "list[].name": "null",
	}
	if !maps.Equal(got, want) {
		t.Fatalf("shape\n%v\nwant\n%v", got, want)
	}
	for body, want := range map[string]string{"": "empty", "<html>": "not JSON", "[]": "array of 0"} {
		if got := shapeOf([]byte(body))[rootPath]; got != want {
			t.Errorf("%q: %q, want %q", body, got, want)
		}
	}
}

func TestRedactorReplacesLongestFirst(t *testing.T) {
	r := newRedactor()
	r.add("<token>", "abcd1234efgh")
	r.add("<code>", "1234", "12") // "12" is too short to register
	if got := r.clean("token abcd1234efgh code 1234 status 12"); got != "token <token> code <code> status 12" {
		t.Fatalf("%q", got)
	}
}

func TestCompareNamesEachDifference(t *testing.T) {
	a := &Record{Target: "emulator", Settings: Settings{MFAPolicy: "never"}, Steps: []Step{
		{Name: "one", Request: "GET /x", Status: 200, Shape: map[string]string{rootPath: "object", "id": "string"}},
		{Name: "two", Request: "GET /y", Status: 403, Error: "invalid_grant", ErrorDescription: "Invalid otp_code."},
		{Name: "only_a", Request: "GET /a", Status: 200},
		{Name: "skipped", Skipped: "no code"},
	}}
	b := &Record{Target: "tenant", Settings: Settings{MFAPolicy: "always"}, Steps: []Step{
		{Name: "one", Request: "GET /x", Status: 200, Shape: map[string]string{rootPath: "object", "id": "number", "extra": "string"}},
		{Name: "two", Request: "GET /y", Status: 401, Error: "invalid_grant", ErrorDescription: "Invalid otp code"},
		{Name: "skipped", Status: 200},
		{Name: "only_b", Request: "GET /b", Status: 200},
	}}
	var got []string
	for _, d := range Compare(a, b) {
		got = append(got, strings.Join([]string{d.Step, d.What, d.A, d.B}, " / "))
	}
	want := []string{
		"(tenant settings) / mfa_policy / never / always",
		"one / field extra / (absent) / string",
		"one / field id / string / number",
		"two / status / 403 / 401",
		"two / error_description / Invalid otp_code. / Invalid otp code",
		"only_a / step / ran / not run",
		"skipped / skipped / no code / (none)",
		"only_b / step / not run / ran",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("differences\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if Compare(a, a) != nil {
		t.Fatal("a record differs from itself")
	}
	table := Table(Compare(a, b), "this run", a, "tenant.json", b)
	if !strings.Contains(table, "| step | request | what | this run (emulator) | tenant.json (tenant) |") ||
		!strings.Contains(table, "8 difference(s)") {
		t.Fatalf("table:\n%s", table)
	}
}

func TestTargetCheckNamesTheFlag(t *testing.T) {
	ok := Target{URL: "https://t.example.auth0.com/", ClientID: "c", ClientSecret: "s", Username: "u", Password: "p"}
	cases := map[string]func(*Target){
		"--url is required":                   func(t *Target) { t.URL = "" },
		"--url must be an http(s) URL":        func(t *Target) { t.URL = "t.example.auth0.com" },
		"--client-id and --client-secret":     func(t *Target) { t.ClientSecret = "" },
		"--username and --password":           func(t *Target) { t.Password = "" },
		"needs --phone-number":                func(t *Target) { t.CodeCommand = []string{"x"} },
		"give --phone-number or --email, not": func(t *Target) { t.PhoneNumber, t.Email = "+1", "a@b" },
	}
	for want, mutate := range cases {
		tc := ok
		mutate(&tc)
		if err := tc.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	tc := ok
	if err := tc.Check(); err != nil || tc.Domain != "t.example.auth0.com" || tc.URL != "https://t.example.auth0.com" {
		t.Fatalf("%v %+v", err, tc)
	}
}
