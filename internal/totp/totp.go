// Package totp computes Auth0's TOTP codes (RFC 6238, SHA1, 6 digits, 30 s steps) and keeps
// the bookkeeping that lets a process use each code once without waiting needlessly.
package totp

import (
	"encoding/base32"
	"errors"
	"strings"
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
