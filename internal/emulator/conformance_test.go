package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

type recordedCase struct {
	Name   string          `json:"name"`
	Source string          `json:"source"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// TestConformanceWithRecordedBodies drives the emulator into each recorded situation and
// compares its answer with the body the reference quotes.
func TestConformanceWithRecordedBodies(t *testing.T) {
	raw, err := os.ReadFile("testdata/recorded.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []recordedCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	got := produceRecordedSituations(t)
	for _, rc := range file.Cases {
		t.Run(rc.Name, func(t *testing.T) {
			r, ok := got[rc.Name]
			if !ok {
				t.Fatalf("no scenario produces %q", rc.Name)
			}
			if r.Status != rc.Status {
				t.Fatalf("status %d, recorded %d (%s): %s", r.Status, rc.Status, rc.Source, r.Raw)
			}
			var want any
			_ = json.Unmarshal(rc.Body, &want)
			if want == nil {
				if len(r.Raw) != 0 {
					t.Fatalf("recorded an empty body, got %s", r.Raw)
				}
				return
			}
			if err := sameShape("body", want, r.JSON(t)); err != nil {
				t.Fatalf("%v\nrecorded (%s): %s\nemulator: %s", err, rc.Source, rc.Body, r.Raw)
			}
		})
	}
}

// sameShape compares keys and JSON types; error codes and texts must be equal.
func sameShape(path string, want, got any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, got %T", path, got)
		}
		if wk, gk := keysOf(w), keysOf(g); wk != gk {
			return fmt.Errorf("%s: keys %s, recorded %s", path, gk, wk)
		}
		for k, wv := range w {
			if err := sameShape(path+"."+k, wv, g[k]); err != nil {
				return err
			}
		}
		if _, isErr := w["error"]; isErr {
			if w["error"] != g["error"] || w["error_description"] != g["error_description"] {
				return fmt.Errorf("%s: error %v %q, recorded %v %q", path, g["error"], g["error_description"], w["error"], w["error_description"])
			}
		}
		return nil
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: want an array of %d, got %v", path, len(w), got)
		}
		// Entries are matched by their id's kind ("sms|…") when they have ids, else in order.
		return matchEntries(path, w, g)
	default:
		if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
			return fmt.Errorf("%s: type %T, recorded %T", path, got, want)
		}
		return nil
	}
}

func matchEntries(path string, want, got []any) error {
	kind := func(v any) string {
		m, _ := v.(map[string]any)
		id, _ := m["id"].(string)
		return strings.SplitN(id, "|", 2)[0]
	}
	used := make([]bool, len(got))
	for i, w := range want {
		found := false
		for j, g := range got {
			if !used[j] && kind(w) == kind(g) && sameShape(path, w, g) == nil {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return fmt.Errorf("%s[%d]: no entry shaped like %v in %v", path, i, w, got)
		}
	}
	return nil
}

func keysOf(m map[string]any) string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return strings.Join(k, ",")
}

// produceRecordedSituations replays the situations the recordings were made in. The tenant
// mirrors GO-REC's: voice disabled, the user's verified email listed as an active factor.
func produceRecordedSituations(t *testing.T) map[string]emutest.Response {
	cfg := emutest.Config()
	cfg.Factors = &emulator.Factors{OTP: true, SMS: true, Email: true, Push: true, RecoveryCode: true}
	cfg.Users[0].EmailVerified = true
	clk := &fakeClock{t: midStep}
	tn := emutest.Start(t, cfg, emulator.WithClock(clk.now))
	out := map[string]emutest.Response{}
	addUser := func(name string) {
		if err := tn.AddUser(emulator.UserConfig{Username: name, Email: name, Password: "pw-123456"}); err != nil {
			t.Fatal(err)
		}
	}
	associate := func(tok string, body map[string]any) emutest.Response {
		return tn.Do(t, "POST", "/mfa/associate", body, bearer(tok))
	}
	otpBody := map[string]any{"authenticator_types": []string{"otp"}}
	pushBody := map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"auth0"}}
	smsBody := map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+91123456789"}

	out["mfa_required"] = tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password",
		"username", emutest.Username, "password", emutest.Password, "audience", emutest.MFAAudience))
	out["wrong_password"] = tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password",
		"username", emutest.Username, "password", "wrong"))

	// GO-REC's user: email active, then sms, push and otp associated with the mfa_token.
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	out["associate_sms_first"] = associate(mfa, smsBody)
	out["associate_push_not_first"] = associate(mfa, pushBody)
	out["associate_otp_not_first"] = associate(mfa, otpBody)
	out["list"] = tn.Do(t, "GET", "/mfa/authenticators", nil, bearer(mfa))

	addUser("erin@example.com")
	out["associate_email_first"] = associate(tn.MFAToken(t, "erin@example.com", "pw-123456"),
		map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"email"}})

	// An OTP user: confirm, challenge, recovery code.
	addUser("olga@example.com")
	mfa = tn.MFAToken(t, "olga@example.com", "pw-123456")
	a := associate(mfa, otpBody).Object(t)
	out["verify_otp"] = verifyOTP(t, tn, mfa, code(t, a["secret"].(string), clk.now(), 0))
	out["challenge_otp"] = tn.Do(t, "POST", "/mfa/challenge", emutest.ClientForm("mfa_token", mfa, "challenge_type", "otp"))
	out["verify_recovery_code"] = tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", emulator.GrantMFARecoveryCode,
		"mfa_token", mfa, "recovery_code", a["recovery_codes"].([]any)[0].(string)))

	// A push user: enroll by approval, then challenge, pending, rejected.
	addUser("paul@example.com")
	mfa = tn.MFAToken(t, "paul@example.com", "pw-123456")
	p := associate(mfa, pushBody).Object(t)
	if err := tn.AnswerPush("paul@example.com", true); err != nil {
		t.Fatal(err)
	}
	pollForm := func(oob string) url.Values {
		return emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", oob)
	}
	tn.Do(t, "POST", "/oauth/token", pollForm(p["oob_code"].(string)))
	ch := tn.Do(t, "POST", "/mfa/challenge", map[string]string{"client_id": emutest.ClientID, "client_secret": emutest.ClientSecret,
		"mfa_token": mfa, "challenge_type": "oob"})
	out["challenge_push"] = ch
	oob := ch.Object(t)["oob_code"].(string)
	out["push_pending"] = tn.Do(t, "POST", "/oauth/token", pollForm(oob))
	if err := tn.AnswerPush("paul@example.com", false); err != nil {
		t.Fatal(err)
	}
	clk.set(clk.now().Add(2 * time.Second))
	out["push_rejected"] = tn.Do(t, "POST", "/oauth/token", pollForm(oob))

	// An SMS user: enroll, then challenge.
	addUser("sam@example.com")
	mfa = tn.MFAToken(t, "sam@example.com", "pw-123456")
	s := associate(mfa, smsBody).Object(t)
	confirm := emutest.ClientForm("grant_type", emulator.GrantMFAOOB, "mfa_token", mfa, "oob_code", s["oob_code"].(string),
		"binding_code", tn.Outbox("+91123456789")[1].Code)
	access := tn.Do(t, "POST", "/oauth/token", confirm).Object(t)["access_token"].(string)
	out["challenge_sms"] = tn.Do(t, "POST", "/mfa/challenge", emutest.ClientForm("mfa_token", mfa, "challenge_type", "oob"))

	var smsID string
	for _, e := range list(t, tn, access) {
		if id := e.(map[string]any)["id"].(string); strings.HasPrefix(id, "sms|") {
			smsID = id
		}
	}
	out["delete"] = tn.Do(t, "DELETE", "/mfa/authenticators/"+url.PathEscape(smsID), nil, bearer(access))

	tn.SetRateLimit("GET /.well-known/jwks.json", 1)
	tn.Do(t, "GET", "/.well-known/jwks.json", nil)
	out["rate_limited"] = tn.Do(t, "GET", "/.well-known/jwks.json", nil)
	return out
}
