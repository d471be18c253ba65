package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// fakeClock is a settable clock for deterministic TOTP steps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// midStep is 10 s into a 30 s step.
var midStep = time.Unix(1_700_000_020, 0)

func startFixed(t *testing.T) (*emutest.Tenant, *fakeClock) {
	clk := &fakeClock{t: midStep}
	return emutest.Start(t, emutest.Config(), emulator.WithClock(clk.now)), clk
}

func bearer(tok string) string { return "Authorization: Bearer " + tok }

func associateOTP(t *testing.T, tn *emutest.Tenant, tok string) map[string]any {
	t.Helper()
	r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, bearer(tok))
	if r.Status != http.StatusOK {
		t.Fatalf("associate: %d %s", r.Status, r.Raw)
	}
	return r.Object(t)
}

func code(t *testing.T, secret string, at time.Time, stepDelta int64) string {
	t.Helper()
	c, err := totp.CodeAtStep(secret, totp.Step(at)+stepDelta)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func verifyOTP(t *testing.T, tn *emutest.Tenant, mfaToken, otp string) emutest.Response {
	t.Helper()
	return tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFAOTP, "mfa_token", mfaToken, "otp", otp))
}

func list(t *testing.T, tn *emutest.Tenant, tok string) []any {
	t.Helper()
	r := tn.Do(t, "GET", "/mfa/authenticators", nil, bearer(tok))
	if r.Status != http.StatusOK {
		t.Fatalf("list: %d %s", r.Status, r.Raw)
	}
	return r.JSON(t).([]any)
}

func TestOTPEnrollmentLifecycle(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	if got := list(t, tn, mfa); len(got) != 0 {
		t.Fatalf("a fresh user lists %v, want []", got)
	}
	assoc := associateOTP(t, tn, mfa)
	secret := assoc["secret"].(string)
	if len(secret) != 32 || len(assoc["recovery_codes"].([]any)) != 1 {
		t.Fatalf("first OTP association: %v", assoc)
	}
	wantURI := "otpauth://totp/Test%20Tenant:alice%40example.com?secret=" + secret + "&issuer=Test%20Tenant&algorithm=SHA1&digits=6&period=30"
	if assoc["barcode_uri"] != wantURI {
		t.Fatalf("barcode_uri = %v\nwant %v", assoc["barcode_uri"], wantURI)
	}
	entries := list(t, tn, mfa)
	if len(entries) != 2 || entries[0].(map[string]any)["active"] != false {
		t.Fatalf("after associate, want a pending totp and recovery code: %v", entries)
	}
	r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0))
	if r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	tok := r.Object(t)
	if tok["expires_in"] != float64(600) || tok["token_type"] != "Bearer" || tok["scope"] != "enroll read:authenticators remove:authenticators" {
		t.Fatalf("token set: %v", tok)
	}
	access := tok["access_token"].(string)
	for _, e := range list(t, tn, access) {
		if e.(map[string]any)["active"] != true {
			t.Fatalf("after confirm every entry is active: %v", e)
		}
	}
	// A second association with the mfa_token is refused now that the user is enrolled.
	r = tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, bearer(mfa))
	assertError(t, r, 403, "access_denied", "User is already enrolled.")
	// Deleting needs the access token; the mfa_token is not enough.
	id := entries[0].(map[string]any)["id"].(string)
	r = tn.Do(t, "DELETE", "/mfa/authenticators/"+url.PathEscape(id), nil, bearer(mfa))
	assertError(t, r, 403, "insufficient_scope", "")
	r = tn.Do(t, "DELETE", "/mfa/authenticators/"+url.PathEscape(id), nil, bearer(access))
	if r.Status != http.StatusNoContent || len(r.Raw) != 0 {
		t.Fatalf("delete: %d %q", r.Status, r.Raw)
	}
	if got := list(t, tn, access); len(got) != 0 {
		t.Fatalf("after deleting the only factor the recovery code goes too; got %v", got)
	}
	r = tn.Do(t, "DELETE", "/mfa/authenticators/"+url.PathEscape(id), nil, bearer(access))
	assertError(t, r, 404, "not_found", "Authenticator not found.")
}

