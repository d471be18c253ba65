package mfaapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// Two terraform runs on one machine (two workspaces, parallel CI jobs) that enroll factors for
// the same user must not interleave: each finds its new factor's id by comparing listings
// before and after, and a second run's factor appearing in between is indistinguishable by
// the list alone. The user's enrollments therefore also hold a lock file in the user cache
// directory, across processes. Runs on different machines cannot share it; for them Enroll
// refuses to guess (AmbiguousEnrollmentError).

// DefaultLockDir is where the provider keeps its per-user lock files ("" when there is no
// user cache directory: then only the in-process lock applies).
func DefaultLockDir() string {
	dir := totp.CacheDir()
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "locks")
}

// lockPollInterval is how often a waiting process tries the lock again.
const lockPollInterval = 50 * time.Millisecond

// crossProcessLock takes the user's lock file, waiting until ctx ends; it returns the unlock
// function and when the last holder finished (the lock file holds that time), so a listing
// this process made earlier is known to be stale. Without a lock directory, or where the
// platform has no file locks, it is a no-op.
func (s *Session) crossProcessLock(ctx context.Context) (unlock func(), lastHolder time.Time, err error) {
	noop := func() {}
	if s.c.cfg.LockDir == "" {
		return noop, time.Time{}, nil
	}
	if err := os.MkdirAll(s.c.cfg.LockDir, 0o700); err != nil {
		return noop, time.Time{}, nil // best effort, like the journal
	}
	sum := sha256.Sum256([]byte("auth0mfa user lock\x00" + s.journalKey()))
	path := filepath.Join(s.c.cfg.LockDir, hex.EncodeToString(sum[:16])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return noop, time.Time{}, nil
	}
	waited := false
	for {
		ok, err := tryLockFile(f)
		if err != nil { // no file locks here: go on without
			_ = f.Close()
			return noop, time.Time{}, nil
		}
		if ok {
			return func() {
				if f.Truncate(0) == nil {
					_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+" "+time.Now().UTC().Format(time.RFC3339Nano)), 0)
				}
				unlockFile(f)
				_ = f.Close()
			}, lastOtherHolder(f), nil
		}
		if !waited {
			waited = true
			s.log(ctx, "waiting for another terraform run on this machine that is enrolling a factor for the same user", nil)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, time.Time{}, ctx.Err()
		case <-time.After(lockPollInterval):
		}
	}
}

// lastOtherHolder reads when another process last released the lock ("PID TIME"); zero when
// this process was the last holder (its own listings are kept up to date) or nobody was.
func lastOtherHolder(f *os.File) time.Time {
	raw, _ := io.ReadAll(io.LimitReader(f, 80))
	pid, at, ok := strings.Cut(strings.TrimSpace(string(raw)), " ")
	if !ok || pid == strconv.Itoa(os.Getpid()) {
		return time.Time{}
	}
	last, _ := time.Parse(time.RFC3339Nano, at)
	return last
}
