package filelock

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// A second holder waits until the first releases, and is told it waits; ctx bounds the wait.
func TestLockIsExclusive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no file locks on this platform")
	}
	path := filepath.Join(t.TempDir(), "sub", "x.lock")
	a, b := Open(path), Open(path) // two opens lock like two processes (flock is per open file)
	if a == nil || b == nil {
		t.Fatal("open failed")
	}
	held, err := a.Lock(context.Background(), nil)
	if !held || err != nil {
		t.Fatalf("first lock: %v %v", held, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	waited := false
	if held, err := b.Lock(ctx, func() { waited = true }); held || err == nil || !waited {
		t.Fatalf("second lock while held: held=%v err=%v waited=%v", held, err, waited)
	}
	a.Release(true)
	if held, err := b.Lock(context.Background(), nil); !held || err != nil {
		t.Fatalf("after release: %v %v", held, err)
	}
	b.Release(true)
}

// RemoveIdle never takes a held lock's file away; a process that opened the file before the
// removal and locks it after locks the fresh file that every later process locks too, so two
// processes never both hold "the" lock.
func TestRemoveIdleHasNoRaceWithAHolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no file locks on this platform")
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	holder := Open(path)
	if held, _ := holder.Lock(context.Background(), nil); !held {
		t.Fatal("lock")
	}
	if RemoveIdle(path) {
		t.Fatal("removed a lock file while its lock was held")
	}
	holder.Release(true)

	early := Open(path) // opened before the removal, locks after it
	if !RemoveIdle(path) {
		t.Fatal("an idle lock file was not removed")
	}
	held, err := early.Lock(context.Background(), nil)
	if !held || err != nil {
		t.Fatalf("lock after removal: %v %v", held, err)
	}
	late := Open(path)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if held, _ := late.Lock(ctx, nil); held {
		t.Fatal("a later process got the lock the early one holds: they locked different files")
	}
	early.Release(true)
	late.Release(false)
}
