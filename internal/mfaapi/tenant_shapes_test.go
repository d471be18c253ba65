package mfaapi_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// Under policy "never" the first factor's confirmation uses the access token Auth0 minted
// without a challenge; under "always", the mfa_token. Either way the factor is active.
func TestFirstFactorUnderEachPolicy(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			tn := emutest.Start(t, emutest.ConfigWithPolicy(policy))
			c := newClient(t, tn)
			e, err := c.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err != nil {
				t.Fatal(err)
			}
			sms, err := c.Session(alice()).EnrollOOB(ctx(t), mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"},
				OOBChannels: []string{"sms"}, PhoneNumber: "+15551230001"}, outboxFetcher(tn, "+15551230001"), mfaapi.StepUp{OTPSecrets: []string{e.Association.Secret}})
			if err != nil {
				t.Fatal(err)
			}
			list, _ := tn.Authenticators(emutest.Username)
			active := map[string]bool{}
			for _, a := range list {
				active[a.ID] = a.Active
			}
			if !active[e.ID] || !active[sms.ID] || len(e.RecoveryCodes) != 1 {
				t.Fatalf("otp %s, sms %s, recovery %v; tenant %+v", e.ID, sms.ID, e.RecoveryCodes, list)
			}
		})
	}
}

func outboxFetcher(tn *emutest.Tenant, to string) mfaapi.BindingCodeFetcher {
	return func(context.Context, time.Time) (string, error) {
		msgs := tn.Outbox(to)
		if len(msgs) == 0 {
			return "", errors.New("no message yet")
		}
		return msgs[len(msgs)-1].Code, nil
	}
}

// A wrong login.otp_secret costs at most the two codes Auth0 could accept, and the error
// names the attribute; the provider does not go on to another way of passing MFA.
func TestWrongOTPSecretStopsAtOnce(t *testing.T) {
	tn := newTenant(t)
	first, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	wrong := alice()
	wrong.OTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	before := tn.Stats()["POST /oauth/token"]
	err = newClient(t, tn).Session(wrong).Delete(ctx(t), first.ID, mfaapi.StepUp{OTPSecrets: []string{first.Association.Secret}})
	var refused *mfaapi.CodeRefusedError
	if !errors.As(err, &refused) || refused.Source != "login.otp_secret" {
		t.Fatalf("want a refused code of login.otp_secret, got %v", err)
	}
	if sent := tn.Stats()["POST /oauth/token"] - before; sent > 3 { // one login, at most two codes
		t.Fatalf("%d token requests: a wrong secret must cost at most two codes", sent)
	}
	if st, _ := tn.Blocks(emutest.Username); st.MFALocked {
		t.Fatal("MFA locked")
	}
	list, _ := tn.Authenticators(emutest.Username)
	kept := false
	for _, a := range list {
		kept = kept || a.ID == first.ID
	}
	if !kept {
		t.Fatal("the factor was deleted with the resource's own secret after login.otp_secret was refused")
	}
}

// A refused password is not sent again by the same process (every wrong one brings the user
// closer to a brute-force block).
func TestRefusedPasswordIsNotResent(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	bad := alice()
	bad.Password = "typo"
	before := tn.Stats()["POST /oauth/token"]
	for i := 0; i < 5; i++ {
		if _, err := c.Session(bad).List(ctx(t)); !mfaapi.IsWrongCredentials(err) {
			t.Fatalf("want wrong credentials, got %v", err)
		}
	}
	if sent := tn.Stats()["POST /oauth/token"] - before; sent != 1 {
		t.Fatalf("a refused password was sent %d times", sent)
	}
	if _, err := c.Session(alice()).List(ctx(t)); err != nil {
		t.Fatalf("the right password must still be tried: %v", err)
	}
}

