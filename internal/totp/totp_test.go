package totp

import (
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

func TestBookUsesPreviousStepFirstAndNeverWaitsWhileACodeIsLeft(t *testing.T) {
	now := time.Unix(1_700_000_020, 0) // 10 s into a step, 20 s left
	b := NewBook(func() time.Time { return now })
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	cur := Step(now)
	first, wait, _ := b.Next(secret)
	if want, _ := CodeAtStep(secret, cur-1); first != want || wait != 0 {
		t.Fatalf("first code should be the previous step's, without waiting")
	}
	second, wait, _ := b.Next(secret)
	if want, _ := CodeAtStep(secret, cur); second != want || wait != 0 {
		t.Fatalf("second code should be the current step's, without waiting")
	}
	third, wait, _ := b.Next(secret)
	if want, _ := CodeAtStep(secret, cur+1); third != want || wait != 20*time.Second {
		t.Fatalf("third code must wait for the next step: wait %v", wait)
	}
	if b.Waits() != 1 {
		t.Fatalf("waits %d", b.Waits())
	}
}

func TestBookSkipsAPreviousStepAboutToExpire(t *testing.T) {
	now := time.Unix(1_700_000_038, 0) // 2 s left in the step
	b := NewBook(func() time.Time { return now })
	secret := "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	code, wait, _ := b.Next(secret)
	if want, _ := CodeAtStep(secret, Step(now)); code != want || wait != 0 {
		t.Fatal("with 2 s left the previous step is too risky; use the current one")
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
