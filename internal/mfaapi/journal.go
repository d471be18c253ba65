package mfaapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"time"
)

// InFlight is an enrollment between Auth0's associate answer and the moment its caller has
// stored it (for the provider: handed it to Terraform as state). If the process dies in
// between (terraform killed), the factor may be confirmed at Auth0 while nothing remembers it,
// and for a user's first factor its secret is the only way to pass MFA again. The journal keeps
// what the next process needs to find and delete that orphan.
type InFlight struct {
	// Token tells this process's own live entries from those a dead process left.
	Token string `json:"token"`
	// Types and Channel are what was associated ("otp", or "oob" with a channel).
	Types   []string `json:"types"`
	Channel string   `json:"channel,omitempty"`
	// Before holds the ids the user had when the enrollment began: if the process died before
	// the new id was known, the orphan is the one new active factor of this kind.
	Before []string `json:"before"`
	// ID is the new authenticator's id, once the listing after confirmation showed it.
	ID string `json:"id,omitempty"`
	// Candidates are the ids an ambiguous enrollment could not choose between (see
	// AmbiguousEnrollmentError): kept for the user, never deleted on a guess.
	Candidates []string `json:"candidates,omitempty"`
	// Secret is the OTP secret; it passes MFA for the orphan's own deletion.
	Secret  string    `json:"secret,omitempty"`
	Started time.Time `json:"started"`
	// PID is the process that wrote the entry. While it runs, the entry is its own, not
	// abandoned: another terraform run on this machine must not delete a factor the first
	// is about to store.
	PID int `json:"pid,omitempty"`
}

// maxRunAge bounds how long an entry of a live process counts as in flight (a guard against
// a reused PID, and the only bound where liveness cannot be checked).
const maxRunAge = 2 * time.Hour

// liveElsewhere reports an entry of another process that is still running.
func (e InFlight) liveElsewhere(now time.Time) bool {
	return e.PID != 0 && e.PID != os.Getpid() && processAlive(e.PID) && now.Sub(e.Started) < maxRunAge
}

// Journal stores in-flight enrollments per user across processes. See DirJournal.
type Journal interface {
	Load(user string) []InFlight
	Save(user string, entries []InFlight)
}

// journalKey names the user in the journal: the base URL keeps tenants (and local emulators
// on different ports) apart.
func (s *Session) journalKey() string {
	return s.c.base.String() + "\x00" + strings.ToLower(s.login.Realm) + "\x00" + strings.ToLower(s.login.Username)
}

// journalBegin records an enrollment Auth0 has just associated; it returns its token ("" when
// the client keeps no journal).
func (s *Session) journalBegin(req AssociateRequest, before []Authenticator, assoc *Association) string {
	if s.c.cfg.Journal == nil {
		return ""
	}
	var raw [12]byte
	_, _ = rand.Read(raw[:])
	e := InFlight{Token: hex.EncodeToString(raw[:]), Types: req.AuthenticatorTypes, Secret: assoc.Secret, Started: s.c.now(), PID: os.Getpid()}
	if len(req.OOBChannels) > 0 {
		e.Channel = req.OOBChannels[0]
	}
	for _, a := range before {
		e.Before = append(e.Before, a.ID)
	}
	s.c.journalMu.Lock()
	defer s.c.journalMu.Unlock()
	s.c.ownInFlight[e.Token] = true
	s.c.cfg.Journal.Save(s.journalKey(), append(s.c.cfg.Journal.Load(s.journalKey()), e))
	return e.Token
}

// journalUpdate applies fn to the entry with token.
func (s *Session) journalUpdate(token string, fn func(*InFlight)) {
	if token == "" {
		return
	}
	s.c.journalMu.Lock()
	defer s.c.journalMu.Unlock()
	entries := s.c.cfg.Journal.Load(s.journalKey())
	for i := range entries {
		if entries[i].Token == token {
			fn(&entries[i])
		}
	}
	s.c.cfg.Journal.Save(s.journalKey(), entries)
}

// journalEnd forgets the entry with token: the enrollment is stored by its caller, or it
// failed and nothing confirmed is left.
func (s *Session) journalEnd(token string) {
	if token == "" {
		return
	}
	s.c.journalMu.Lock()
	defer s.c.journalMu.Unlock()
	delete(s.c.ownInFlight, token)
	entries := slices.DeleteFunc(s.c.cfg.Journal.Load(s.journalKey()), func(e InFlight) bool { return e.Token == token })
	s.c.cfg.Journal.Save(s.journalKey(), entries)
}

// Recorded tells the client that the caller has stored e (the provider: Terraform has the
// state). Until then a journalled enrollment counts as possibly orphaned for later processes.
func (s *Session) Recorded(e *Enrollment) {
	if e != nil {
		s.journalEnd(e.journalToken)
	}
}

// abandoned returns the journal entries that no live enrollment owns: not this process's,
// and not another running process's.
func (s *Session) abandoned() []InFlight {
	if s.c.cfg.Journal == nil {
		return nil
	}
	s.c.journalMu.Lock()
	defer s.c.journalMu.Unlock()
	var out []InFlight
	for _, e := range s.c.cfg.Journal.Load(s.journalKey()) {
		if !s.c.ownInFlight[e.Token] && !e.liveElsewhere(s.c.now()) {
			out = append(out, e)
		}
	}
	return out
}

// settleAbandoned deletes the factors that enrollments of a dead process confirmed but never
// handed over, so the tenant keeps only what state knows. Policy: such a factor can only be an
// orphan (Terraform never saw its id, and it is not ours to adopt into another resource); its
// secret, kept in the journal, passes MFA for its deletion when it is the user's only factor.
// An entry whose orphan cannot be told apart (two new factors of its kind) is dropped without
// deleting anything: a factor Terraform may know is never deleted on a guess. It reports
// whether it deleted anything (the caller's listing is then stale). Failures keep the entry
// for the next run.
func (s *Session) settleAbandoned(ctx context.Context, list []Authenticator, up StepUp) bool {
	deleted := false
	for _, e := range s.abandoned() {
		orphan := e.orphanIn(list)
		if orphan == "" {
			s.journalEnd(e.Token)
			continue
		}
		if e.Secret != "" {
			up.OTPSecrets = append(up.OTPSecrets, e.Secret)
		}
		if err := s.delete(ctx, orphan, up); err != nil {
			s.log(ctx, "an orphaned factor of an interrupted run could not be deleted yet", map[string]any{"authenticator_id": orphan, "error": err.Error()})
			continue
		}
		s.log(ctx, "deleted a factor an interrupted run confirmed but never stored", map[string]any{"authenticator_id": orphan})
		s.journalEnd(e.Token)
		deleted = true
	}
	return deleted
}

// orphanIn returns the id of e's confirmed factor in list, or "" if there is none or it
// cannot be told apart from another new factor.
func (e InFlight) orphanIn(list []Authenticator) string {
	req := AssociateRequest{AuthenticatorTypes: e.Types}
	if e.Channel != "" {
		req.OOBChannels = []string{e.Channel}
	}
	var candidates []string
	for _, a := range list {
		switch {
		case !a.Active:
		case e.ID != "" && a.ID == e.ID:
			return a.ID
		case e.ID == "" && matches(a, req) && !slices.Contains(e.Before, a.ID):
			candidates = append(candidates, a.ID)
		}
	}
	if len(candidates) == 1 {
		return candidates[0]
	}
	return ""
}

func (s *Session) log(ctx context.Context, msg string, fields map[string]any) {
	if s.c.cfg.Log != nil {
		s.c.cfg.Log(ctx, msg, fields)
	}
}