func TestTOTPWindowAndReuse(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	secret := associateOTP(t, tn, mfa)["secret"].(string)
	now := clk.now()
	// The previous step is accepted, once.
	if r := verifyOTP(t, tn, mfa, code(t, secret, now, -1)); r.Status != 200 {
		t.Fatalf("previous step: %d %s", r.Status, r.Raw)
	}
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, now, -1)), 403, "invalid_grant", "Invalid otp_code.")
	// The current step is still unused and accepted, once.
	if r := verifyOTP(t, tn, mfa, code(t, secret, now, 0)); r.Status != 200 {
		t.Fatalf("current step: %d %s", r.Status, r.Raw)
	}
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, now, 0)), 403, "invalid_grant", "Invalid otp_code.")
	// Two steps back and the next step are outside the window.
	clk.set(now.Add(30 * time.Second))
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, clk.now(), -2)), 403, "invalid_grant", "Invalid otp_code.")
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 1)), 403, "invalid_grant", "Invalid otp_code.")
	if r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0)); r.Status != 200 {
		t.Fatalf("next window: %d %s", r.Status, r.Raw)
	}
}

// Codes are single-use one by one (reference §4, §6), not a counter: after the current step's
// code, the previous step's code is still accepted.
func TestTOTPCodesAreSingleUseNotACounter(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	secret := associateOTP(t, tn, mfa)["secret"].(string)
	if r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0)); r.Status != 200 {
		t.Fatalf("current step: %d %s", r.Status, r.Raw)
	}
	if r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), -1)); r.Status != 200 {
		t.Fatalf("previous step after the current one: %d %s", r.Status, r.Raw)
	}
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, clk.now(), -1)), 403, "invalid_grant", "Invalid otp_code.")
}

func TestTooManyFailedOTPAttempts(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	secret := associateOTP(t, tn, mfa)["secret"].(string)
	for i := 0; i < 10; i++ {
		assertError(t, verifyOTP(t, tn, mfa, "000000"), 403, "invalid_grant", "Invalid otp_code.")
	}
	r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0))
	assertError(t, r, 429, "too_many_attempts", "Too many failed codes. Wait for some minutes before retrying.")
	clk.set(clk.now().Add(6*time.Minute + time.Second)) // one attempt refills every 6 minutes
	mfa = tn.MFAToken(t, emutest.Username, emutest.Password)
	if r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0)); r.Status != 200 {
		t.Fatalf("after a refill: %d %s", r.Status, r.Raw)
	}
}

func TestTokenExpiryFollowsTheClock(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	secret := associateOTP(t, tn, mfa)["secret"].(string)
	r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0))
	access := r.Object(t)["access_token"].(string)
	clk.set(clk.now().Add(601 * time.Second))
	r = tn.Do(t, "GET", "/mfa/authenticators", nil, bearer(access))
	assertError(t, r, 401, "expired_token", "")
	r = tn.Do(t, "GET", "/mfa/authenticators", nil, bearer(mfa))
	assertError(t, r, 401, "expired_token", "mfa_token is expired")
	assertError(t, verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0)), 401, "invalid_grant", "Malformed mfa_token")
}

func TestOOBChannelsThroughTheOutbox(t *testing.T) {
	for _, tc := range []struct{ channel, dest, field string }{
		{"sms", "+15551230001", "phone_number"},
		{"voice", "+15551230002", "phone_number"},
		{"email", "bob.work@example.com", "email"},
	} {
		t.Run(tc.channel, func(t *testing.T) {
			tn, clk := startFixed(t)
			mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
			r := tn.Do(t, "POST", "/mfa/associate", map[string]any{
				"authenticator_types": []string{"oob"}, "oob_channels": []string{tc.channel}, tc.field: tc.dest,
			}, bearer(mfa))
			if r.Status != 200 {
				t.Fatalf("associate: %d %s", r.Status, r.Raw)
			}
			a := r.Object(t)
			if a["binding_method"] != "prompt" || a["oob_channel"] != tc.channel || a["authenticator_type"] != "oob" {
				t.Fatalf("associate answer: %v", a)
			}
			msgs := tn.Outbox(tc.dest)
			if len(msgs) != 1 || len(msgs[0].Code) != 6 || msgs[0].Channel != tc.channel {
				t.Fatalf("outbox: %+v", msgs)
			}
			oob := a["oob_code"].(string)
			form := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", oob, "binding_code", "999999")
			if msgs[0].Code == "999999" {
				form.Set("binding_code", "888888")
			}
			assertError(t, tn.Do(t, "POST", "/oauth/token", form), 403, "invalid_grant", "Invalid binding_code.")
			form.Set("binding_code", msgs[0].Code)
			if r := tn.Do(t, "POST", "/oauth/token", form); r.Status != 200 {
				t.Fatalf("confirm: %d %s", r.Status, r.Raw)
			}
			entries := list(t, tn, mfa)
			wantIDs := map[string]int{"sms": 3, "voice": 3, "email": 2} // + twin, + recovery code
			if len(entries) != wantIDs[tc.channel] {
				t.Fatalf("entries: %v", entries)
			}
			first := entries[0].(map[string]any)
			if first["active"] != true || !strings.HasPrefix(first["id"].(string), tc.channel+"|dev_") {
				t.Fatalf("first entry: %v", first)
			}
			if tc.channel != "email" {
				twin := entries[1].(map[string]any)
				if strings.SplitN(twin["id"].(string), "|", 2)[1] != strings.SplitN(first["id"].(string), "|", 2)[1] {
					t.Fatalf("sms and voice share the suffix: %v %v", first, twin)
				}
				if first["name"] != "XXXXXXXX"+tc.dest[len(tc.dest)-4:] {
					t.Fatalf("masked phone: %v", first["name"])
				}
			} else if first["name"] != "bob.****@exam*******" {
				t.Fatalf("masked email: %v", first["name"])
			}
			// A used oob_code cannot be replayed; an expired one says so.
			assertError(t, tn.Do(t, "POST", "/oauth/token", form), 403, "invalid_grant", "Invalid oob_code.")
			_ = clk
		})
	}
}

