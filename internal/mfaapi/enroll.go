package mfaapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Enrollment is a confirmed new authenticator.
type Enrollment struct {
	// ID is the new authenticator's id (the primary one: sms|…, not its voice twin).
	ID string
	// Name is Auth0's masked destination or device name, as listed after confirmation.
	Name string
	// CompanionIDs are authenticators Auth0 created with it (voice|… for sms|…, totp|… for push).
	CompanionIDs  []string
	Association   Association
	RecoveryCodes []string
	// SweptPending are stale unconfirmed authenticators deleted after this enrollment.
	SweptPending []string
	// journalToken names its journal entry until the caller calls Session.Recorded.
	journalToken string
}

// EnrollError is an enrollment that failed after something may have been created. Orphans
// are pending authenticators that could not be removed; the user's next successful enrollment
// sweeps them (see sweepStalePending).
type EnrollError struct {
	Err     error
	Orphans []string
}

func (e *EnrollError) Error() string {
	if len(e.Orphans) == 0 {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v (unconfirmed authenticators left at Auth0 that could not be removed yet: %s)", e.Err, strings.Join(e.Orphans, ", "))
}

func (e *EnrollError) Unwrap() error { return e.Err }

// Confirmer completes an association (a TOTP code, a binding code or a push approval).
type Confirmer func(ctx context.Context, mfaToken string, a *Association) (*Tokens, error)

// EnrollOTP enrolls and confirms an OTP authenticator.
func (s *Session) EnrollOTP(ctx context.Context, up StepUp) (*Enrollment, error) {
	return s.Enroll(ctx, AssociateRequest{AuthenticatorTypes: []string{"otp"}}, s.confirmOTP, up)
}

func (s *Session) confirmOTP(ctx context.Context, mfaToken string, a *Association) (*Tokens, error) {
	if a.Secret == "" {
		return nil, errors.New("Auth0's associate answer carried no OTP secret")
	}
	// Not held: a fresh secret whose two codes are refused is explained by no other sign-in.
	return s.verifyWithSecret(ctx, mfaToken, labelledSecret{secret: a.Secret}, s.c.codes.NextNew)
}

// Enroll associates an authenticator and confirms it, under the user's lock, and finds its id.
// It calls: list (what exists, and whether MFA must be passed first), [MFA], associate,
// confirm, list (the new id: the associate answer carries none). With a journal, the
// enrollment is recorded from associate until the caller calls Recorded, and factors that an
// interrupted earlier run confirmed but never handed over are deleted first.
func (s *Session) Enroll(ctx context.Context, req AssociateRequest, confirm Confirmer, up StepUp) (*Enrollment, error) {
	defer s.lock()()
	unlock, lastHolder, err := s.crossProcessLock(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting for another terraform run on this machine that enrolls a factor for the same user: %w", err)
	}
	defer unlock()
	if !lastHolder.IsZero() && !s.st.knownAt.After(lastHolder) {
		// Another process enrolled for this user since this one listed: the listing is stale.
		s.st.known = nil
	}
	before, err := s.knownOrList(ctx)
	if err != nil {
		return nil, err
	}
	if s.settleAbandoned(ctx, before, up) {
		if before, err = s.list(ctx); err != nil {
			return nil, err
		}
	}
	assoc, err := s.associate(ctx, req, &before, up)
	if err != nil {
		return nil, err
	}
	token := s.journalBegin(req, before, assoc)
	mfaToken, err := s.confirmationToken(ctx)
	var tokens *Tokens
	if err == nil {
		tokens, err = confirm(ctx, mfaToken, assoc)
		if IsAmbiguous(err) {
			tokens, err = s.settleLostConfirmation(ctx, before, req, assoc, mfaToken, confirm, err)
		}
	}
	if err != nil {
		clean, err := s.cleanUpFailed(ctx, err, before, req, assoc, up)
		if clean {
			s.journalEnd(token)
		}
		return nil, err
	}
	s.keepAccess(tokens)
	if assoc.Secret != "" {
		s.st.enrolledSecrets = append(s.st.enrolledSecrets, assoc.Secret)
	}
	// From here on a failure leaves a confirmed factor nobody stores: the journal entry stays,
	// and the user's next enrollment deletes it.
	after, err := s.list(ctx)
	if err != nil {
		return nil, fmt.Errorf("the authenticator was enrolled and confirmed, but listing it failed: %w", err)
	}
	e := &Enrollment{Association: *assoc, RecoveryCodes: assoc.RecoveryCodes, journalToken: token}
	var candidates []Authenticator
	for _, a := range added(before, after) {
		if !a.Active {
			continue
		}
		switch {
		case matches(a, req):
			candidates = append(candidates, a)
		case a.AuthenticatorType != "recovery-code":
			// Auth0 creates voice|X with sms|X and a totp with push; the recovery code
			// activated with a first factor is not a companion.
			e.CompanionIDs = append(e.CompanionIDs, a.ID)
		}
	}
	switch {
	case len(candidates) == 0:
		return nil, errors.New("the authenticator was confirmed but does not appear as active in Auth0's list")
	case len(candidates) > 1:
		// Another run (on another machine: this one holds the user's lock) enrolled the same
		// kind of factor for this user meanwhile, and the list cannot tell which is ours.
		// Guessing could store the other run's id; the journal entry (with the secret) stays.
		s.journalUpdate(token, func(f *InFlight) { f.Candidates = ids(candidates) })
		return nil, &AmbiguousEnrollmentError{Candidates: ids(candidates)}
	}
	e.ID, e.Name = candidates[0].ID, candidates[0].Name
	e.SweptPending = s.sweepStalePending(ctx, before, after, up)
	s.journalUpdate(token, func(f *InFlight) { f.ID = e.ID })
	return e, nil
}

// confirmationToken is what the confirming grant sends as its mfa_token: the login's
// mfa_token or, when the tenant minted an access token without a challenge (MFA policy
// "never" and a user with no factor yet), that access token. Auth0 accepts it there and
// confirms the association (COMM thread 64112, "Malformed mfa_token message when trying to
// challenge an user with MFA"; DOCS-V2 "Manage Authenticator Factors using MFA API": such a
// user's MFA-audience token "is minted and the user not issued a challenge").
func (s *Session) confirmationToken(ctx context.Context) (string, error) {
	if s.st.mfaToken == "" {
		// No mfa_token: the login was answered with an access token (policy "never", a user
		// without a factor). Asking mfaToken would log in again for nothing (the request floor).
		if a := s.cachedAccess(); a != "" {
			return a, nil
		}
	}
	tok, err := s.mfaToken(ctx)
	if err != nil || tok != "" {
		return tok, err
	}
	if a := s.cachedAccess(); a != "" {
		return a, nil
	}
	return "", errors.New("Auth0 issued neither an mfa_token nor an access token for the MFA audience, so the new factor cannot be confirmed")
}

// associate picks the bearer Auth0 wants and never repeats an associate blindly: after an
// answer that may hide a success it looks at the tenant, and repeats only if nothing appeared.
func (s *Session) associate(ctx context.Context, req AssociateRequest, before *[]Authenticator, up StepUp) (*Association, error) {
	needMFA := hasEnrolledFactor(*before)
	for attempt := 0; ; attempt++ {
		bearer, err := s.enrollBearer(ctx, needMFA, up)
		if err != nil {
			return nil, err
		}
		sentAt := s.c.now()
		assoc, err := s.c.Associate(ctx, bearer, req)
		switch {
		case err == nil:
			assoc.SentAt = sentAt
			return assoc, nil
		case attempt >= 2:
			return nil, err
		case IsAlreadyEnrolled(err) && !needMFA:
			// A factor was confirmed since we listed: pass MFA and go on.
			needMFA = true
		case IsTokenRejected(err):
			s.forget()
		case IsAmbiguous(err):
			// The answer was lost: Auth0 may have created a pending factor whose secret or
			// oob_code nobody has. Remove it (possible when MFA can be passed) and associate
			// again; one that cannot be removed yet (a first factor) is swept right after this
			// enrollment's confirmation, because it now counts as pending before it.
			now, lerr := s.list(ctx)
			if lerr != nil {
				return nil, fmt.Errorf("%w (and the tenant could not be checked afterwards: %v)", err, lerr)
			}
			if pending := newPending(*before, now, req); len(pending) > 0 && needMFA {
				if left := s.deleteAll(ctx, pending, up); len(left) > 0 {
					return nil, &EnrollError{Err: err, Orphans: left}
				}
			}
			*before = now
		default:
			return nil, err
		}
	}
}

func (s *Session) enrollBearer(ctx context.Context, needMFA bool, up StepUp) (string, error) {
	if needMFA {
		return s.accessToken(ctx, up)
	}
	if a := s.cachedAccess(); a != "" {
		return a, nil
	}
	tok, err := s.mfaToken(ctx)
	if err != nil || tok != "" {
		return tok, err
	}
	return s.cachedAccess(), nil
}

// settleLostConfirmation follows a confirmation whose answer was lost (a dropped connection, a
// 5xx): the tenant may or may not have activated the factor. The list tells: a new factor of
// the kind that is active is this run's success (its recovery code, if any, came with the
// associate answer); one still pending was not confirmed, so it is confirmed again, once, with
// a fresh code. Anything else leaves the original error to the clean-up.
func (s *Session) settleLostConfirmation(ctx context.Context, before []Authenticator, req AssociateRequest, assoc *Association,
	mfaToken string, confirm Confirmer, cause error) (*Tokens, error) {
	now, err := s.list(ctx)
	if err != nil {
		return nil, cause
	}
	var active, pending int
	for _, a := range added(before, now) {
		if matches(a, req) {
			if a.Active {
				active++
			} else {
				pending++
			}
		}
	}
	switch {
	case active == 1 && pending == 0:
		s.log(ctx, "a confirmation's answer was lost, but Auth0 lists the factor as active", map[string]any{"endpoint": endpointToken})
		return nil, nil
	case active == 0 && pending == 1:
		return confirm(ctx, mfaToken, assoc)
	}
	return nil, cause
}

// cleanupBudget bounds the clean-up after a failed enrollment. It runs on its own context: the
// failure is often the caller's deadline (a create timeout), which must not also stop the
// clean-up and orphan the pending factor.
const cleanupBudget = 30 * time.Second

// cleanUpFailed removes what a failed enrollment left behind, so nothing is orphaned: the
// pending enrollment, and after a confirmation whose answer was lost (the factor may be active)
// the new active factor too, passing MFA with the association's own secret if need be. New
// factors of the kind are ours: the user's lock is held since the listing before. It reports
// whether nothing is left.
func (s *Session) cleanUpFailed(ctx context.Context, cause error, before []Authenticator, req AssociateRequest, assoc *Association, up StepUp) (clean bool, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupBudget)
	defer cancel()
	now, err := s.list(ctx)
	if err != nil {
		return false, &EnrollError{Err: fmt.Errorf("%w (the tenant could not be checked for a pending enrollment: %v)", cause, err)}
	}
	var leftovers []string
	for _, a := range added(before, now) {
		if matches(a, req) && (!a.Active || IsAmbiguous(cause)) {
			leftovers = append(leftovers, a.ID)
		}
	}
	if len(leftovers) == 0 {
		return true, cause
	}
	if assoc.Secret != "" {
		up.OTPSecrets = append(up.OTPSecrets, assoc.Secret)
	}
	err = s.removeOrphans(ctx, cause, leftovers, up)
	var ee *EnrollError
	return !errors.As(err, &ee), err
}

