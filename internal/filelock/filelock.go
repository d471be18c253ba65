// Package filelock holds exclusive locks on files across the processes of one machine: the
// provider's terraform runs share a user cache directory, and some of what they do there must
// not interleave (picking a TOTP step, enrolling a factor for one user). The locks are advisory
// (flock where the platform has it) and released by the kernel when a process dies, so a killed
// run never leaves anything locked. Where there are no file locks, callers go on without.
package filelock

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// pollInterval is how often a waiting process tries the lock again.
const pollInterval = 2 * time.Millisecond

// File is an open lock file.
type File struct{ *os.File }

// Open opens (creating) the lock file at path, its directory 0700 and the file 0600; nil when
// it cannot be used (the caller goes on without a lock, as without a cache directory).
func Open(path string) *File {
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil
	}
	return &File{f}
}

// Lock waits for the exclusive lock until ctx ends, calling waiting once if it has to wait.
// held is false when the platform or file system has no file locks; err is ctx's.
func (l *File) Lock(ctx context.Context, waiting func()) (held bool, err error) {
	for first := true; ; first = false {
		ok, supported := tryLock(l.File)
		if !supported || ok {
			return ok, nil
		}
		if first && waiting != nil {
			waiting()
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

// Release unlocks (when held) and closes the file.
func (l *File) Release(held bool) {
	if held {
		unlock(l.File)
	}
	_ = l.Close()
}
