package mfaapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

func TestOTPEnrollmentAndDeleteWithStepUp(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	s := c.Session(alice())
	e, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.ID, "totp|dev_") || len(e.Association.Secret) != 32 || len(e.RecoveryCodes) != 1 {
		t.Fatalf("enrollment %+v", e)
	}
	if got := activeIDs(t, tn); !got[e.ID] {
		t.Fatalf("tenant: %v", got)
	}
	list, err := s.List(ctx(t))
	if err != nil || len(list) != 2 {
		t.Fatalf("list %v %v", list, err)
	}
	if s.Logins() != 1 {
		t.Fatalf("one login serves the whole enrollment and the list; got %d", s.Logins())
	}
	// A fresh client (a new terraform run) must pass MFA with the factor's own secret to delete.
	s2 := newClient(t, tn).Session(alice())
	if err := s2.Delete(ctx(t), e.ID, mfaapi.StepUp{}); !errors.Is(err, mfaapi.ErrNoWayToPassMFA) {
		t.Fatalf("delete without a secret: %v", err)
	}
	if err := s2.Delete(ctx(t), e.ID, mfaapi.StepUp{OTPSecrets: []string{e.Association.Secret}}); err != nil {
		t.Fatal(err)
	}
	if got := activeIDs(t, tn); len(got) != 0 {
		t.Fatalf("tenant after delete: %v", got)
	}
	// Deleting what is gone is done, not an error.
	if err := s.Delete(ctx(t), e.ID, mfaapi.StepUp{}); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestSecondFactorStepsUpWithLoginSecret(t *testing.T) {
	tn := newTenant(t)
	first, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	l := alice()
	s := newClient(t, tn).Session(l)
	if _, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{}); !errors.Is(err, mfaapi.ErrNoWayToPassMFA) {
		t.Fatalf("without a secret: %v", err)
	}
	l.OTPSecret = first.Association.Secret
	c := newClient(t, tn)
	second, err := c.Session(l).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID || len(second.RecoveryCodes) != 0 {
		t.Fatalf("second %+v", second)
	}
	if got := activeIDs(t, tn); !got[first.ID] || !got[second.ID] {
		t.Fatalf("tenant %v", got)
	}
	if c.TOTPWaits() != 0 {
		t.Fatalf("no TOTP window waits expected, got %d", c.TOTPWaits())
	}
}

func TestOOBEnrollmentThroughTheOutbox(t *testing.T) {
	for _, tc := range []struct {
		channel, dest string
		req           mfaapi.AssociateRequest
		companions    int
	}{
		{"sms", "+15551239001", mfaapi.AssociateRequest{PhoneNumber: "+15551239001"}, 1},
		{"voice", "+15551239002", mfaapi.AssociateRequest{PhoneNumber: "+15551239002"}, 1},
		{"email", emutest.Username, mfaapi.AssociateRequest{}, 0},
	} {
		t.Run(tc.channel, func(t *testing.T) {
			tn := newTenant(t)
			c := newClient(t, tn)
			req := tc.req
			req.AuthenticatorTypes, req.OOBChannels = []string{"oob"}, []string{tc.channel}
			confirm := func(ctx context.Context, mfaToken string, a *mfaapi.Association) (*mfaapi.Tokens, error) {
				msgs := tn.Outbox(tc.dest)
				if len(msgs) == 0 {
					return nil, errors.New("nothing in the outbox")
				}
				return c.VerifyOOB(ctx, mfaToken, a.OOBCode, msgs[len(msgs)-1].Code)
			}
			e, err := c.Session(alice()).Enroll(ctx(t), req, confirm, mfaapi.StepUp{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.ID, tc.channel+"|") || len(e.CompanionIDs) != tc.companions || e.Name == "" {
				t.Fatalf("enrollment %+v", e)
			}
			// One login, one list before and one after, one associate, one confirmation.
			st := tn.Stats()
			if st["GET /mfa/authenticators"] != 2 || st["POST /oauth/token"] != 2 || st["POST /mfa/associate"] != 1 {
				t.Fatalf("requests: %v", st)
			}
		})
	}
}

func TestPushEnrollmentByApproval(t *testing.T) {
	tn := newTenant(t, emulator.WithPushPollInterval(0))
	c := newClient(t, tn)
	confirm := func(ctx context.Context, mfaToken string, a *mfaapi.Association) (*mfaapi.Tokens, error) {
		go func() {
			time.Sleep(300 * time.Millisecond)
			_ = tn.AnswerPush(emutest.Username, true)
		}()
		return c.PollPush(ctx, mfaToken, a.OOBCode)
	}
	req := mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"auth0"}}
	e, err := c.Session(alice()).Enroll(ctx(t), req, confirm, mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.ID, "push|") || len(e.CompanionIDs) != 1 || !strings.HasPrefix(e.CompanionIDs[0], "totp|") {
		t.Fatalf("push enrollment %+v", e)
	}
}

