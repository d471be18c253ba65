package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

const managementAudience = "https://" + emutest.Domain + "/api/v2/"

func managementForm(kv ...string) url.Values {
	v := emutest.Form(kv...)
	v.Set("client_id", emutest.ManagementClientID)
	v.Set("client_secret", emutest.ManagementClientSecret)
	return v
}

func managementToken(t *testing.T, tn *emutest.Tenant) string {
	t.Helper()
	r := tn.Do(t, "POST", "/oauth/token", managementForm("grant_type", "client_credentials", "audience", managementAudience))
	body := r.Object(t)
	if r.Status != http.StatusOK || body["scope"] != strings.Join(append([]string{emulator.ScopeUpdateUsers, emulator.ScopeDeleteGuardianEnrollments, emulator.ScopeReadUsers}, emulator.AuthenticationMethodScopes...), " ") || body["expires_in"] != float64(86400) {
		t.Fatalf("client_credentials: %d %s", r.Status, r.Raw)
	}
	return body["access_token"].(string)
}

func TestClientCredentialsGrant(t *testing.T) {
	tn, _ := startFixed(t)
	managementToken(t, tn)
	for _, tc := range []struct {
		name string
		form url.Values
		want int
		code string
	}{
		{"no audience", managementForm("grant_type", "client_credentials"), 403, "access_denied"},
		{"an API that does not exist", managementForm("grant_type", "client_credentials", "audience", "https://elsewhere/api/"), 403, "access_denied"},
		{"a client without a grant for the API", emutest.ClientForm("grant_type", "client_credentials", "audience", managementAudience), 403, "access_denied"},
		{"a wrong secret", emutest.Form("grant_type", "client_credentials", "audience", managementAudience,
			"client_id", emutest.ManagementClientID, "client_secret", "nope"), 401, "access_denied"},
	} {
		r := tn.Do(t, "POST", "/oauth/token", tc.form)
		if body := r.Object(t); r.Status != tc.want || body["error"] != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Raw, tc.want, tc.code)
		}
	}
	// The Management client has no password grant: it cannot log users in.
	r := tn.Do(t, "POST", "/oauth/token", managementForm("grant_type", "password", "username", emutest.Username, "password", emutest.Password))
	if r.Status != http.StatusForbidden || r.Object(t)["error"] != "unauthorized_client" {
		t.Fatalf("password grant on the Management client: %d %s", r.Status, r.Raw)
	}
}

// The recovery code of a user with an OTP factor is replaced: the old code stops working and
// the new one passes MFA. Refusals have the Management API's error shape.
func TestRecoveryCodeRegeneration(t *testing.T) {
	tn, clk := startFixed(t)
	path := "/api/v2/users/" + url.PathEscape(emutest.UserID) + "/recovery-code-regeneration"
	regenerate := func(tok string) emutest.Response { return tn.Do(t, "POST", path, nil, bearer(tok)) }
	mgmt := managementToken(t, tn)

	// Recorded (row 1): a user with no factor gets a code too.
	if r := regenerate(mgmt); r.Status != http.StatusOK || len(r.Object(t)["recovery_code"].(string)) != 24 {
		t.Fatalf("a user with no factor: %d %s, want 200 with a recovery code", r.Status, r.Raw)
	}
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	assoc := associateOTP(t, tn, mfa)
	old := assoc["recovery_codes"].([]any)[0].(string)
	if r := verifyOTP(t, tn, mfa, code(t, assoc["secret"].(string), clk.now(), 0)); r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}

	r := regenerate(mgmt)
	fresh, _ := r.Object(t)["recovery_code"].(string)
	if r.Status != http.StatusOK || len(fresh) != 24 || fresh == old {
		t.Fatalf("regeneration: %d %s", r.Status, r.Raw)
	}
	useRecovery := func(rc string) emutest.Response {
		return tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFARecoveryCode,
			"mfa_token", tn.MFAToken(t, emutest.Username, emutest.Password), "recovery_code", rc))
	}
	if r := useRecovery(old); r.Status != http.StatusForbidden || r.Object(t)["error"] != "invalid_grant" {
		t.Fatalf("the replaced code still works: %d %s", r.Status, r.Raw)
	}
	if r := useRecovery(fresh); r.Status != http.StatusOK {
		t.Fatalf("the new code does not work: %d %s", r.Status, r.Raw)
	}

	mfaAccess := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token",
		tn.MFAToken(t, emutest.Username, emutest.Password), "otp", code(t, assoc["secret"].(string), clk.now(), -1))).Object(t)["access_token"].(string)
	narrow := tn.Do(t, "POST", "/oauth/token", managementForm("grant_type", "client_credentials", "audience", managementAudience,
		"scope", "read:users")).Object(t)["access_token"].(string)
	for _, tc := range []struct {
		name    string
		path    string
		tok     string
		status  int
		message string
	}{
		{"no token", path, "", 401, "Missing authentication"},
		{"a token for the MFA API", path, mfaAccess, 401, "Invalid token"},
		{"a token without update:users", path, narrow, 403, "Insufficient scope, expected any of: update:users"},
		{"a user that does not exist", "/api/v2/users/auth0%7Cnobody/recovery-code-regeneration", mgmt, 404, "The user does not exist."},
	} {
		headers := []string{}
		if tc.tok != "" {
			headers = append(headers, bearer(tc.tok))
		}
		r := tn.Do(t, "POST", tc.path, nil, headers...)
		body := r.Object(t)
		if r.Status != tc.status || body["statusCode"] != float64(tc.status) || body["message"] != tc.message || body["error"] != http.StatusText(tc.status) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
}

