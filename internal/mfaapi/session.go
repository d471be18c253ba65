package mfaapi

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Token lifetimes the session trusts. Access tokens for the MFA audience live 600 s; the
// mfa_token's lifetime is disputed (10 minutes per Auth0 staff, "five minutes between factors"
// per a support article, open question 11), so we keep it for 4 minutes. Both are renewed a
// margin before they end, and any token the tenant rejects is dropped and renewed once.
const (
	mfaTokenTTL = 4 * time.Minute
	tokenMargin = 30 * time.Second
)

// Login identifies a user and the factors the provider may use to pass MFA for it.
type Login struct {
	Username string
	Password string
	Realm    string // empty: the password grant with the tenant's default directory
	// OTPSecret, when set, passes MFA with a TOTP code.
	OTPSecret string
}

// StepUp lists extra ways to pass MFA for one operation, tried after Login.OTPSecret.
type StepUp struct {
	// OTPSecrets are secrets of the user's OTP factors (a resource's own secret).
	OTPSecrets []string
	// OOB passes MFA with an out-of-band factor: it challenges and confirms with the given
	// mfa_token and returns the tokens.
	OOB func(ctx context.Context, mfaToken string) (*Tokens, error)
	// RecoveryCode is the last resort; it is single-use and rotates (the new one is reported
	// through OnRecoveryCode).
	RecoveryCode   string
	OnRecoveryCode func(newCode string)
}

// ErrNoWayToPassMFA means the user has an active factor and nothing was given to pass it. The
// error returned is a *NoWayToPassMFAError, which says what the user has; errors.Is matches it.
var ErrNoWayToPassMFA = errors.New("Auth0 requires MFA and no way to pass it was given")

// userState is what the client remembers of one user; mu serialises the user's work.
type userState struct {
	mu           sync.Mutex
	passwordHash [32]byte
	mfaToken     string
	mfaTokenExp  time.Time
	access       string
	accessExp    time.Time
	logins       int64
	// refused is Auth0's answer to the last password it would not take (wrong, or a user
	// blocked by brute-force protection), kept with that password's hash: the same password is
	// never sent again by this process, since every wrong one brings the user closer to a block.
	refused     error
	refusedHash [32]byte
	// enrolledSecrets are secrets of OTP factors this process enrolled for the user; they pass
	// MFA for later operations of the same run when nothing else is given.
	enrolledSecrets []string
	// known is the user's list as this process last saw it, with knownAt; Snapshot and the
	// next enrollment reuse it (see listCacheTTL). Deletes drop it.
	known   []Authenticator
	knownAt time.Time
}

// Session is a handle on one user's state. Different users' sessions run in parallel; one
// user's operations run one at a time.
type Session struct {
	c     *Client
	login Login
	st    *userState
	// waited is this handle's own total of TOTP window waits (one handle serves one
	// Terraform operation, so it is that operation's).
	waited time.Duration
}

// Session returns the handle for login's user; the state is shared by all handles of a user.
func (c *Client) Session(l Login) *Session {
	key := strings.ToLower(l.Realm) + "\x00" + strings.ToLower(l.Username)
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.users[key]
	if st == nil {
		st = &userState{}
		c.users[key] = st
	}
	return &Session{c: c, login: l, st: st}
}

// lock takes the user's lock; a different password than the cached tokens were got with
// drops them (a rotated password must take effect at once).
func (s *Session) lock() func() {
	s.st.mu.Lock()
	h := sha256.Sum256([]byte(s.login.Password))
	if h != s.st.passwordHash {
		s.st.passwordHash = h
		s.forget()
	}
	return s.st.mu.Unlock
}

func (s *Session) forget() {
	s.st.mfaToken, s.st.access = "", ""
	s.st.known = nil
}

// Logins counts password grants made for this user (for tests and benchmarks).
func (s *Session) Logins() int64 {
	defer s.lock()()
	return s.st.logins
}

// mfaToken logs in (once per lifetime) and returns the mfa_token. If the tenant issues tokens
// without asking for MFA, the access token is cached and the mfa_token is empty.
func (s *Session) mfaToken(ctx context.Context) (string, error) {
	now := s.c.now()
	if s.st.mfaToken != "" && now.Before(s.st.mfaTokenExp.Add(-tokenMargin)) {
		return s.st.mfaToken, nil
	}
	hash := sha256.Sum256([]byte(s.login.Password))
	if s.st.refused != nil && s.st.refusedHash == hash {
		return "", s.st.refused
	}
	s.st.logins++
	tokens, err := s.c.Login(ctx, PasswordLogin{
		Username: s.login.Username, Password: s.login.Password, Realm: s.login.Realm,
		Audience: s.c.MFAAudience(), Scope: MFAScopes,
	})
	if IsWrongCredentials(err) || IsBruteForceBlocked(err) {
		s.st.refused, s.st.refusedHash = err, hash
	}
	if IsInvalidAudience(err) {
		return "", fmt.Errorf("audience %s: %w", s.c.MFAAudience(), err)
	}
	if err == nil {
		s.keepAccess(tokens)
		return "", nil
	}
	tok, ok := MFARequired(err)
	if !ok {
		return "", err
	}
	s.st.mfaToken, s.st.mfaTokenExp = tok, now.Add(mfaTokenTTL)
	return tok, nil
}

