package mfaapi

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/filelock"
)

// The cache directory (totp.CacheDir) gains a used-steps record (and its lock file) per TOTP
// secret and a lock file per user, and a long-lived CI runner would keep them forever. Each
// provider process sweeps what can no longer matter, without a race with a running process:
// lock files are removed only under their own lock (filelock.RemoveIdle), and a process that
// was about to lock one locks a fresh file instead. The in-flight journal is never swept: its
// entries are factors a killed run left at Auth0, which the next run must delete.

const (
	// stepsStale: a record saved at T holds steps up to T's step + 1 (after a wait); Auth0
	// accepts a step's code until the end of the next step, so after 90 s nothing in it can be
	// sent again. Five minutes leaves room for a slow machine and a clock step.
	stepsStale = 5 * time.Minute
	// userLockStale: a user lock file holds when another process last enrolled for the user,
	// which tells a process that its own listing (reused for listCacheTTL) is stale. After an
	// hour no process can hold a listing that old.
	userLockStale = time.Hour
)

// SweepResult counts what SweepCache removed.
type SweepResult struct{ Steps, Locks int }

// SweepCache removes, from the cache directory dir, used-steps records older than stepsStale
// and user lock files older than userLockStale that nobody holds.
func SweepCache(dir string, now time.Time) SweepResult {
	var r SweepResult
	if dir == "" {
		return r
	}
	stale := func(path string, age time.Duration) bool {
		fi, err := os.Stat(path)
		return err == nil && now.Sub(fi.ModTime()) > age
	}
	steps := filepath.Join(dir, "totp-steps")
	entries, _ := os.ReadDir(steps)
	for _, e := range entries {
		name, path := e.Name(), filepath.Join(steps, e.Name())
		switch {
		case strings.HasSuffix(name, ".json.lock"):
			record := strings.TrimSuffix(path, ".lock")
			if _, err := os.Stat(record); (err == nil && stale(record, stepsStale)) || (os.IsNotExist(err) && stale(path, stepsStale)) {
				if filelock.RemoveIdle(path, record) {
					r.Steps++
				}
			}
		case strings.HasSuffix(name, ".json"):
			// A record without a lock file (its lock was swept, or never made): nobody can be
			// picking a step from it without first creating the lock.
			if _, err := os.Stat(path + ".lock"); os.IsNotExist(err) && stale(path, stepsStale) && os.Remove(path) == nil {
				r.Steps++
			}
		case strings.HasPrefix(name, ".steps-") && stale(path, stepsStale):
			_ = os.Remove(path) // a write a killed process never renamed
		}
	}
	locks := filepath.Join(dir, "locks")
	entries, _ = os.ReadDir(locks)
	for _, e := range entries {
		path := filepath.Join(locks, e.Name())
		if strings.HasSuffix(e.Name(), ".lock") && stale(path, userLockStale) && filelock.RemoveIdle(path) {
			r.Locks++
		}
	}
	return r
}
