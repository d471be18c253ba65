package mfaapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// memJournal is a Journal shared by the clients of one test (each client stands for one
// provider process).
type memJournal map[string][]mfaapi.InFlight

func (m memJournal) Load(user string) []mfaapi.InFlight {
	return append([]mfaapi.InFlight(nil), m[user]...)
}
func (m memJournal) Save(user string, entries []mfaapi.InFlight) { m[user] = entries }

func (m memJournal) count() int {
	n := 0
	for _, e := range m {
		n += len(e)
	}
	return n
}

func withJournal(j mfaapi.Journal) func(*mfaapi.Config) {
	return func(c *mfaapi.Config) { c.Journal = j }
}

func TestRecordedEnrollmentLeavesNoJournalEntry(t *testing.T) {
	tn := newTenant(t)
	j := memJournal{}
	s := newClient(t, tn, withJournal(j)).Session(alice())
	e, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	if j.count() != 1 {
		t.Fatalf("an enrollment not yet recorded must be journalled: %+v", j)
	}
	for _, entries := range j {
		if entries[0].ID != e.ID || entries[0].Secret != e.Association.Secret {
			t.Fatalf("the entry must name the factor and keep its secret: %+v", entries[0])
		}
	}
	s.Recorded(e)
	if j.count() != 0 {
		t.Fatalf("a recorded enrollment must leave the journal: %+v", j)
	}
}

// A process died after confirming the user's first OTP factor, before its caller stored it:
// the next process passes MFA with the journalled secret, deletes that factor and enrolls.
func TestNextProcessDeletesTheFactorADeadProcessConfirmed(t *testing.T) {
	for _, idKnown := range []bool{true, false} {
		t.Run(map[bool]string{true: "id known", false: "died before the id was listed"}[idKnown], func(t *testing.T) {
			tn := newTenant(t)
			j := memJournal{}
			dead, err := newClient(t, tn, withJournal(j)).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err != nil {
				t.Fatal(err)
			}
			if !idKnown {
				for user := range j {
					j[user][0].ID = ""
				}
			}
			next := newClient(t, tn, withJournal(j)).Session(alice())
			e, err := next.EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err != nil {
				t.Fatal(err)
			}
			next.Recorded(e)
			ids := activeIDs(t, tn)
			if _, ok := ids[dead.ID]; ok || !ids[e.ID] || len(ids) != 2 {
				t.Fatalf("want the new factor and its recovery code only, the orphan %s gone: %v", dead.ID, ids)
			}
			if j.count() != 0 {
				t.Fatalf("the settled entry must leave the journal: %+v", j)
			}
		})
	}
}

// Two new OTP factors since the entry's listing: the orphan cannot be told apart from a
// factor Terraform may know, so nothing is deleted.
func TestAmbiguousOrphanIsNeverDeletedOnAGuess(t *testing.T) {
	tn := newTenant(t)
	j := memJournal{}
	first, err := newClient(t, tn, withJournal(j)).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	for user := range j {
		j[user][0].ID = ""
	}
	other := newClient(t, tn) // another workspace, without this journal
	second, err := other.Session(mfaapi.Login{Username: alice().Username, Password: alice().Password, OTPSecret: first.Association.Secret}).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	next := newClient(t, tn, withJournal(j)).Session(alice())
	if _, err := next.List(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := next.Delete(ctx(t), "totp|none", mfaapi.StepUp{OTPSecrets: []string{second.Association.Secret}}); err != nil {
		t.Fatal(err)
	}
	ids := activeIDs(t, tn)
	if !ids[first.ID] || !ids[second.ID] {
		t.Fatalf("no factor may be deleted on a guess: %v", ids)
	}
	if j.count() != 0 {
		t.Fatalf("the undecidable entry must be dropped: %+v", j)
	}
}

// Enrollments this process has in flight are not abandoned: a user's second enrollment must
// not delete the first before its caller stored it.
func TestOwnInFlightEnrollmentIsNotSettled(t *testing.T) {
	tn := newTenant(t)
	j := memJournal{}
	s := newClient(t, tn, withJournal(j)).Session(alice())
	first, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	if ids := activeIDs(t, tn); !ids[first.ID] || !ids[second.ID] {
		t.Fatalf("a live enrollment was deleted: %v", ids)
	}
}

// The confirmation's answer is lost after Auth0 activated the factor: the next code of the
// same secret settles it (Auth0 accepts it from the now active factor), so the enrollment
// succeeds with the factor's id and recovery code, and nothing else is left at the tenant.
func TestLostConfirmationAnswerIsSettled(t *testing.T) {
	tn := newTenant(t)
	j := memJournal{}
	// The first token call is the login, the second the confirmation.
	tn.InjectFault(emulator.Fault{Endpoint: "POST /oauth/token", Skip: 1, Drop: true, After: true})
	e, err := newClient(t, tn, withJournal(j)).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatalf("the enrollment failed on one lost answer: %v", err)
	}
	if tn.PendingFaults() != 0 {
		t.Fatal("the fault was never hit")
	}
	if len(e.RecoveryCodes) == 0 {
		t.Fatal("the first factor's recovery code was lost with the answer")
	}
	assertOnlyActive(t, tn, e.ID)
	if j.count() != 1 {
		t.Fatalf("the enrollment stays journalled until the caller stores it: %+v", j)
	}
}

// An out-of-band confirmation whose answer is lost is settled by the list: the factor is
// active, so the enrollment succeeds without sending the binding code again.
func TestLostOOBConfirmationAnswerIsSettledByTheList(t *testing.T) {
	tn := newTenant(t)
	tn.InjectFault(emulator.Fault{Endpoint: "POST /oauth/token", Skip: 1, Drop: true, After: true})
	e, err := newClient(t, tn).Session(alice()).EnrollOOB(ctx(t), mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"},
		OOBChannels: []string{"sms"}, PhoneNumber: "+15551230077"}, outboxFetcher(tn, "+15551230077"), mfaapi.StepUp{})
	if err != nil {
		t.Fatalf("the enrollment failed on one lost answer: %v", err)
	}
	assertOnlyActive(t, tn, e.ID)
}

func TestDirJournalKeepsFilesPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in-flight")
	j := mfaapi.DirJournal{Dir: dir}
	j.Save("user", []mfaapi.InFlight{{Token: "t", Secret: "S"}})
	got := j.Load("user")
	if len(got) != 1 || got[0].Secret != "S" {
		t.Fatalf("round trip: %+v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("want one file: %v", files)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, files[0]: 0o600} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Fatalf("%s: mode %v, want %v (%v)", path, st.Mode().Perm(), want, err)
		}
	}
	if filepath.Base(files[0]) == "user.json" {
		t.Fatal("the file name must not reveal the user")
	}
	j.Save("user", nil)
	if files, _ = filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("an empty journal must leave no file: %v", files)
	}
}