func (s *Session) removeOrphans(ctx context.Context, cause error, ids []string, up StepUp) error {
	left := s.deleteAll(ctx, ids, up)
	if len(left) == 0 {
		return cause
	}
	return &EnrollError{Err: cause, Orphans: left}
}

// deleteAll deletes ids (404 counts as done) and returns those it could not delete. Without
// an active factor there is no way to get the token DELETE needs; those stay for later.
func (s *Session) deleteAll(ctx context.Context, ids []string, up StepUp) []string {
	var left []string
	for i, id := range ids {
		if err := s.delete(ctx, id, up); err != nil {
			return append(left, ids[i:]...)
		}
	}
	return left
}

// sweepStalePending deletes the unconfirmed authenticators that existed before this
// enrollment began. Policy: an unconfirmed enrollment that was pending before we started is a
// leftover of an interrupted or failed enrollment (ours are confirmed under the user's lock
// before the next starts), it can never be confirmed without its oob_code or secret, and it
// counts toward Auth0's limit of 50 pending enrollments per user. The sweep runs right after a
// confirmation, when an access token is at hand, so it costs no extra login. Failures are left
// for the next enrollment.
func (s *Session) sweepStalePending(ctx context.Context, before, after []Authenticator, up StepUp) []string {
	stillPending := map[string]bool{}
	for _, a := range after {
		if !a.Active {
			stillPending[a.ID] = true
		}
	}
	var swept []string
	for _, a := range before {
		// Only what is still pending now: a factor another run confirmed meanwhile is not stale.
		if a.Active || a.AuthenticatorType == "recovery-code" || !stillPending[a.ID] {
			continue
		}
		if err := s.delete(ctx, a.ID, up); err == nil {
			swept = append(swept, a.ID)
		}
	}
	return swept
}

