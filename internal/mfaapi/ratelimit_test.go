package mfaapi_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// A tenant that allows 5 token requests a second, and 30 users logging in at once: every
// login succeeds (the limit slows the work, it never fails it), and the shared gate keeps the
// 429s few instead of one per worker per window.
func TestRateLimitSlowsLoginsButFailsNone(t *testing.T) {
	tn := newTenant(t)
	const users = 30
	for i := range users {
		if err := tn.AddUser(emulator.UserConfig{Username: fmt.Sprintf("u%d@example.com", i), Password: "pw-u-1"}); err != nil {
			t.Fatal(err)
		}
	}
	tn.SetRateLimit("POST /oauth/token", 5)
	c := newClient(t, tn, func(cfg *mfaapi.Config) { cfg.Retry = mfaapi.DefaultRetryPolicy })
	var wg sync.WaitGroup
	errs := make(chan error, users)
	start := time.Now()
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Session(mfaapi.Login{Username: fmt.Sprintf("u%d@example.com", i), Password: "pw-u-1"}).List(ctx(t))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a login failed under the rate limit: %v", err)
		}
	}
	sent := tn.Stats()["POST /oauth/token"]
	t.Logf("%d logins in %v with %d token requests", users, time.Since(start).Round(time.Millisecond), sent)
	if sent < users {
		t.Fatalf("only %d token requests for %d logins", sent, users)
	}
	// The first burst (all 30 at once, before any 429 was seen) may lose up to 25; after that
	// the gate paces the workers. Without it each login lost about two more attempts (60 in
	// all on this test), so more than one refusal a login means the gate does not work.
	if wasted := sent - users; wasted > users {
		t.Fatalf("%d refused token requests for %d logins: the gate does not hold workers back", wasted, users)
	}
}

// too_many_attempts blocks the user after failed codes; repeating the request only extends
// the block, so it is returned at once.
func TestTooManyAttemptsIsNotRepeated(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	s := c.Session(alice())
	e, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	mfaToken := tn.MFAToken(t, alice().Username, alice().Password)
	for range 12 {
		if _, err = c.VerifyOTP(ctx(t), mfaToken, "000000"); mfaapi.IsRateLimited(err) {
			break
		}
	}
	if !mfaapi.IsRateLimited(err) {
		t.Fatalf("want too_many_attempts after repeated wrong codes, got %v", err)
	}
	before := tn.Stats()["POST /oauth/token"]
	if _, err := c.VerifyOTP(ctx(t), mfaToken, "000000"); !mfaapi.IsRateLimited(err) {
		t.Fatalf("want too_many_attempts, got %v", err)
	}
	if sent := tn.Stats()["POST /oauth/token"] - before; sent != 1 {
		t.Fatalf("too_many_attempts was repeated: %d requests", sent)
	}
	_ = e
}
