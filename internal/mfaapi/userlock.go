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

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/filelock"
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

// crossProcessLock takes the user's lock file, waiting until ctx ends; it returns the unlock
// function and when another process last finished with it (the lock file holds that time),
// so a listing this process made earlier is known to be stale. Without a lock directory, or
// where the platform has no file locks, it is a no-op.
func (s *Session) crossProcessLock(ctx context.Context) (unlock func(), lastHolder time.Time, err error) {
	if s.c.cfg.LockDir == "" {
		return func() {}, time.Time{}, nil
	}
	sum := sha256.Sum256([]byte("auth0mfa user lock\x00" + s.journalKey()))
	f := filelock.Open(filepath.Join(s.c.cfg.LockDir, hex.EncodeToString(sum[:16])+".lock"))
	if f == nil {
		return func() {}, time.Time{}, nil // best effort, like the journal
	}
	held, err := f.Lock(ctx, func() {
		s.log(ctx, "waiting for another terraform run on this machine that is enrolling a factor for the same user", nil)
	})
	if err != nil {
		f.Release(false)
		return nil, time.Time{}, err
	}
	if !held {
		f.Release(false)
		return func() {}, time.Time{}, nil
	}
	return func() {
		if f.Truncate(0) == nil {
			_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+" "+time.Now().UTC().Format(time.RFC3339Nano)), 0)
		}
		f.Release(true)
	}, lastOtherHolder(f.File), nil
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