// AmbiguousEnrollmentError is an enrollment confirmed at Auth0 whose id cannot be told from
// another run's: two new active factors of the same kind appeared while it ran. Nothing is
// stored; the journal keeps the factor's secret, and Candidates lists the ids, one of which is
// this run's and the other another run's (which that run stores).
type AmbiguousEnrollmentError struct {
	Candidates []string
}

func (e *AmbiguousEnrollmentError) Error() string {
	return fmt.Sprintf("the factor was confirmed, but another run enrolled the same kind of factor for this user at the same "+
		"time and Auth0's list cannot tell them apart: one of %s is this run's", strings.Join(e.Candidates, ", "))
}

func ids(list []Authenticator) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

// Delete deletes an authenticator (Auth0 deletes its companion too), passing MFA as needed.
// An authenticator that is already gone counts as deleted.
//
// Only getting the access token holds the user's lock: the DELETE itself runs outside it, so
// Terraform deleting a user's OTP and SMS factors at once sends the two requests side by side
// instead of one after the other (bench/README.md: destroy). Auth0 treats concurrent
// deletes of one user's factors independently; deleting a companion that is already gone
// answers 404, which counts as deleted.
func (s *Session) Delete(ctx context.Context, id string, up StepUp) error {
	tok, mfaErr := s.deleteToken(ctx, up)
	err := mfaErr
	if mfaErr == nil {
		err = s.c.DeleteAuthenticator(ctx, tok, id)
		if IsTokenRejected(err) {
			s.dropAccess(tok)
			tok, mfaErr = s.deleteToken(ctx, up)
			if err = mfaErr; err == nil {
				err = s.c.DeleteAuthenticator(ctx, tok, id)
			}
		}
	}
	defer s.lock()()
	// A listing taken while the request was in flight may still show the factor.
	s.st.known = nil
	return s.deleteOutcome(ctx, id, err, mfaErr)
}

