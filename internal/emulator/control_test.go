package emulator_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
)

func TestControlAPIOverHTTP(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	if r := tn.Do(t, "POST", "/_emulator/users", map[string]string{"username": "carol@example.com", "password": "pw-123456", "email": "carol@example.com"}); r.Status != 201 {
		t.Fatalf("add user: %d %s", r.Status, r.Raw)
	}
	if r := tn.Do(t, "POST", "/_emulator/users", map[string]string{"username": "x", "password": "p", "typo": "1"}); r.Status != 400 {
		t.Fatalf("unknown control keys are refused: %d", r.Status)
	}
	users := tn.Do(t, "GET", "/_emulator/users", nil).Object(t)["users"].([]any)
	if len(users) != 2 || strings.Contains(string(tn.Do(t, "GET", "/_emulator/users", nil).Raw), "pw-123456") {
		t.Fatalf("users (never with passwords): %v", users)
	}
	mfa := tn.MFAToken(t, "carol@example.com", "pw-123456")
	tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"email"}}, bearer(mfa))
	out := tn.Do(t, "GET", "/_emulator/outbox?to=carol@example.com", nil).Object(t)["messages"].([]any)
	if len(out) != 1 || len(out[0].(map[string]any)["code"].(string)) != 6 {
		t.Fatalf("outbox: %v", out)
	}
	if got := tn.Do(t, "GET", "/_emulator/outbox?to=nobody", nil).Object(t)["messages"].([]any); len(got) != 0 {
		t.Fatalf("filtered outbox: %v", got)
	}
	auths := tn.Do(t, "GET", "/_emulator/users/carol@example.com/authenticators", nil).Object(t)["authenticators"].([]any)
	if len(auths) != 2 {
		t.Fatalf("tenant truth: %v", auths)
	}
	before := tn.Now()
	if r := tn.Do(t, "POST", "/_emulator/clock", map[string]int{"advance_seconds": 700}); r.Status != 200 {
		t.Fatalf("clock: %d", r.Status)
	}
	if d := tn.Now().Sub(before); d < 700*time.Second {
		t.Fatalf("clock moved %v", d)
	}
	assertError(t, tn.Do(t, "GET", "/mfa/authenticators", nil, bearer(mfa)), 401, "expired_token", "mfa_token is expired")
	stats := tn.Do(t, "GET", "/_emulator/stats", nil).Object(t)["requests"].(map[string]any)
	if stats["POST /oauth/token"] != float64(1) || stats["GET /mfa/authenticators"] != float64(1) {
		t.Fatalf("stats: %v", stats)
	}
	if r := tn.Do(t, "POST", "/_emulator/faults", map[string]any{"endpoint": "GET /nope"}); r.Status != 400 {
		t.Fatalf("unknown fault endpoint: %d", r.Status)
	}
	if r := tn.Do(t, "POST", "/_emulator/reset", nil); r.Status != 204 {
		t.Fatalf("reset: %d", r.Status)
	}
	if users := tn.Users(); len(users) != 1 || len(tn.Stats()) != 0 || len(tn.Outbox("")) != 0 {
		t.Fatalf("reset restores the config: %v %v", users, tn.Stats())
	}
}

func TestPushApprovalOverHTTP(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	if r := tn.Do(t, "POST", "/_emulator/push/approve", map[string]string{"username": emutest.Username}); r.Status != 404 {
		t.Fatalf("no pending push: %d", r.Status)
	}
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"auth0"}}, bearer(mfa))
	if r := tn.Do(t, "POST", "/_emulator/push/approve", map[string]string{"username": emutest.Username}); r.Status != 204 {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	if p := tn.Pushes(); len(p) != 1 || p[0].State != "approved" {
		t.Fatalf("pushes: %+v", p)
	}
}

func TestFaultInjection(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	tn.InjectFault(emulator.Fault{Endpoint: "GET /.well-known/jwks.json", Status: 503, Count: 2})
	assertError(t, tn.Do(t, "GET", "/.well-known/jwks.json", nil), 503, "temporarily_unavailable", "")
	assertError(t, tn.Do(t, "GET", "/.well-known/jwks.json", nil), 503, "temporarily_unavailable", "")
	if r := tn.Do(t, "GET", "/.well-known/jwks.json", nil); r.Status != 200 {
		t.Fatalf("after the fault: %d", r.Status)
	}
	tn.InjectFault(emulator.Fault{Endpoint: "*", Status: 429, RetryAfter: 3, ResetAfter: 7})
	r := tn.Do(t, "GET", "/.well-known/openid-configuration", nil)
	assertError(t, r, 429, "too_many_requests", "Rate limit exceeded.")
	if r.Header.Get("Retry-After") != "3" || r.Header.Get("X-Ratelimit-Remaining") != "0" {
		t.Fatalf("429 headers: %v", r.Header)
	}
	tn.InjectFault(emulator.Fault{Endpoint: "GET /.well-known/jwks.json", Drop: true})
	// A fresh connection: Go's transport silently repeats an idempotent GET on a reused one.
	fresh := &http.Client{Transport: &http.Transport{}}
	if _, err := fresh.Get(tn.URL + "/.well-known/jwks.json"); err == nil {
		t.Fatal("a dropped connection should fail the request")
	}
	tn.InjectFault(emulator.Fault{Endpoint: "GET /.well-known/jwks.json", LatencyMS: 300})
	start := time.Now()
	tn.Do(t, "GET", "/.well-known/jwks.json", nil)
	if time.Since(start) < 300*time.Millisecond {
		t.Fatal("latency fault not applied")
	}
	// "after" faults let the tenant act and lose the answer.
	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	tn.InjectFault(emulator.Fault{Endpoint: "POST /mfa/associate", Status: 500, After: true})
	assertError(t, tn.Do(t, "POST", "/mfa/associate", map[string]any{"authenticator_types": []string{"otp"}}, bearer(mfa)), 500, "server_error", "")
	if got := list(t, tn, mfa); len(got) != 2 {
		t.Fatalf("the associate took effect although the answer was lost: %v", got)
	}
}

func TestConfigIsStrict(t *testing.T) {
	for _, bad := range []string{
		`{"domain":"x.test","users":[],"clients":[],"unknown":1}`,
		`{"domain":"https://x.test","users":[],"clients":[]}`,
		`{"domain":"x.test","clients":[{"client_id":"a","grant_types":["password"]}]}`,
		`{"domain":"x.test","clients":[{"client_id":"a","client_secret":"s","grant_types":["implicit"]}]}`,
		`{"domain":"x.test","users":[{"username":"u"}]}`,
		`{"domain":"x.test","rate_limits":{"POST /nope":1}}`,
		`{"domain":"x.test"} {}`,
	} {
		if _, err := emulator.ParseConfig([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	cfg, err := emulator.ParseConfig([]byte(`{"domain":"x.test","users":[{"username":"u","password":"p"}],"clients":[]}`))
	if err != nil || !cfg.Factors.OTP || cfg.Users[0].Connection != emulator.DefaultConnection {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
}

func TestListenDefaultsToLoopback(t *testing.T) {
	srv, err := emulator.New(emulator.DemoConfig())
	if err != nil {
		t.Fatal(err)
	}
	h, u, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(u, "http://"))
	if !net.ParseIP(host).IsLoopback() {
		t.Fatalf("url %s", u)
	}
}