func (s *Session) keepAccess(t *Tokens) {
	if t == nil || t.AccessToken == "" {
		return
	}
	life := time.Duration(t.ExpiresIn) * time.Second
	if life <= 0 || life > 600*time.Second {
		life = 600 * time.Second
	}
	s.st.access, s.st.accessExp = t.AccessToken, s.c.now().Add(life)
}

func (s *Session) cachedAccess() string {
	if s.st.access != "" && s.c.now().Before(s.st.accessExp.Add(-tokenMargin)) {
		return s.st.access
	}
	return ""
}

// readBearer is the cheapest token that can list: a cached access token, else the mfa_token.
func (s *Session) readBearer(ctx context.Context) (string, error) {
	if a := s.cachedAccess(); a != "" {
		return a, nil
	}
	tok, err := s.mfaToken(ctx)
	if err != nil || tok != "" {
		return tok, err
	}
	return s.cachedAccess(), nil
}

// withFreshTokens runs fn and, if the tenant rejected a token, forgets them and runs it once more.
func (s *Session) withFreshTokens(fn func() error) error {
	err := fn()
	if err != nil && IsTokenRejected(err) {
		s.forget()
		err = fn()
	}
	return err
}

// List returns all of the user's authenticators (active and pending).
func (s *Session) List(ctx context.Context) ([]Authenticator, error) {
	defer s.lock()()
	return s.list(ctx)
}

func (s *Session) list(ctx context.Context) ([]Authenticator, error) {
	var out []Authenticator
	err := s.withFreshTokens(func() error {
		bearer, err := s.readBearer(ctx)
		if err != nil {
			return err
		}
		out, err = s.c.ListAuthenticators(ctx, bearer)
		return err
	})
	if err == nil {
		s.st.known, s.st.knownAt = out, s.c.now()
	}
	return out, err
}

// listCacheTTL bounds how old a listing Snapshot and an enrollment may reuse. One provider
// process serves one terraform walk (a refresh, an apply), so this is "within this walk": a
// user's N resources cost one login and one list per refresh instead of N lists, and a user's
// second enrollment starts from the first one's final listing.
const listCacheTTL = 2 * time.Minute

// Snapshot returns the user's authenticators as this process last listed them within
// listCacheTTL, or lists them. Concurrent callers for one user wait on the user's lock and
// share one listing (a single flight). Use it for reads that tolerate a listing made earlier
// in the same terraform walk; List always asks the tenant.
func (s *Session) Snapshot(ctx context.Context) ([]Authenticator, error) {
	defer s.lock()()
	return s.knownOrList(ctx)
}

func (s *Session) knownOrList(ctx context.Context) ([]Authenticator, error) {
	if s.st.known != nil && s.c.now().Sub(s.st.knownAt) < listCacheTTL {
		return s.st.known, nil
	}
	return s.list(ctx)
}

// accessToken returns an access token for the MFA audience, passing MFA when needed with
// Login.OTPSecret, then up's secrets, then its OOB passer, then its recovery code.
func (s *Session) accessToken(ctx context.Context, up StepUp) (string, error) {
	if a := s.cachedAccess(); a != "" {
		return a, nil
	}
	var tok string
	err := s.withFreshTokens(func() error {
		var err error
		tok, err = s.mfaToken(ctx)
		if err != nil || tok == "" {
			return err
		}
		t, err := s.passMFA(ctx, tok, up)
		if err != nil {
			return err
		}
		s.keepAccess(t)
		return nil
	})
	if err != nil {
		return "", err
	}
	if a := s.cachedAccess(); a != "" {
		return a, nil
	}
	return "", errors.New("Auth0 issued no access token for the MFA audience")
}

// ErrMFANotRequired means Auth0 signed the user in without asking for MFA: the user has no
// active factor (other than email), so no factor was proved.
var ErrMFANotRequired = errors.New("Auth0 signed the user in without asking for MFA: the user has no active MFA factor " +
	"(an email factor does not count), so there was nothing to prove")

