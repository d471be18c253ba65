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
type File struct {
	*os.File
	path string
}

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
	return &File{File: f, path: path}
}

// Lock waits for the exclusive lock until ctx ends, calling waiting once if it has to wait.
// held is false when the platform or file system has no file locks; err is ctx's.
func (l *File) Lock(ctx context.Context, waiting func()) (held bool, err error) {
	for first := true; ; first = false {
		ok, supported := tryLock(l.File)
		if !supported {
			return false, nil
		}
		if ok && l.reopenIfRemoved() {
			continue // RemoveIdle took the file away while this process waited: lock the new one
		}
		if ok {
			return true, nil
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

// reopenIfRemoved is called with the lock held: when the path no longer names the open file
// (RemoveIdle deleted it between this process's open and its lock), it drops that lock, opens
// the path anew and reports true, so the caller locks the file others will lock too.
func (l *File) reopenIfRemoved() bool {
	held, err1 := l.Stat()
	named, err2 := os.Stat(l.path)
	if err1 == nil && err2 == nil && os.SameFile(held, named) {
		return false
	}
	unlock(l.File)
	_ = l.Close()
	// On failure the closed file stays: the next tryLock reports no lock support, and the
	// caller goes on without a lock, as it does without a cache directory.
	if os.MkdirAll(filepath.Dir(l.path), 0o700) == nil {
		if f, err := os.OpenFile(l.path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
			l.File = f
		}
	}
	return true
}

// RemoveIdle deletes the lock file at path if no process holds its lock, and reports whether
// it did; the files in guarded (what the lock protects) go first, under the lock. It takes the
// lock first, so a holder is never robbed; a process that opened the file just before and
// locks it just after finds it gone and locks a fresh one (Lock).
func RemoveIdle(path string, guarded ...string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }()
	ok, supported := tryLock(f)
	if !supported || !ok {
		return false
	}
	defer unlock(f)
	for _, g := range guarded {
		_ = os.Remove(g)
	}
	return os.Remove(path) == nil
}