func TestRejectedPushLeavesNothingBehind(t *testing.T) {
	tn := newTenant(t, emulator.WithPushPollInterval(0))
	c := newClient(t, tn)
	confirm := func(ctx context.Context, mfaToken string, a *mfaapi.Association) (*mfaapi.Tokens, error) {
		_ = tn.AnswerPush(emutest.Username, false)
		return c.PollPush(ctx, mfaToken, a.OOBCode)
	}
	req := mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"auth0"}}
	_, err := c.Session(alice()).Enroll(ctx(t), req, confirm, mfaapi.StepUp{})
	if !mfaapi.IsPushRejected(err) {
		t.Fatalf("want a rejected push, got %v", err)
	}
	// A first factor cannot be deleted (no factor to pass MFA with): the orphan is reported.
	var ee *mfaapi.EnrollError
	if !errors.As(err, &ee) || len(ee.Orphans) != 1 || !strings.HasPrefix(ee.Orphans[0], "push|") {
		t.Fatalf("the pending push must be reported as an orphan: %v", err)
	}
}

func TestFailedConfirmationIsCleanedUpWhenMFACanBePassed(t *testing.T) {
	tn := newTenant(t)
	first, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	l := alice()
	l.OTPSecret = first.Association.Secret
	c := newClient(t, tn)
	req := mfaapi.AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"sms"}, PhoneNumber: "+15551239003"}
	wrongCode := func(ctx context.Context, mfaToken string, a *mfaapi.Association) (*mfaapi.Tokens, error) {
		return c.VerifyOOB(ctx, mfaToken, a.OOBCode, "000000")
	}
	_, err = c.Session(l).Enroll(ctx(t), req, wrongCode, mfaapi.StepUp{})
	if !mfaapi.IsInvalidGrant(err) || !strings.Contains(err.Error(), "Invalid binding_code.") {
		t.Fatalf("want Auth0's invalid binding code, got %v", err)
	}
	var ee *mfaapi.EnrollError
	if errors.As(err, &ee) && len(ee.Orphans) > 0 {
		t.Fatalf("the pending sms should have been deleted: %v", ee.Orphans)
	}
	list, _ := tn.Authenticators(emutest.Username)
	for _, a := range list {
		if !a.Active {
			t.Fatalf("pending left behind: %+v", a)
		}
	}
}

func TestRecoveryCodePassesMFAAndRotates(t *testing.T) {
	tn := newTenant(t)
	first, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	var rotated string
	up := mfaapi.StepUp{RecoveryCode: first.RecoveryCodes[0], OnRecoveryCode: func(c string) { rotated = c }}
	if err := newClient(t, tn).Session(alice()).Delete(ctx(t), first.ID, up); err != nil {
		t.Fatal(err)
	}
	if len(rotated) != 24 || rotated == first.RecoveryCodes[0] {
		t.Fatalf("rotated %q", rotated)
	}
}

