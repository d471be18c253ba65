package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

// seededSecret is a TOTP secret the administrator chooses (the caller's, not Auth0's).
const seededSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

func methodsPath(userID string, rest ...string) string {
	return "/api/v2/users/" + url.PathEscape(userID) + "/authentication-methods" + strings.Join(rest, "")
}

// The route's lifecycle for a TOTP method, and the one tenant behind both APIs: the method is
// an active factor for the MFA API at once, a code from the seeded secret passes mfa-otp, the
// user counts as enrolled, no recovery code exists, and a delete through either API removes it
// from both.
func TestAuthenticationMethods_totpIsOneFactorForBothAPIs(t *testing.T) {
	tn, clk := startFixed(t)
	mgmt := bearer(managementToken(t, tn))
	created := tn.Do(t, "POST", methodsPath(emutest.UserID), map[string]string{"type": "totp", "name": "CI bot", "totp_secret": seededSecret}, mgmt)
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Raw)
	}
	if got := keysInOrder(t, created.Raw); got != "type,name,created_at,id" || strings.Contains(string(created.Raw), seededSecret) {
		t.Fatalf("create answer %s: keys %s, want the recorded order and no secret", created.Raw, got)
	}
	id := created.Object(t)["id"].(string)
	if !strings.HasPrefix(id, "totp|dev_") || created.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("id %q, content type %q", id, created.Header.Get("Content-Type"))
	}

	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	listed := list(t, tn, mfa)
	if len(listed) != 1 || listed[0].(map[string]any)["id"] != id || listed[0].(map[string]any)["active"] != true {
		t.Fatalf("the MFA API lists %v, want the method alone (no recovery code), active", listed)
	}
	if r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, bearer(mfa)); r.Status != http.StatusForbidden {
		t.Fatalf("associate with the mfa_token of an enrolled user: %d %s", r.Status, r.Raw)
	}
	passed := verifyOTP(t, tn, mfa, code(t, seededSecret, clk.now(), 0))
	if passed.Status != http.StatusOK {
		t.Fatalf("mfa-otp with the seeded secret: %d %s", passed.Status, passed.Raw)
	}
	// Deleted through the MFA API, gone from the Management API too.
	access := bearer(passed.Object(t)["access_token"].(string))
	if r := tn.Do(t, "DELETE", "/mfa/authenticators/"+id, nil, access); r.Status != http.StatusNoContent {
		t.Fatalf("MFA API delete: %d %s", r.Status, r.Raw)
	}
	if r := tn.Do(t, "GET", methodsPath(emutest.UserID, "?include_totals=true"), nil, mgmt); string(r.Raw) != "{\"authenticators\":[],\"limit\":50,\"start\":0}\n" {
		t.Fatalf("an empty list with totals: %s (recorded: no total)", r.Raw)
	}
	// And the other way round.
	id = tn.Do(t, "POST", methodsPath(emutest.UserID), map[string]string{"type": "totp", "totp_secret": seededSecret}, mgmt).Object(t)["id"].(string)
	if r := tn.Do(t, "DELETE", methodsPath(emutest.UserID, "/", url.PathEscape(id)), nil, mgmt); r.Status != http.StatusNoContent || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("Management API delete: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if listed := list(t, tn, tn.MFAToken(t, emutest.Username, emutest.Password)); len(listed) != 0 {
		t.Fatalf("the MFA API still lists %v", listed)
	}
}