func TestOOBCodeExpires(t *testing.T) {
	tn, clk := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	a := tn.Do(t, "POST", "/mfa/associate", map[string]any{
		"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+15551230003",
	}, bearer(mfa)).Object(t)
	clk.set(clk.now().Add(5*time.Minute + time.Second))
	mfa = tn.MFAToken(t, emutest.Username, emutest.Password)
	form := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", a["oob_code"].(string),
		"binding_code", tn.Outbox("+15551230003")[0].Code)
	assertError(t, tn.Do(t, "POST", "/oauth/token", form), 401, "expired_token", "oob_code is expired")
}

func TestPushEnrollmentByApproval(t *testing.T) {
	tn, _ := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"auth0"}}, bearer(mfa))
	a := r.Object(t)
	if _, has := a["binding_method"]; has || a["oob_channel"] != "auth0" ||
		!strings.Contains(a["barcode_uri"].(string), "enrollment_tx_id=") {
		t.Fatalf("push associate: %v", a)
	}
	form := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", a["oob_code"].(string))
	assertError(t, tn.Do(t, "POST", "/oauth/token", form), 400, "authorization_pending",
		"Authorization pending: please repeat the request in a few seconds.")
	assertError(t, tn.Do(t, "POST", "/oauth/token", form), 400, "slow_down", "")
	if err := tn.AnswerPush(emutest.Username, true); err != nil {
		t.Fatal(err)
	}
	if r := tn.Do(t, "POST", "/oauth/token", form); r.Status != 200 {
		t.Fatalf("approved push: %d %s", r.Status, r.Raw)
	}
	kinds := map[string]bool{}
	for _, e := range list(t, tn, mfa) {
		m := e.(map[string]any)
		kinds[strings.Split(m["id"].(string), "|")[0]] = m["active"].(bool)
	}
	if !kinds["push"] || !kinds["totp"] || !kinds["recovery-code"] {
		t.Fatalf("push enrolls push + its otp companion, all active: %v", kinds)
	}
}

func TestPushRejected(t *testing.T) {
	tn, _ := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	a := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"auth0"}}, bearer(mfa)).Object(t)
	if err := tn.AnswerPush(emutest.Username, false); err != nil {
		t.Fatal(err)
	}
	form := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", a["oob_code"].(string))
	assertError(t, tn.Do(t, "POST", "/oauth/token", form), 400, "access_denied", "MFA Authorization rejected.")
}

// enrollOTP makes the fixture user enrolled with an active OTP factor and returns its secret,
// the first recovery code and an access token.
func enrollOTP(t *testing.T, tn *emutest.Tenant, clk *fakeClock) (secret, recovery, access string) {
	t.Helper()
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	a := associateOTP(t, tn, mfa)
	secret = a["secret"].(string)
	r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0))
	if r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	return secret, a["recovery_codes"].([]any)[0].(string), r.Object(t)["access_token"].(string)
}

func TestSecondFactorNeedsStepUp(t *testing.T) {
	tn, clk := startFixed(t)
	secret, _, _ := enrollOTP(t, tn, clk)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	sms := map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+15551230004"}
	assertError(t, tn.Do(t, "POST", "/mfa/associate", sms, bearer(mfa)), 403, "access_denied", "User is already enrolled.")
	clk.set(clk.now().Add(30 * time.Second)) // enrollment used the current step
	r := verifyOTP(t, tn, mfa, code(t, secret, clk.now(), 0))
	access := r.Object(t)["access_token"].(string)
	r = tn.Do(t, "POST", "/mfa/associate", sms, bearer(access))
	if r.Status != 200 {
		t.Fatalf("associate with an access token: %d %s", r.Status, r.Raw)
	}
	if _, has := r.Object(t)["recovery_codes"]; has {
		t.Fatal("recovery codes come with the first factor only")
	}
}