// Deleting all of a user's authenticators removes every factor, pending or confirmed, and the
// recovery code; verified emails stay. The next first enrollment works with the mfa_token again.
func TestDeleteAllAuthenticators(t *testing.T) {
	tn, clk := startFixed(t)
	path := "/api/v2/users/" + url.PathEscape(emutest.UserID) + "/authenticators"
	mgmt := managementToken(t, tn)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	assoc := associateOTP(t, tn, mfa)
	if r := verifyOTP(t, tn, mfa, code(t, assoc["secret"].(string), clk.now(), 0)); r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	if r := tn.Do(t, "DELETE", path, nil, bearer(mgmt)); r.Status != http.StatusNoContent || len(r.Raw) != 0 {
		t.Fatalf("delete all: %d %s", r.Status, r.Raw)
	}
	list, err := tn.Authenticators(emutest.Username)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.OOBChannel != "email" {
			t.Errorf("left after delete all: %+v", a)
		}
	}
	again := associateOTP(t, tn, tn.MFAToken(t, emutest.Username, emutest.Password))
	if rc, _ := again["recovery_codes"].([]any); len(rc) != 1 {
		t.Errorf("the next enrollment is the user's first again and brings a recovery code: %v", again)
	}
	if r := tn.Do(t, "DELETE", path, nil, bearer(mgmt)); r.Status != http.StatusNoContent {
		t.Errorf("delete all is repeatable: %d %s", r.Status, r.Raw)
	}

	narrow := tn.Do(t, "POST", "/oauth/token", managementForm("grant_type", "client_credentials", "audience", managementAudience,
		"scope", emulator.ScopeUpdateUsers)).Object(t)["access_token"].(string)
	r := tn.Do(t, "DELETE", path, nil, bearer(narrow))
	if body := r.Object(t); r.Status != http.StatusForbidden || body["errorCode"] != "insufficient_scope" ||
		body["message"] != "Insufficient scope, expected any of: "+emulator.ScopeDeleteGuardianEnrollments {
		t.Errorf("without delete:guardian_enrollments: %d %s", r.Status, r.Raw)
	}
	r = tn.Do(t, "DELETE", "/api/v2/users/auth0%7Cnobody/authenticators", nil, bearer(mgmt))
	if body := r.Object(t); r.Status != http.StatusNotFound || body["errorCode"] != "inexistent_user" {
		t.Errorf("unknown user: %d %s", r.Status, r.Raw)
	}
}

// Unblocking through the Management API lifts a brute-force block: the right password works again.
func TestDeleteUserBlocks(t *testing.T) {
	cfg := emutest.Config()
	cfg.AttackProtection = &emulator.AttackProtection{BruteForceThreshold: 3}
	tn := emutest.Start(t, cfg)
	mgmt := managementToken(t, tn)
	for i := 0; i < 3; i++ {
		tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", emutest.Username, "password", "wrong"))
	}
	login := func() emutest.Response {
		return tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", emutest.Username, "password", emutest.Password))
	}
	if r := login(); r.Status != http.StatusTooManyRequests {
		t.Fatalf("expected a block after 3 wrong passwords: %d %s", r.Status, r.Raw)
	}
	if r := tn.Do(t, "DELETE", "/api/v2/user-blocks/"+url.PathEscape(emutest.UserID), nil, bearer(mgmt)); r.Status != http.StatusNoContent {
		t.Fatalf("unblock: %d %s", r.Status, r.Raw)
	}
	if r := login(); r.Status == http.StatusTooManyRequests {
		t.Fatalf("still blocked after unblock: %d %s", r.Status, r.Raw)
	}
	r := tn.Do(t, "DELETE", "/api/v2/user-blocks/auth0%7Cnobody", nil, bearer(mgmt))
	if body := r.Object(t); r.Status != http.StatusNotFound || body["statusCode"] != float64(404) {
		t.Errorf("unknown user: %d %s", r.Status, r.Raw)
	}
}