// deleteToken settles abandoned enrollments and returns an access token, under the user's lock.
func (s *Session) deleteToken(ctx context.Context, up StepUp) (string, error) {
	defer s.lock()()
	if len(s.abandoned()) > 0 {
		if list, err := s.list(ctx); err == nil {
			s.settleAbandoned(ctx, list, up)
		}
	}
	s.st.known = nil // Auth0 also deletes companions and maybe the recovery code: list afresh
	return s.accessToken(ctx, up)
}

// dropAccess forgets the cached tokens if tok, which the tenant rejected, is still the cached
// access token (another operation may have renewed it meanwhile).
func (s *Session) dropAccess(tok string) {
	defer s.lock()()
	if s.st.access == tok {
		s.forget()
	}
}

func (s *Session) delete(ctx context.Context, id string, up StepUp) error {
	s.st.known = nil // Auth0 also deletes companions and maybe the recovery code: list afresh
	var mfaErr error
	err := s.withFreshTokens(func() error {
		tok, err := s.accessToken(ctx, up)
		if err != nil {
			mfaErr = err
			return err
		}
		return s.c.DeleteAuthenticator(ctx, tok, id)
	})
	return s.deleteOutcome(ctx, id, err, mfaErr)
}

// deleteOutcome turns a delete's error into the result, under the user's lock: a factor that
// is already gone counts as deleted. mfaErr is the error of passing MFA, when that failed.
func (s *Session) deleteOutcome(ctx context.Context, id string, err, mfaErr error) error {
	if err == nil || IsNotFound(err) {
		return nil
	}
	if mfaErr != nil && s.gone(ctx, id) {
		// MFA could not be passed (the factor meant to pass it may be this one, already deleted
		// with its companion by a parallel delete), but there is nothing left to delete.
		return nil
	}
	return err
}

// gone reports whether the tenant positively lists no authenticator with this id.
func (s *Session) gone(ctx context.Context, id string) bool {
	list, err := s.list(ctx)
	if err != nil {
		return false
	}
	for _, a := range list {
		if a.ID == id {
			return false
		}
	}
	return true
}

// added returns the entries of after whose id is not in before.
func added(before, after []Authenticator) []Authenticator {
	known := map[string]bool{}
	for _, a := range before {
		known[a.ID] = true
	}
	var out []Authenticator
	for _, a := range after {
		if !known[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

// newPending returns the new, unconfirmed authenticators of the kind req enrolls.
func newPending(before, after []Authenticator, req AssociateRequest) []string {
	var ids []string
	for _, a := range added(before, after) {
		if !a.Active && matches(a, req) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func matches(a Authenticator, req AssociateRequest) bool {
	if len(req.AuthenticatorTypes) == 0 {
		return false
	}
	if req.AuthenticatorTypes[0] == "otp" {
		return a.AuthenticatorType == "otp"
	}
	return a.AuthenticatorType == "oob" && len(req.OOBChannels) > 0 && a.OOBChannel == req.OOBChannels[0]
}

// PushPollInterval is how often a push enrollment or challenge is polled at first; each
// slow_down adds a second, as RFC 8628 asks of device-flow clients.
var PushPollInterval = time.Second

// PollPush polls the mfa-oob grant until the push is approved, rejected or ctx ends.
func (c *Client) PollPush(ctx context.Context, mfaToken, oobCode string) (*Tokens, error) {
	interval := PushPollInterval
	for {
		t, err := c.VerifyOOB(ctx, mfaToken, oobCode, "")
		switch {
		case err == nil:
			return t, nil
		case IsSlowDown(err):
			interval += time.Second
		case !IsAuthorizationPending(err):
			return nil, err
		}
		if err := sleep(ctx, interval); err != nil {
			return nil, fmt.Errorf("the push was not approved in time: %w", err)
		}
	}
}