func TestExpiredTokensAreRenewed(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	s := c.Session(alice())
	e, err := s.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	// The tenant's clock runs 11 minutes ahead: every cached token is now expired there.
	tn.AdvanceClock(11 * time.Minute)
	if _, err := s.List(ctx(t)); err != nil {
		t.Fatalf("list after expiry: %v", err)
	}
	if s.Logins() != 2 {
		t.Fatalf("expected one renewal login, got %d logins", s.Logins())
	}
	// A client whose clock follows the tenant's (as a real one does) renews before expiry and
	// computes codes for the tenant's time.
	c2 := newClient(t, tn, func(cfg *mfaapi.Config) { cfg.Now = tn.Now })
	s2 := c2.Session(alice())
	if _, err := s2.List(ctx(t)); err != nil {
		t.Fatal(err)
	}
	tn.AdvanceClock(11 * time.Minute)
	if err := s2.Delete(ctx(t), e.ID, mfaapi.StepUp{OTPSecrets: []string{e.Association.Secret}}); err != nil {
		t.Fatalf("delete after expiry: %v", err)
	}
	if s2.Logins() != 2 || c2.TOTPWaits() != 0 {
		t.Fatalf("logins %d, waits %d", s2.Logins(), c2.TOTPWaits())
	}
}

func TestPasswordChangeDropsCachedTokens(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	if _, err := c.Session(alice()).List(ctx(t)); err != nil {
		t.Fatal(err)
	}
	l := alice()
	l.Password = "not-the-password"
	_, err := c.Session(l).List(ctx(t))
	if !mfaapi.IsWrongCredentials(err) {
		t.Fatalf("a changed password must be used at once: %v", err)
	}
}

func TestParallelUsersAndOneUserSerialised(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("p%d@example.com", i)
		if err := tn.AddUser(emulator.UserConfig{Username: name, Password: "pw-123456"}); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Session(mfaapi.Login{Username: name, Password: "pw-123456"}).EnrollOTP(ctx(t), mfaapi.StepUp{})
			errs <- err
		}()
	}
	// Three enrollments of one user at once: the first is the first factor, the others need
	// step-up with its secret, which they can only get after it finished.
	first, err := c.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	l := alice()
	l.OTPSecret = first.Association.Secret
	ids := make(chan string, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := c.Session(l).EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err == nil {
				ids <- e.ID
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 3 || len(activeIDs(t, tn)) != 5 { // 4 totp + recovery code
		t.Fatalf("distinct ids %v; tenant %v", seen, activeIDs(t, tn))
	}
}

func TestCodeFromStateSecretLogsIn(t *testing.T) {
	tn := newTenant(t)
	e, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, tn)
	tn.AdvanceClock(30 * time.Second) // a step the enrollment cannot have used
	mfaToken := tn.MFAToken(t, emutest.Username, emutest.Password)
	code, _ := totp.Code(e.Association.Secret, tn.Now())
	if _, err := c.VerifyOTP(ctx(t), mfaToken, code); err != nil {
		t.Fatalf("a code computed from the enrolled secret must log in: %v", err)
	}
}

// A refresh reads every resource of a user; however many there are, and whether they come
// at once or one after another, the user costs one login and one list.
func TestSnapshotCostsOneLoginAndOneListPerUser(t *testing.T) {
	tn := newTenant(t)
	setup := newClient(t, tn).Session(alice())
	first, err := setup.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	login := alice()
	login.OTPSecret = first.Association.Secret
	if _, err := newClient(t, tn).Session(login).EnrollOTP(ctx(t), mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	before := tn.Stats()
	c := newClient(t, tn) // a new provider process: nothing cached
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Session(alice()).Snapshot(ctx(t)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := c.Session(alice()).Snapshot(ctx(t)); err != nil {
		t.Fatal(err)
	}
	after := tn.Stats()
	if logins, lists := after["POST /oauth/token"]-before["POST /oauth/token"], after["GET /mfa/authenticators"]-before["GET /mfa/authenticators"]; logins != 1 || lists != 1 {
		t.Fatalf("seven reads of one user cost %d token requests and %d lists, want 1 and 1", logins, lists)
	}
	// A delete makes the next read ask the tenant again.
	if err := c.Session(login).Delete(ctx(t), first.ID, mfaapi.StepUp{}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Session(alice()).Snapshot(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.ID == first.ID {
			t.Fatal("a read after a delete returned the listing from before it")
		}
	}
}