// Brute-force protection and a tenant without a Default Directory are reported as what they
// are, each after a single request.
func TestProtectionsAreRecognisedAndNotRetried(t *testing.T) {
	tn := newTenant(t)
	for i := 0; i < 10; i++ {
		tn.Do(t, "POST", "/oauth/token", emutest.ClientForm("grant_type", "password", "username", emutest.Username, "password", "wrong"))
	}
	before := tn.Stats()["POST /oauth/token"]
	_, err := newClient(t, tn).Session(alice()).List(ctx(t))
	if !mfaapi.IsBruteForceBlocked(err) || tn.Stats()["POST /oauth/token"]-before != 1 {
		t.Fatalf("want one request answered by brute-force protection, got %v", err)
	}

	cfg := emutest.Config()
	none := ""
	cfg.DefaultDirectory = &none
	tn2 := emutest.Start(t, cfg)
	_, err = newClient(t, tn2).Session(alice()).List(ctx(t))
	if !mfaapi.IsNoDefaultDirectory(err) || tn2.Stats()["POST /oauth/token"] != 1 {
		t.Fatalf("want one request answered 'no default connection', got %v (%d requests)", err, tn2.Stats()["POST /oauth/token"])
	}
	realm := alice()
	realm.Realm = emulator.DefaultConnection
	if _, err := newClient(t, tn2).Session(realm).List(ctx(t)); err != nil {
		t.Fatalf("with a realm: %v", err)
	}
}