// ProveMFA signs the user in from scratch, as an application would, and passes MFA with
// Login.OTPSecret or up: it proves that the password and that factor work now. Cached tokens
// are not used and are replaced by the new ones; a password Auth0 refused earlier in this
// process is not sent again (the refusal is returned).
func (s *Session) ProveMFA(ctx context.Context, up StepUp) error {
	defer s.lock()()
	s.forget()
	tok, err := s.mfaToken(ctx)
	if err != nil {
		return err
	}
	if tok == "" {
		return ErrMFANotRequired
	}
	t, err := s.passMFA(ctx, tok, up)
	if err != nil {
		return err
	}
	s.keepAccess(t)
	return nil
}

// passMFA tries, in order: OTP secrets with an unused code at hand, the out-of-band passer,
// OTP secrets that need a wait for the next 30 s window, and the recovery code (last: it
// rotates). A secret whose code Auth0 refuses ends the attempt (see verifyWithSecret): trying
// the next way would hide the mistake and spend another failed attempt on every run.
func (s *Session) passMFA(ctx context.Context, mfaToken string, up StepUp) (*Tokens, error) {
	var ready, later []labelledSecret
	for _, ls := range s.stepUpSecrets(up) {
		if s.c.codes.Ready(ls.secret) {
			ready = append(ready, ls)
		} else {
			later = append(later, ls)
		}
	}
	tryOTP := func(secrets []labelledSecret) (*Tokens, error) {
		if len(secrets) == 0 {
			return nil, nil
		}
		return s.verifyWithSecret(ctx, mfaToken, secrets[0], s.c.codes.Next)
	}
	if t, err := tryOTP(ready); t != nil || err != nil {
		return t, err
	}
	if up.OOB != nil {
		return up.OOB(ctx, mfaToken)
	}
	if t, err := tryOTP(later); t != nil || err != nil {
		return t, err
	}
	if up.RecoveryCode != "" {
		t, err := s.c.VerifyRecoveryCode(ctx, mfaToken, up.RecoveryCode)
		if err == nil && up.OnRecoveryCode != nil {
			up.OnRecoveryCode(t.RecoveryCode)
		}
		return t, err
	}
	return nil, &NoWayToPassMFAError{Factors: activeFactors(s.st.known), Management: s.c.HasManagementClient(), CreatedAt: s.factorTimes(ctx)}
}

// factorTimes asks Config.FactorTimes (the Management API, internal/mgmtapi) when the user's
// factors were created; nil without it.
func (s *Session) factorTimes(ctx context.Context) map[string]string {
	if s.c.cfg.FactorTimes == nil {
		return nil
	}
	return s.c.cfg.FactorTimes(ctx, s.login.Username, s.login.Realm)
}

// NoWayToPassMFAError is ErrNoWayToPassMFA with the user's active factors as this process last
// listed them, so that the error can name what could pass MFA, and whether a Management API
// application is configured (which can remove factors nothing can pass MFA with).
type NoWayToPassMFAError struct {
	Factors    []Authenticator
	Management bool
	// CreatedAt maps factor ids to when Auth0 created them, where the Management API told it.
	CreatedAt map[string]string
}

func (e *NoWayToPassMFAError) Error() string {
	ids := make([]string, 0, len(e.Factors))
	for _, a := range e.Factors {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return ErrNoWayToPassMFA.Error()
	}
	return ErrNoWayToPassMFA.Error() + " (the user's active factors: " + strings.Join(ids, ", ") + ")"
}

// Is makes errors.Is(err, ErrNoWayToPassMFA) hold.
func (e *NoWayToPassMFAError) Is(target error) bool { return target == ErrNoWayToPassMFA }

func activeFactors(list []Authenticator) []Authenticator {
	var out []Authenticator
	for _, a := range list {
		if a.Active {
			out = append(out, a)
		}
	}
	return out
}

// labelledSecret is a step-up secret with the name errors give it. held marks a secret only the
// provider holds (it generated and confirmed the factor: a resource's own secret, or one
// enrolled earlier in this run), as opposed to one a person typed (login.otp_secret).
type labelledSecret struct {
	secret, label string
	held          bool
}

// stepUpSecrets are the OTP secrets that may pass MFA, each once, named for error messages.
func (s *Session) stepUpSecrets(up StepUp) []labelledSecret {
	var out []labelledSecret
	seen := map[string]bool{}
	add := func(label string, held bool, secrets ...string) {
		for _, v := range secrets {
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, labelledSecret{v, label, held})
			}
		}
	}
	add("login.otp_secret", false, s.login.OTPSecret)
	add("the resource's own secret", true, up.OTPSecrets...)
	add("the secret of a factor enrolled earlier in this run", true, s.st.enrolledSecrets...)
	return out
}

