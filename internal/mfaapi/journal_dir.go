package mfaapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// DirJournal keeps one file per user in Dir, named by a SHA-256 of the user's key. The files
// hold in-flight OTP secrets, so the directory is 0700 and the files 0600; an entry lives only
// from Auth0's associate answer until the factor is in Terraform's state (which holds the same
// secret from then on), or until the next run settles it. Errors are ignored: without the
// journal the provider still works, it only cannot clean up after a killed run.
type DirJournal struct{ Dir string }

// DefaultJournal is a DirJournal in the user's cache directory, or nil when there is none.
func DefaultJournal() Journal {
	dir := totp.CacheDir()
	if dir == "" {
		return nil
	}
	return DirJournal{Dir: filepath.Join(dir, "in-flight")}
}

func (d DirJournal) path(user string) string {
	sum := sha256.Sum256([]byte("auth0mfa in-flight\x00" + user))
	return filepath.Join(d.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Load reads the user's entries.
func (d DirJournal) Load(user string) []InFlight {
	raw, err := os.ReadFile(d.path(user))
	if err != nil {
		return nil
	}
	var entries []InFlight
	_ = json.Unmarshal(raw, &entries)
	return entries
}

// Save replaces the user's entries atomically (write and rename); no entries removes the file.
func (d DirJournal) Save(user string, entries []InFlight) {
	if len(entries) == 0 {
		_ = os.Remove(d.path(user))
		return
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return
	}
	raw, _ := json.Marshal(entries)
	tmp, err := os.CreateTemp(d.Dir, ".in-flight-*") // CreateTemp makes the file 0600
	if err != nil {
		return
	}
	_, werr := tmp.Write(raw)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), d.path(user)) != nil {
		_ = os.Remove(tmp.Name())
	}
}