func TestRecoveryCodeLoginRotates(t *testing.T) {
	tn, clk := startFixed(t)
	_, recovery, _ := enrollOTP(t, tn, clk)
	if len(recovery) != 24 || strings.ContainsAny(recovery, "IO0") {
		t.Fatalf("recovery code %q: 24 characters without I, O, 0", recovery)
	}
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	form := emutest.ClientForm("grant_type", emulator.GrantMFARecoveryCode, "mfa_token", mfa, "recovery_code", recovery)
	r := tn.Do(t, "POST", "/oauth/token", form)
	if r.Status != 200 {
		t.Fatalf("recovery login: %d %s", r.Status, r.Raw)
	}
	next := r.Object(t)["recovery_code"].(string)
	if len(next) != 24 || next == recovery {
		t.Fatalf("rotated code %q", next)
	}
	assertError(t, tn.Do(t, "POST", "/oauth/token", form), 403, "invalid_grant", "Invalid recovery_code.")
	form.Set("recovery_code", next)
	if r := tn.Do(t, "POST", "/oauth/token", form); r.Status != 200 {
		t.Fatalf("the new code works: %d %s", r.Status, r.Raw)
	}
}

func TestLinkedDeletes(t *testing.T) {
	tn, clk := startFixed(t)
	_, _, access := enrollOTP(t, tn, clk)
	r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+15551230005"}, bearer(access))
	if r.Status != 200 {
		t.Fatalf("associate: %d %s", r.Status, r.Raw)
	}
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	form := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", r.Object(t)["oob_code"].(string),
		"binding_code", tn.Outbox("+15551230005")[0].Code)
	if r := tn.Do(t, "POST", "/oauth/token", form); r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	var voiceID string
	for _, e := range list(t, tn, access) {
		if id := e.(map[string]any)["id"].(string); strings.HasPrefix(id, "voice|") {
			voiceID = id
		}
	}
	// Deleting the voice twin deletes the sms factor too.
	if r := tn.Do(t, "DELETE", "/mfa/authenticators/"+url.PathEscape(voiceID), nil, bearer(access)); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	for _, e := range list(t, tn, access) {
		id := e.(map[string]any)["id"].(string)
		if strings.HasPrefix(id, "sms|") || strings.HasPrefix(id, "voice|") {
			t.Fatalf("the pair should be gone: %s", id)
		}
	}
}

func TestPendingEnrollmentLimit(t *testing.T) {
	tn, _ := startFixed(t)
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	for i := 0; i < 50; i++ {
		associateOTP(t, tn, mfa)
	}
	r := tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, bearer(mfa))
	assertError(t, r, 403, "access_denied", "Too many pending enrollments: confirm or delete unconfirmed authenticators first.")
}

func TestVerifiedEmailIsListedAndNotDeletable(t *testing.T) {
	cfg := emutest.Config()
	cfg.Users[0].EmailVerified = true
	clk := &fakeClock{t: midStep}
	tn := emutest.Start(t, cfg, emulator.WithClock(clk.now))
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	got := list(t, tn, mfa)
	if len(got) != 1 || got[0].(map[string]any)["oob_channel"] != "email" || got[0].(map[string]any)["active"] != true {
		t.Fatalf("verified email listed as an active email factor: %v", got)
	}
	// Email does not count as enrolled: the mfa_token may still associate.
	associateOTP(t, tn, mfa)
}

func TestParallelClientsAreSafe(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := "user" + string(rune('a'+i)) + "@example.com"
			if err := tn.AddUser(emulator.UserConfig{Username: name, Password: "pw-123456"}); err != nil {
				t.Error(err)
				return
			}
			mfa := tn.MFAToken(t, name, "pw-123456")
			a := associateOTP(t, tn, mfa)
			c, _ := totp.Code(a["secret"].(string), tn.Now())
			if r := verifyOTP(t, tn, mfa, c); r.Status != 200 {
				t.Errorf("%s: %d %s", name, r.Status, r.Raw)
			}
			_ = tn.Stats()
			_ = tn.Outbox("")
		}(i)
	}
	wg.Wait()
	if n := tn.Stats()["POST /mfa/associate"]; n != 12 {
		t.Fatalf("stats counted %d associates", n)
	}
}
