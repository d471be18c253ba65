package emulator_test

import (
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pquerna/otp/totp"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

func passwordLogin(t *testing.T, tn *emutest.Tenant, password string, kv ...string) emutest.Response {
	t.Helper()
	form := emutest.ClientForm(append([]string{"grant_type", "password", "username", emutest.Username, "password", password}, kv...)...)
	return tn.Do(t, "POST", "/oauth/token", form)
}

func mfaLogin(t *testing.T, tn *emutest.Tenant) emutest.Response {
	return passwordLogin(t, tn, emutest.Password, "audience", emutest.MFAAudience, "scope", "enroll read:authenticators remove:authenticators")
}

// Policy "never" (a new tenant's default): the MFA audience mints an access token for a user
// with no factor, which associates and confirms in place of the mfa_token; /mfa/challenge
// refuses it; once the user has a factor the MFA audience demands MFA; a login without the MFA
// audience never does.
func TestPolicyNeverMintsAccessTokenForUnenrolledUser(t *testing.T) {
	tn := emutest.Start(t, emutest.ConfigWithPolicy(emulator.MFAPolicyNever))
	r := mfaLogin(t, tn)
	if r.Status != http.StatusOK {
		t.Fatalf("unenrolled MFA-audience login: want 200, got %d %s", r.Status, r.Raw)
	}
	body := r.Object(t)
	access, _ := body["access_token"].(string)
	if body["scope"] != "enroll read:authenticators remove:authenticators" || body["expires_in"] != float64(600) || access == "" {
		t.Fatalf("token answer %s", r.Raw)
	}
	challenge := tn.Do(t, "POST", "/mfa/challenge", emutest.ClientForm("mfa_token", access, "challenge_type", "otp"))
	assertError(t, challenge, 401, "invalid_grant", "Malformed mfa_token")

	assoc := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, "Authorization: Bearer "+access).Object(t)
	secret, _ := assoc["secret"].(string)
	code, _ := totp.GenerateCode(secret, tn.Now())
	confirm := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", access, "otp", code))
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirming with the access token as mfa_token: %d %s", confirm.Status, confirm.Raw)
	}
	list, _ := tn.Authenticators(emutest.Username)
	if len(list) == 0 || !list[0].Active {
		t.Fatalf("factor not confirmed: %+v", list)
	}
	assertError(t, mfaLogin(t, tn), 403, "mfa_required", "Multifactor authentication required")
	if plain := passwordLogin(t, tn, emutest.Password); plain.Status != http.StatusOK {
		t.Fatalf("login without the MFA audience under policy never: %d %s", plain.Status, plain.Raw)
	}
}

// A verified-email factor alone does not count as enrolled (DOCS-V2 manage page).
func TestPolicyNeverIgnoresEmailOnlyUsers(t *testing.T) {
	cfg := emutest.ConfigWithPolicy(emulator.MFAPolicyNever)
	cfg.Users[0].EmailVerified = true
	tn := emutest.Start(t, cfg)
	if r := mfaLogin(t, tn); r.Status != http.StatusOK {
		t.Fatalf("email-only user: want 200, got %d %s", r.Status, r.Raw)
	}
}

func TestPolicyAlwaysDemandsMFAOfEveryLogin(t *testing.T) {
	tn := emutest.Start(t, emutest.ConfigWithPolicy(emulator.MFAPolicyAlways))
	assertError(t, passwordLogin(t, tn, emutest.Password), 403, "mfa_required", "Multifactor authentication required")
	assertError(t, mfaLogin(t, tn), 403, "mfa_required", "Multifactor authentication required")
}