// CodeRefusedError is a TOTP code Auth0 refused that no used time step explains: the secret is
// most likely not one of this user's active factors. The provider stops there, because each
// refused code spends one of the user's failed attempts (Auth0 locks MFA after 10 an hour).
type CodeRefusedError struct {
	Source string // which secret: "login.otp_secret", "the resource's own secret", …
	// Held is set for a secret only the provider holds: it confirmed the factor, so a refusal
	// after a wait for a new step means the factor changed at Auth0 (or the clocks differ), not
	// a secret to fix.
	Held bool
	// ClockSkew is the tenant's clock minus this machine's, from the Date header of Auth0's
	// answers, when it is more than a TOTP step: the likelier reason for the refusal.
	ClockSkew time.Duration
	Err       error
}

func (e *CodeRefusedError) Error() string {
	src := e.Source
	if src == "" {
		src = "the OTP secret"
	}
	return fmt.Sprintf("Auth0 refused the TOTP code computed from %s: %v", src, e.Err)
}

func (e *CodeRefusedError) Unwrap() error { return e.Err }

// verifyWithSecret sends the next unused code of ls. Auth0 accepts two codes at a time (this
// step's and the previous one's), and a refusal of the first may mean someone else (another
// run, or an end-to-end suite signing in with the same secret) used that step: so the other
// step's code is sent too, but only when it can be sent at once.
//
// A second refusal ends a secret a person typed (login.otp_secret): no used step explains it,
// so the secret is most likely wrong, and each refused code spends one of the user's 10 failed
// attempts an hour. A secret the provider holds (ls.held) was confirmed by the provider itself,
// so its refusal means both steps were used elsewhere, typically by a suite that signed in just
// before a destroy: the provider waits for the next step (bounded by ctx, reported through
// Waited) and sends that code, once.
func (s *Session) verifyWithSecret(ctx context.Context, mfaToken string, ls labelledSecret, next func(string) (string, time.Duration, error)) (*Tokens, error) {
	secret := ls.secret
	newStepTried := false
	lostAnswers := 0
	for refusals := 0; ; {
		code, wait, err := next(secret)
		if err != nil {
			return nil, err
		}
		if wait > 0 {
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
				return nil, fmt.Errorf("waiting %s for the next TOTP step would outlast the timeout: %w", wait.Round(time.Second), context.DeadlineExceeded)
			}
			s.noteWait(ctx, wait)
		}
		if err = sleep(ctx, wait); err != nil {
			return nil, err
		}
		t, err := s.c.VerifyOTP(ctx, mfaToken, code)
		if IsAmbiguous(err) && lostAnswers < maxLostAnswers {
			// The answer was lost: the code may have been spent or not. The next code of the
			// same secret settles it without a guess (one never sent before).
			lostAnswers++
			continue
		}
		if err == nil || !IsInvalidGrant(err) || IsTokenRejected(err) {
			return t, err
		}
		refusals++
		switch {
		case refusals == 1 && s.c.codes.Ready(secret):
			continue // the other step's code, at once
		case ls.held && !newStepTried:
			// Both codes Auth0 accepts now are marked used, so next waits for a new step.
			newStepTried = true
			continue
		}
		return nil, &CodeRefusedError{Source: ls.label, Held: ls.held, Err: err, ClockSkew: s.c.ClockSkew()}
	}
}

// maxLostAnswers bounds how many codes of one secret are sent again after answers that were
// lost on the way (a flaky network), so that a network that keeps failing ends the operation.
const maxLostAnswers = 2

// noteWait logs a wait for a new TOTP window and adds it to this handle's total (Waited).
func (s *Session) noteWait(ctx context.Context, wait time.Duration) {
	s.waited += wait
	s.log(ctx, "waiting for the next TOTP window: both valid codes of this secret were used", map[string]any{"totp_wait_ms": wait.Milliseconds()})
}

// Waited is how long operations through this handle waited for a new TOTP window, because
// both codes Auth0 accepts (this step's and the previous one's) were already used.
func (s *Session) Waited() time.Duration { return s.waited }

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// hasEnrolledFactor mirrors Auth0's rule: an active factor other than email (and the
// recovery code) makes the mfa_token insufficient for associate.
func hasEnrolledFactor(list []Authenticator) bool {
	for _, a := range list {
		if a.Active && a.OOBChannel != "email" && a.AuthenticatorType != "recovery-code" {
			return true
		}
	}
	return false
}