// A phone method: masked number, sms|/voice| children with the method's dev_ suffix, PATCH of
// name and the preferred method only, and GET/list shapes with confirmed.
func TestAuthenticationMethods_phoneAndPatch(t *testing.T) {
	tn, _ := startFixed(t)
	mgmt := bearer(managementToken(t, tn))
	created := tn.Do(t, "POST", methodsPath(emutest.UserID), map[string]string{"type": "phone", "name": "Bot phone", "phone_number": "+44207183875044"}, mgmt).Object(t)
	id := created["id"].(string)
	_, suffix, _ := strings.Cut(id, "|")
	if !strings.HasPrefix(id, "phone|dev_") || created["phone_number"] != "XXXXXXXXXXX5044" {
		t.Fatalf("created %v", created)
	}
	children := created["authentication_methods"].([]any)
	if len(children) != 2 || children[0].(map[string]any)["id"] != "sms|"+suffix || children[1].(map[string]any)["id"] != "voice|"+suffix {
		t.Fatalf("children %v, want sms| and voice| sharing %s", children, suffix)
	}
	item := tn.Do(t, "GET", methodsPath(emutest.UserID, "/", url.PathEscape(id)), nil, mgmt).Object(t)
	if item["confirmed"] != true || item["preferred_authentication_method"] != "sms" {
		t.Fatalf("GET %v", item)
	}
	patched := tn.Do(t, "PATCH", methodsPath(emutest.UserID, "/", url.PathEscape(id)), map[string]string{"name": "Renamed", "preferred_authentication_method": "voice"}, mgmt)
	if p := patched.Object(t); patched.Status != http.StatusOK || p["name"] != "Renamed" || p["preferred_authentication_method"] != "voice" || p["id"] != id {
		t.Fatalf("PATCH: %d %s", patched.Status, patched.Raw)
	}
	assertManagementError(t, tn.Do(t, "PATCH", methodsPath(emutest.UserID, "/", url.PathEscape(id)), map[string]string{"phone_number": "+15550000000"}, mgmt),
		400, "invalid_body", "Payload validation error: 'Additional properties not allowed: phone_number'.")
	assertManagementError(t, tn.Do(t, "GET", methodsPath(emutest.UserID, "/phone%7Cdev_nope"), nil, mgmt), 404, "", "The authentication method could not be found.")
}

// Scopes, users, bodies and duplicates: each refusal in the Management API's shape, and a
// secret never echoed in one.
func TestAuthenticationMethods_refusals(t *testing.T) {
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "read-only", ClientSecret: "read-only-secret",
		GrantTypes: []string{emulator.GrantClientCredentials}, ManagementScopes: []string{emulator.ScopeReadAuthenticationMethods}})
	tn := emutest.Start(t, cfg)
	mgmt := bearer(managementToken(t, tn))
	readOnly := tn.Do(t, "POST", "/oauth/token", emutest.Form("grant_type", "client_credentials", "client_id", "read-only",
		"client_secret", "read-only-secret", "audience", "https://"+emutest.Domain+"/api/v2/")).Object(t)["access_token"].(string)
	create := func(tok string, body any) emutest.Response {
		return tn.Do(t, "POST", methodsPath(emutest.UserID), body, tok)
	}
	assertManagementError(t, create(bearer(readOnly), map[string]string{"type": "totp", "totp_secret": seededSecret}),
		403, "insufficient_scope", "Insufficient scope, expected any of: create:authentication_methods")
	assertManagementError(t, tn.Do(t, "POST", methodsPath("auth0|nobody"), map[string]string{"type": "totp", "totp_secret": seededSecret}, mgmt),
		404, "inexistent_user", "The user does not exist.")
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"no type", map[string]string{"name": "x"}, "Missing required property: type"},
		{"an unknown field", map[string]string{"type": "totp", "totp_secret": seededSecret, "secret": "x"}, "Additional properties not allowed: secret"},
		{"a malformed secret", map[string]string{"type": "totp", "totp_secret": "not-base32-1!"}, "totp_secret must be base32"},
		{"a totp without secret", map[string]string{"type": "totp"}, "totp needs totp_secret"},
		{"an argument of another type", map[string]string{"type": "totp", "totp_secret": seededSecret, "phone_number": "+15551234567"}, "phone_number does not apply to type totp"},
		{"a malformed phone number", map[string]string{"type": "phone", "phone_number": "555-1234"}, "phone_number must be an E.164 number"},
		{"a malformed email", map[string]string{"type": "email", "email": "not an email"}, "format email"},
		{"an unknown type", map[string]string{"type": "push"}, "type must be one of"},
		{"not an object", []string{"totp"}, "not JSON of the expected shape"},
	} {
		r := create(mgmt, tc.body)
		if r.Status != http.StatusBadRequest || r.Object(t)["errorCode"] != "invalid_body" || !strings.Contains(r.Object(t)["message"].(string), tc.want) {
			t.Errorf("%s: %d %s, want 400 invalid_body with %q", tc.name, r.Status, r.Raw, tc.want)
		}
		if strings.Contains(string(r.Raw), "not-base32-1!") {
			t.Errorf("%s: the answer echoes the secret: %s", tc.name, r.Raw)
		}
	}
	if r := create(mgmt, map[string]string{"type": "email", "email": "bot@example.com"}); r.Status != http.StatusCreated || r.Object(t)["email"] != "****@exam*******" {
		t.Fatalf("email: %d %s", r.Status, r.Raw)
	}
	assertManagementError(t, create(mgmt, map[string]string{"type": "email", "email": "BOT@example.com"}), 409, "", "Authentication method already exists.")
}