// With openid granted the answer carries an RS256 ID token that validates against the JWKS:
// a plain login (policy never), and an MFA-audience login after MFA.
func TestIDTokenWithOpenID(t *testing.T) {
	tn := emutest.Start(t, emutest.ConfigWithPolicy(emulator.MFAPolicyNever))
	checkIDToken(t, tn, passwordLogin(t, tn, emutest.Password, "scope", "openid profile").Object(t))
	if tokens := passwordLogin(t, tn, emutest.Password, "scope", "profile").Object(t); tokens["id_token"] != nil {
		t.Fatalf("id_token without openid: %v", tokens)
	}
}

func TestIDTokenAfterMFA(t *testing.T) {
	tn := emutest.Start(t, emutest.ConfigWithPolicy(emulator.MFAPolicyNever))
	access := mfaLogin(t, tn).Object(t)["access_token"].(string)
	assoc := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, "Authorization: Bearer "+access).Object(t)
	code, _ := totp.GenerateCode(assoc["secret"].(string), tn.Now())
	tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", access, "otp", code))
	mfa := passwordLogin(t, tn, emutest.Password, "audience", emutest.MFAAudience, "scope", "openid enroll").Object(t)["mfa_token"].(string)
	code, _ = totp.GenerateCode(assoc["secret"].(string), tn.Now().Add(-30*time.Second))
	tokens := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfa, "otp", code)).Object(t)
	checkIDToken(t, tn, tokens)
	if !strings.Contains(tokens["scope"].(string), "openid") {
		t.Fatalf("scope %v", tokens["scope"])
	}
}

func checkIDToken(t *testing.T, tn *emutest.Tenant, tokens map[string]any) {
	t.Helper()
	raw, _ := tokens["id_token"].(string)
	if raw == "" {
		t.Fatalf("no id_token in %v", tokens)
	}
	keys := tn.Do(t, "GET", "/.well-known/jwks.json", nil).Object(t)["keys"].([]any)
	key := keys[0].(map[string]any)
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(tok *jwt.Token) (any, error) {
		if tok.Header["kid"] != key["kid"] {
			t.Fatalf("kid %v, JWKS %v", tok.Header["kid"], key["kid"])
		}
		return publicKeyOf(t, key), nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer("https://"+emutest.Domain+"/"),
		jwt.WithAudience(emutest.ClientID), jwt.WithIssuedAt(), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(tn.Now))
	if err != nil {
		t.Fatalf("id_token does not validate: %v", err)
	}
	if claims["sub"] != emutest.UserID {
		t.Fatalf("sub %v", claims["sub"])
	}
}

// Brute-force protection: the 10th wrong password in a row blocks the IP for the user, and
// then even the right password is refused, until the block is lifted.
func TestBruteForceBlocksAfterTenFailures(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	for i := 0; i < 10; i++ {
		assertError(t, passwordLogin(t, tn, "wrong"), 403, "invalid_grant", "Wrong email or password.")
	}
	const text = "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it."
	assertError(t, passwordLogin(t, tn, emutest.Password), 429, "too_many_attempts", text)
	st, _ := tn.Blocks(emutest.Username)
	if len(st.BlockedIPs) != 1 || st.BlockedIPs[0] != "127.0.0.1" {
		t.Fatalf("blocks %+v", st)
	}
	r := tn.Do(t, "DELETE", "/_emulator/users/"+emutest.Username+"/blocks", nil)
	if r.Status != http.StatusNoContent {
		t.Fatalf("unblock: %d %s", r.Status, r.Raw)
	}
	if r := mfaLogin(t, tn); r.Status != http.StatusForbidden || r.Object(t)["error"] != "mfa_required" {
		t.Fatalf("after unblock: %d %s", r.Status, r.Raw)
	}
}