// Two runs on different machines (no shared lock, no shared record of TOTP steps) that
// confirm a factor of the same kind for one user at the same moment: a run that cannot tell its
// factor from the other's refuses to guess and names both; a run that can (the other's factor
// was already pending when it listed) stores its own. Never do both store one id.
func TestConcurrentEnrollmentsOnTwoMachinesNeverGuess(t *testing.T) {
	tn := newTenant(t)
	// Each machine passes MFA with a factor of its own, so that their step-up codes do not
	// collide (that case is TestWrongOTPSecretStopsAtOnce's and the error's advice).
	setup := newClient(t, tn)
	first, err := setup.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	withFirst := alice()
	withFirst.OTPSecret = first.Association.Secret
	second, err := setup.Session(withFirst).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	logins := []mfaapi.Login{withFirst, alice()}
	logins[1].OTPSecret = second.Association.Secret
	var associated, confirmed sync.WaitGroup
	associated.Add(2)
	confirmed.Add(2)
	bothPending, bothConfirmed := make(chan struct{}), make(chan struct{})
	go func() { associated.Wait(); close(bothPending) }()
	go func() { confirmed.Wait(); close(bothConfirmed) }()
	ids, errs := make([]string, 2), make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once, confirmOnce sync.Once
			defer once.Do(associated.Done) // a run that fails before confirming releases the other
			defer confirmOnce.Do(confirmed.Done)
			c := newClient(t, tn, func(cfg *mfaapi.Config) { cfg.TOTPStore = totp.DirStore{Dir: t.TempDir()} })
			confirm := func(ctx context.Context, mfaToken string, a *mfaapi.Association) (*mfaapi.Tokens, error) {
				once.Do(associated.Done)
				select { // both factors are pending before either is confirmed
				case <-bothPending:
				case <-time.After(30 * time.Second):
					return nil, errors.New("the other run never associated")
				}
				code, _ := totp.Code(a.Secret, tn.Now())
				tokens, err := c.VerifyOTP(ctx, mfaToken, code)
				// Both factors are active before either run lists them: the run that
				// associated first did not see the other's factor before, so it cannot tell
				// the two new active factors apart (without this wait, one run may list
				// before the other confirms, and then both are right to choose).
				confirmOnce.Do(confirmed.Done)
				select {
				case <-bothConfirmed:
				case <-time.After(30 * time.Second):
					return nil, errors.New("the other run never confirmed")
				}
				return tokens, err
			}
			var e *mfaapi.Enrollment
			e, errs[i] = c.Session(logins[i]).Enroll(ctx(t), mfaapi.AssociateRequest{AuthenticatorTypes: []string{"otp"}}, confirm, mfaapi.StepUp{})
			if e != nil {
				ids[i] = e.ID
			}
		}()
	}
	wg.Wait()
	ambiguous := 0
	for i, err := range errs {
		var amb *mfaapi.AmbiguousEnrollmentError
		switch {
		case err == nil:
		case errors.As(err, &amb) && len(amb.Candidates) == 2:
			ambiguous++
		default:
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if ambiguous == 0 {
		t.Fatalf("both runs chose an id (%v) although one could not tell its factor from the other's", ids)
	}
	if ids[0] != "" && ids[0] == ids[1] {
		t.Fatalf("both runs stored %s", ids[0])
	}
}

// Two runs on one machine (a shared lock directory) enrolling for the same user at once each
// store their own factor.
func TestConcurrentEnrollmentsOnOneMachineGetTheirOwnIDs(t *testing.T) {
	tn := newTenant(t)
	first, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	login := alice()
	login.OTPSecret = first.Association.Secret
	lockDir := t.TempDir()
	ids := make([]string, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, tn, func(cfg *mfaapi.Config) { cfg.LockDir = lockDir })
			e, err := c.Session(login).EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = e.ID
		}()
	}
	wg.Wait()
	if ids[0] == "" || ids[0] == ids[1] {
		t.Fatalf("ids %v", ids)
	}
	list, _ := tn.Authenticators(emutest.Username)
	var otp []string
	for _, a := range list {
		if a.AuthenticatorType == "otp" {
			otp = append(otp, a.ID)
		}
	}
	if !slices.Equal(sorted(otp), sorted([]string{first.ID, ids[0], ids[1]})) {
		t.Fatalf("tenant holds %v, runs stored %v and %s", otp, ids, first.ID)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// An operation that had to wait for a new TOTP window says how long (the provider turns it
// into a warning that names the reason).
func TestWaitForANewWindowIsReported(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	e, err := c.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	other := newClient(t, tn) // another run on this machine used both codes Auth0 accepts now
	for range 2 {
		if _, _, err := other.Codes().Next(e.Association.Secret); err != nil {
			t.Fatal(err)
		}
	}
	login := alice()
	login.OTPSecret = e.Association.Secret
	s := newClient(t, tn).Session(login) // a later run: nothing cached
	if err := s.Delete(ctx(t), e.ID, mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	if s.Waited() <= 0 || s.Waited() > 31*time.Second {
		t.Fatalf("waited %s", s.Waited())
	}
}

// The user lock costs no request in a single run: a process's second enrollment for a user
// reuses its own listing (the lock's last holder was itself). A listing older than another
// process's enrollment is renewed.
func TestUserLockKeepsSingleRunRequestCounts(t *testing.T) {
	tn := newTenant(t)
	lockDir := t.TempDir()
	withLock := func(cfg *mfaapi.Config) { cfg.LockDir = lockDir }
	c := newClient(t, tn, withLock)
	first, err := c.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	before := tn.Stats()["GET /mfa/authenticators"]
	login := alice()
	login.OTPSecret = first.Association.Secret
	if _, err := c.Session(login).EnrollOTP(ctx(t), mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	if lists := tn.Stats()["GET /mfa/authenticators"] - before; lists != 1 {
		t.Fatalf("a second enrollment in the same process listed %d times, want 1 (after confirming)", lists)
	}
}

// A tenant whose clock is an hour ahead refuses the codes of a right secret: the refusal
// carries the skew that Auth0's Date header shows, so the error can name the machine's clock.
func TestClockSkewComesWithTheRefusal(t *testing.T) {
	tn := newTenant(t)
	tn.AdvanceClock(time.Hour)
	_, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	var refused *mfaapi.CodeRefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("want a refused code, got %v", err)
	}
	if refused.ClockSkew < 59*time.Minute || refused.ClockSkew > 61*time.Minute {
		t.Fatalf("skew %v, want about an hour", refused.ClockSkew)
	}
}
