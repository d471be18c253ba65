package mfaapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/filelock"
)

// The sweep removes what can no longer matter (old step records and their locks, user locks
// idle for an hour) and keeps what can: fresh records, held locks, the in-flight journal.
func TestSweepCacheRemovesOnlyWhatCannotMatter(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	touch := func(rel string, age time.Duration) string {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("[1]"), 0o600); err != nil {
			t.Fatal(err)
		}
		when := now.Add(-age)
		if err := os.Chtimes(path, when, when); err != nil {
			t.Fatal(err)
		}
		return path
	}
	oldRecord, oldLock := touch("totp-steps/a.json", time.Hour), touch("totp-steps/a.json.lock", time.Hour)
	lockless := touch("totp-steps/b.json", time.Hour)
	freshRecord, freshLock := touch("totp-steps/c.json", time.Second), touch("totp-steps/c.json.lock", time.Hour)
	heldRecord, heldLock := touch("totp-steps/d.json", time.Hour), touch("totp-steps/d.json.lock", time.Hour)
	idleUser, recentUser, heldUser := touch("locks/u1.lock", 2*time.Hour), touch("locks/u2.lock", time.Minute), touch("locks/u3.lock", 2*time.Hour)
	journal := touch("in-flight/j.json", 48*time.Hour)

	for _, p := range []string{heldLock, heldUser} {
		f := filelock.Open(p)
		if held, _ := f.Lock(context.Background(), nil); !held {
			t.Skip("no file locks here")
		}
		defer f.Release(true)
	}
	got := SweepCache(dir, now)
	if got != (SweepResult{Steps: 2, Locks: 1}) {
		t.Errorf("swept %+v, want 2 step records and 1 user lock", got)
	}
	for _, p := range []string{oldRecord, oldLock, lockless, idleUser} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was kept", p)
		}
	}
	for _, p := range []string{freshRecord, freshLock, heldRecord, heldLock, recentUser, heldUser, journal} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
