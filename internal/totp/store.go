package totp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/filelock"
)

// Store remembers used steps across processes. Each terraform command runs a new provider
// process; without a shared record, a destroy right after an apply cannot know which codes the
// apply used, and pays with refused codes (Auth0 allows 10 failures an hour) and a wait.
type Store interface {
	Load(secret string) []int64
	Save(secret string, steps []int64)
	// Lock holds the secret's record for the caller until unlock is called, against other
	// processes, so that two of them never pick the same step (a collision costs the user a
	// failed attempt). It is best effort: after lockWait it gives up and returns anyway.
	Lock(secret string) (unlock func())
}

// DirStore keeps one small file per secret in Dir, named by a SHA-256 of the secret (the
// secret itself is never written). Errors are ignored: the record is an optimisation, and
// without it the provider still works, with a failed attempt at worst.
type DirStore struct{ Dir string }

// CacheDirEnv names the directory where the provider keeps what it shares between its
// processes on one machine (used TOTP steps, the in-flight journal, per-user locks). Unset:
// terraform-provider-auth0mfa in the user cache directory.
const CacheDirEnv = "AUTH0MFA_CACHE_DIR"

// CacheDir is that directory, or "" when there is none.
func CacheDir() string {
	if dir := os.Getenv(CacheDirEnv); dir != "" {
		return dir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "terraform-provider-auth0mfa")
}

// DefaultStore is a DirStore in CacheDir, or nil when there is none.
func DefaultStore() Store {
	dir := CacheDir()
	if dir == "" {
		return nil
	}
	return DirStore{Dir: filepath.Join(dir, "totp-steps")}
}

func (d DirStore) path(secret string) string {
	sum := sha256.Sum256([]byte("auth0mfa totp steps\x00" + secret))
	return filepath.Join(d.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Load reads the steps recorded for secret.
func (d DirStore) Load(secret string) []int64 {
	raw, err := os.ReadFile(d.path(secret))
	if err != nil {
		return nil
	}
	var steps []int64
	_ = json.Unmarshal(raw, &steps)
	return steps
}

// lockWait bounds how long Lock waits for another process: a pick under the lock takes
// microseconds, so this is only reached on a file system whose locks misbehave.
const lockWait = 5 * time.Second

// Lock takes the lock file beside the secret's record (see filelock), giving up after lockWait.
func (d DirStore) Lock(secret string) func() {
	f := filelock.Open(d.path(secret) + ".lock")
	if f == nil {
		return func() {}
	}
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	held, _ := f.Lock(ctx, nil)
	return func() { f.Release(held) }
}

// Save records steps for secret, atomically (write and rename).
func (d DirStore) Save(secret string, steps []int64) {
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return
	}
	raw, _ := json.Marshal(steps)
	tmp, err := os.CreateTemp(d.Dir, ".steps-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(raw)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), d.path(secret)) != nil {
		_ = os.Remove(tmp.Name())
	}
}