// PUT replaces every method, allows phone, email and totp only, limits name to 20 characters,
// and answers the values unmasked (as recorded).
func TestAuthenticationMethods_put(t *testing.T) {
	tn, _ := startFixed(t)
	mgmt := bearer(managementToken(t, tn))
	tn.Do(t, "POST", methodsPath(emutest.UserID), map[string]string{"type": "totp", "totp_secret": seededSecret}, mgmt)
	put := func(body any) emutest.Response { return tn.Do(t, "PUT", methodsPath(emutest.UserID), body, mgmt) }
	r := put([]map[string]string{{"type": "email", "name": "MyEmail", "email": "foo@example.com"},
		{"type": "phone", "name": "MyPhone", "phone_number": "+44207183875044", "preferred_authentication_method": "sms"}})
	var items []map[string]any
	if r.Status != http.StatusOK || json.Unmarshal(r.Raw, &items) != nil || len(items) != 2 || items[0]["email"] != "foo@example.com" || items[1]["phone_number"] != "+44207183875044" {
		t.Fatalf("PUT: %d %s", r.Status, r.Raw)
	}
	var listed []map[string]any
	_ = json.Unmarshal(tn.Do(t, "GET", methodsPath(emutest.UserID), nil, mgmt).Raw, &listed)
	if len(listed) != 2 || listed[0]["type"] != "email" || listed[1]["type"] != "phone" {
		t.Fatalf("after PUT the user has %v, want exactly the two methods given", listed)
	}
	if r := put([]map[string]string{{"type": "totp", "name": strings.Repeat("n", 21), "totp_secret": seededSecret}}); r.Status != http.StatusBadRequest {
		t.Fatalf("a 21-character name: %d %s", r.Status, r.Raw)
	}
	if r := put([]map[string]string{{"type": "webauthn-roaming"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("webauthn-roaming in a PUT: %d %s", r.Status, r.Raw)
	}
}

// A user of a passwordless connection has no password: the password grant cannot sign it in,
// and the Management API gives it a factor all the same (the route's reason to be).
func TestAuthenticationMethods_passwordlessUser(t *testing.T) {
	cfg := emutest.Config()
	cfg.Users = append(cfg.Users, emulator.UserConfig{Username: "nopass@example.com", Email: "nopass@example.com", Connection: "email", UserID: "email|nopass"})
	tn := emutest.Start(t, cfg)
	r := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", "nopass@example.com", "password", ""))
	if r.Status == http.StatusOK || r.Status == http.StatusForbidden && r.Object(t)["error"] == "mfa_required" {
		t.Fatalf("a user without a password signed in: %d %s", r.Status, r.Raw)
	}
	if c := tn.Do(t, "POST", methodsPath("email|nopass"), map[string]string{"type": "totp", "totp_secret": seededSecret}, bearer(managementToken(t, tn))); c.Status != http.StatusCreated {
		t.Fatalf("a TOTP method for a passwordless user: %d %s", c.Status, c.Raw)
	}
	if _, err := emulator.ParseConfig([]byte(`{"domain":"x.test","users":[{"username":"db@example.com"}]}`)); err == nil {
		t.Fatal("a database user without a password was accepted")
	}
}

func assertManagementError(t *testing.T, r emutest.Response, status int, errorCode, message string) {
	t.Helper()
	body := r.Object(t)
	if r.Status != status || body["message"] != message || (errorCode != "" && body["errorCode"] != errorCode) || body["statusCode"] != float64(status) {
		t.Fatalf("%d %s, want %d %s %q", r.Status, r.Raw, status, errorCode, message)
	}
}

// keysInOrder lists a JSON object's keys as they appear.
func keysInOrder(t *testing.T, raw []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	return strings.Join(keys, ",")
}
