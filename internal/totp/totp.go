// Package totp computes Auth0's TOTP codes (RFC 6238, SHA1, 6 digits, 30 s steps) and keeps
// the bookkeeping that lets a process use each code once without waiting needlessly.
package totp

import (
	"encoding/base32"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Period is the step length Auth0 uses.
const Period = 30

var opts = totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrInvalidSecret is returned for a secret that is not base32. It never quotes the secret.
var ErrInvalidSecret = errors.New("the TOTP secret is not valid base32 (letters A-Z and digits 2-7)")

// NormaliseSecret upper-cases, removes spaces and padding, and checks the base32.
func NormaliseSecret(secret string) (string, error) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(strings.TrimSpace(secret)))
	if s == "" {
		return "", ErrInvalidSecret
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s); err != nil {
		return "", ErrInvalidSecret
	}
	return s, nil
}

// Step is the 30 s step that t falls in.
func Step(t time.Time) int64 { return t.Unix() / Period }

// CodeAtStep is the code of one step.
func CodeAtStep(secret string, step int64) (string, error) {
	s, err := NormaliseSecret(secret)
	if err != nil {
		return "", err
	}
	code, err := totp.GenerateCodeCustom(s, time.Unix(step*Period, 0), opts)
	if err != nil {
		return "", ErrInvalidSecret
	}
	return code, nil
}

// Code is the code valid at t.
func Code(secret string, t time.Time) (string, error) { return CodeAtStep(secret, Step(t)) }

// minPreviousStepLife is how long the previous step's code must still be accepted for us to
// send it: Auth0 takes the previous step only until the current one ends.
const minPreviousStepLife = 5 * time.Second

// Book remembers, per secret, the newest step this process has used, so no code is sent twice.
// Auth0 accepts the current and the previous step; using the previous one first leaves the
// current one for the next login in the same window, so two logins fit in one window without
// waiting, even at a verifier that (as RFC 6238 §5.2 recommends) refuses any step at or before
// the last one it accepted.
type Book struct {
	mu     sync.Mutex
	now    func() time.Time
	last   map[string]int64
	nWaits int64
}

// NewBook makes a Book on the given clock (time.Now when nil).
func NewBook(now func() time.Time) *Book {
	if now == nil {
		now = time.Now
	}
	return &Book{now: now, last: map[string]int64{}}
}

// Next picks the oldest unused code that is still safely valid and marks it used. When both
// valid codes are used it reports how long to wait for the next step (the only wait allowed).
func (b *Book) Next(secret string) (code string, wait time.Duration, err error) {
	s, err := NormaliseSecret(secret)
	if err != nil {
		return "", 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	cur := Step(now)
	last, used := b.last[s]
	nextBoundary := time.Unix((cur+1)*Period, 0)
	var step int64
	switch {
	case (!used || cur-1 > last) && nextBoundary.Sub(now) >= minPreviousStepLife:
		step = cur - 1
	case !used || cur > last:
		step = cur
	default:
		step = last + 1
		wait = time.Unix(step*Period, 0).Sub(now)
		b.nWaits++
	}
	b.last[s] = step
	code, err = CodeAtStep(s, step)
	return code, wait, err
}

// MarkUsed records that the code of step was used elsewhere (for example a test or another
// tool logged in with it), so Next skips it.
func (b *Book) MarkUsed(secret string, step int64) {
	s, err := NormaliseSecret(secret)
	if err != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if step > b.last[s] {
		b.last[s] = step
	}
}

// Waits counts the times Next had to wait for a new step.
func (b *Book) Waits() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.nWaits
}
