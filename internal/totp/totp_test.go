package totp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1, truncated to the 6 digits Auth0 uses.
func TestRFC6238Vectors(t *testing.T) {
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471", 1234567890: "005924", 2000000000: "279037", 20000000000: "353130"} {
		got, err := Code(secret, time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("t=%d: %s (%v), want %s", unix, got, err, want)
		}
	}
}

func TestBookOrderAndWaits(t *testing.T) {
	now := time.Unix(1_700_000_020, 0) // 10 s into a step, 20 s left
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	cur := Step(now)
	at := func(step int64) string { c, _ := CodeAtStep(secret, step); return c }
	for _, tc := range []struct {
		name  string
		next  func(*Book, string) (string, time.Duration, error)
		order []int64
	}{
		{"existing secret: current, previous", (*Book).Next, []int64{cur, cur - 1}},
		{"new secret: previous, current", (*Book).NextNew, []int64{cur - 1, cur}},
	} {
		b := NewBook(func() time.Time { return now })
		for i, step := range tc.order {
			code, wait, err := tc.next(b, secret)
			if err != nil || code != at(step) || wait != 0 {
				t.Fatalf("%s: code %d should be step %+d without waiting (wait %v)", tc.name, i, step-cur, wait)
			}
		}
		code, wait, _ := tc.next(b, secret)
		if code != at(cur+1) || wait != 20*time.Second || b.Waits() != 1 {
			t.Fatalf("%s: with both codes used, wait for the next step: %v", tc.name, wait)
		}
	}
}

func TestBookSkipsAPreviousStepAboutToExpire(t *testing.T) {
	now := time.Unix(1_700_000_038, 500_000_000) // 1.5 s left in the step
	b := NewBook(func() time.Time { return now })
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	code, wait, _ := b.NextNew(secret)
	if want, _ := CodeAtStep(secret, Step(now)); code != want || wait != 0 {
		t.Fatal("with 1.5 s left the previous step is too risky for a confirmation; use the current one")
	}
}

// Passing MFA with the current code already used (a destroy right after an apply, in the same
// step) sends the previous step's code while it has at least a second left, instead of
// waiting for the next step; with less, it waits.
func TestBookPassingMFAUsesAShortLivedPreviousStep(t *testing.T) {
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	for _, tc := range []struct {
		left     time.Duration
		wantWait bool
	}{{1900 * time.Millisecond, false}, {1100 * time.Millisecond, false}, {500 * time.Millisecond, true}} {
		now := time.Unix(1_700_000_040, 0).Add(-tc.left) // the step ends at ...040
		b := NewBook(func() time.Time { return now })
		if _, wait, _ := b.NextNew(secret); wait != 0 { // the confirmation takes the current code
			t.Fatalf("%v left: the confirmation waited", tc.left)
		}
		code, wait, _ := b.Next(secret)
		prev, _ := CodeAtStep(secret, Step(now)-1)
		switch {
		case tc.wantWait && wait == 0:
			t.Fatalf("%v left: the previous code would expire in flight; want a wait", tc.left)
		case !tc.wantWait && (wait != 0 || code != prev):
			t.Fatalf("%v left: want the previous step's code without waiting, waited %v", tc.left, wait)
		}
	}
}

func TestSecretValidation(t *testing.T) {
	for _, bad := range []string{"", "   ", "not base32!", "0189"} {
		if _, err := NormaliseSecret(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if s, err := NormaliseSecret("hj6x m2dn erxd avcu ongw krtc mntu 6vdf"); err != nil || s != "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF" {
		t.Fatalf("normalised %q %v", s, err)
	}
}

// Two books sharing a store are two terraform runs on one machine: the second does not send a
// code the first used.
func TestStoreSharesUsedStepsAcrossProcesses(t *testing.T) {
	now := time.Unix(1_700_000_020, 0)
	clock := func() time.Time { return now }
	store := DirStore{Dir: t.TempDir()}
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	first, _, _ := NewBook(clock).WithStore(store).Next(secret)
	other := NewBook(clock).WithStore(store)
	if !other.Ready(secret) {
		t.Fatal("one of the two valid codes is still unused")
	}
	second, wait, _ := other.Next(secret)
	if other.Ready(secret) {
		t.Fatal("both valid codes are used: not ready until the next step")
	}
	if first == second || wait != 0 {
		t.Fatalf("the second process reused the first one's code (wait %v)", wait)
	}
	entries, _ := os.ReadDir(store.Dir)
	for _, e := range entries {
		raw, _ := os.ReadFile(filepath.Join(store.Dir, e.Name()))
		if strings.Contains(e.Name()+string(raw), secret) {
			t.Fatal("the store must never hold the secret")
		}
	}
}

// An apply's confirmation with 4 s left in the step takes the previous step's code, so a
// destroy 3 s later, still in the same step, takes the current one without waiting (with the
// old 5 s margin the confirmation took the current code and the destroy waited).
func TestBookConfirmationLeavesTheCurrentCodeFree(t *testing.T) {
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	now := time.Unix(1_700_000_036, 0) // the step ends at ...040
	b := NewBook(func() time.Time { return now })
	code, wait, _ := b.NextNew(secret)
	if prev, _ := CodeAtStep(secret, Step(now)-1); code != prev || wait != 0 {
		t.Fatal("with 4 s left the confirmation should take the previous step's code")
	}
	now = now.Add(3 * time.Second)
	code, wait, _ = b.Next(secret)
	if cur, _ := CodeAtStep(secret, Step(now)); code != cur || wait != 0 {
		t.Fatalf("passing MFA in the same step should take the current code at once; waited %v", wait)
	}
}

// Handed codes (the ephemeral TOTP code) are avoided by the provider's own operations, in this
// process and in others sharing the store; a later hand-out may give the same code again, and
// never a code an operation used.
func TestHandedCodesAreLeftToTheReceiver(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	at := time.Unix(1111111110, 0) // 20 s into its step
	store := DirStore{Dir: t.TempDir()}
	clock := func() time.Time { return at }
	handed, step, wait, err := NewBook(clock).WithStore(store).Hand(secret)
	if err != nil || wait != 0 || step != Step(at) {
		t.Fatalf("hand: %q step %d wait %s %v", handed, step, wait, err)
	}
	again, _, _, _ := NewBook(clock).WithStore(store).Hand(secret)
	if again != handed {
		t.Fatalf("a second hand-out in the step gave %q, want the same unused code %q", again, handed)
	}
	other := NewBook(clock).WithStore(store) // another terraform run on this machine
	code, wait, _ := other.Next(secret)
	if code == handed || wait != 0 {
		t.Fatalf("an operation took the handed code (%q) or waited %s", code, wait)
	}
	if other.Ready(secret) {
		t.Fatal("with one step handed and the other used, nothing is ready")
	}
	next, step, _, _ := NewBook(clock).WithStore(store).Hand(secret)
	if next != handed || step != Step(at) {
		t.Fatalf("hand-out after an operation: %q (step %d), want the handed code, not the used one", next, step)
	}
}