// A success resets the count of consecutive failures; a password change lifts a block.
func TestBruteForceCountsConsecutiveFailures(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	for i := 0; i < 9; i++ {
		passwordLogin(t, tn, "wrong")
	}
	mfaLogin(t, tn)
	for i := 0; i < 9; i++ {
		passwordLogin(t, tn, "wrong")
	}
	if r := mfaLogin(t, tn); r.Object(t)["error"] != "mfa_required" {
		t.Fatalf("9+9 failures with a success between must not block: %s", r.Raw)
	}
	passwordLogin(t, tn, "wrong")
	passwordLogin(t, tn, "wrong")
	if err := tn.SetPassword(emutest.Username, "new-password-2"); err != nil {
		t.Fatal(err)
	}
	if r := passwordLogin(t, tn, "new-password-2", "audience", emutest.MFAAudience); r.Object(t)["error"] != "mfa_required" {
		t.Fatalf("after a password change: %s", r.Raw)
	}
}

func TestBruteForceOff(t *testing.T) {
	cfg := emutest.Config()
	off := false
	cfg.AttackProtection = &emulator.AttackProtection{BruteForce: &off}
	tn := emutest.Start(t, cfg)
	for i := 0; i < 12; i++ {
		passwordLogin(t, tn, "wrong")
	}
	if r := mfaLogin(t, tn); r.Object(t)["error"] != "mfa_required" {
		t.Fatalf("brute-force protection off: %s", r.Raw)
	}
}

// The same-user login limit: 20 logins a minute from one IP, then 10 a minute, with Retry-After.
func TestSameUserLoginLimit(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	for i := 0; i < 20; i++ {
		if r := mfaLogin(t, tn); r.Status != http.StatusForbidden {
			t.Fatalf("login %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	r := mfaLogin(t, tn)
	assertError(t, r, 429, "too_many_requests", "Too many logins for this user from this IP address. Wait before trying again.")
	if r.Header.Get("Retry-After") == "" {
		t.Fatalf("no Retry-After: %v", r.Header)
	}
	tn.AdvanceClock(6 * time.Second)
	if r := mfaLogin(t, tn); r.Status != http.StatusForbidden {
		t.Fatalf("after 6 s one more login is allowed: %d %s", r.Status, r.Raw)
	}
	assertError(t, mfaLogin(t, tn), 429, "too_many_requests", "")
}

// A tenant with no Default Directory: the password grant without realm fails as Auth0 does,
// the password-realm grant works.
func TestNoDefaultDirectory(t *testing.T) {
	cfg := emutest.Config()
	none := ""
	cfg.DefaultDirectory = &none
	tn := emutest.Start(t, cfg)
	assertError(t, mfaLogin(t, tn), 500, "server_error", "Authorization server not configured with default connection.")
	r := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantPasswordRealm, "realm", emulator.DefaultConnection,
		"username", emutest.Username, "password", emutest.Password, "audience", emutest.MFAAudience))
	assertError(t, r, 403, "mfa_required", "")
}

// Once failed codes have locked MFA, even a correct code is refused until the lock lifts.
func TestMFALockRefusesCorrectCode(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	assoc := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, "Authorization: Bearer "+mfa).Object(t)
	for i := 0; i < 10; i++ {
		tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfa, "otp", "000000"))
	}
	code, _ := totp.GenerateCode(assoc["secret"].(string), tn.Now())
	r := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfa, "otp", code))
	assertError(t, r, 429, "too_many_attempts", "")
	if st, _ := tn.Blocks(emutest.Username); !st.MFALocked {
		t.Fatalf("blocks %+v", st)
	}
	if err := tn.Unblock(emutest.Username); err != nil {
		t.Fatal(err)
	}
	if r := tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfa, "otp", code)); r.Status != http.StatusOK {
		t.Fatalf("after unblock: %d %s", r.Status, r.Raw)
	}
}

func publicKeyOf(t *testing.T, jwk map[string]any) *rsa.PublicKey {
	t.Helper()
	n, err1 := base64.RawURLEncoding.DecodeString(jwk["n"].(string))
	e, err2 := base64.RawURLEncoding.DecodeString(jwk["e"].(string))
	if err1 != nil || err2 != nil {
		t.Fatalf("JWKS key does not decode: %v %v", err1, err2)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}
