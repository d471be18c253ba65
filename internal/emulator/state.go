package emulator

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Authenticator kinds as they appear before the "|" of an id.
const (
	kindTOTP     = "totp"
	kindSMS      = "sms"
	kindVoice    = "voice"
	kindEmail    = "email"
	kindPush     = "push"
	kindRecovery = "recovery-code"
)

// maxPendingEnrollments is Auth0's limit of unconfirmed enrollments a user may hold.
const maxPendingEnrollments = 50

// user is one database user and everything enrolled for it.
type user struct {
	id             string
	cfg            UserConfig
	authenticators []*authenticator
	recoveryCode   string
	signIns        []string // ids of active factors that passed MFA, oldest first (verify.go)
	otpFailures    attemptBucket
	// guards are the attack protections' record per client IP address (protection.go).
	guards map[string]*loginGuard
}

// authenticator is one enrolled (or pending) factor.
type authenticator struct {
	id          string
	kind        string
	active      bool
	secret      string         // base32 TOTP secret (totp only)
	destination string         // phone number or email address (oob only)
	companionID string         // sms<->voice and push<->totp pairs are deleted together
	usedSteps   map[int64]bool // TOTP steps whose code was accepted: each code works once
	derived     bool           // listed because the user's email is verified; cannot be deleted
	secondary   bool           // created alongside another enrollment (voice twin, push's otp)
	created     time.Time      // the Management API's created_at
	label       string         // the Management API's name (set there; the MFA API names none)
	key         *securityKey   // webauthn-roaming only
}

func (a *authenticator) authenticatorType() string {
	switch a.kind {
	case kindTOTP:
		return "otp"
	case kindRecovery:
		return "recovery-code"
	case kindWebAuthnRoaming:
		// Not recorded: the MFA API lists security keys (DWEBAUTHN "you can list and remove
		// WebAuthn enrollments") but no source shows the item. The emulator names the type as
		// the Management API does; it is no otp/oob type, so nothing can challenge it there.
		return kindWebAuthnRoaming
	default:
		return "oob"
	}
}

func (a *authenticator) oobChannel() string {
	switch a.kind {
	case kindSMS, kindVoice, kindEmail:
		return a.kind
	case kindPush:
		return "auth0"
	}
	return ""
}

// name is the masked destination Auth0 shows in listings.
func (a *authenticator) name() string {
	switch a.kind {
	case kindSMS, kindVoice:
		return maskPhone(a.destination)
	case kindEmail:
		return maskEmail(a.destination)
	case kindPush:
		// The device name is known once the Guardian app has enrolled; GO-REC lists an
		// unconfirmed push entry without a name.
		if a.active {
			return "Emulated Guardian device"
		}
	}
	return ""
}

// countsAsEnrolled reports whether this factor makes an mfa_token insufficient for
// associate: Auth0 ignores email factors (reference §1, §2).
func (a *authenticator) countsAsEnrolled() bool {
	return a.active && a.kind != kindEmail && a.kind != kindRecovery
}

func (u *user) hasEnrolledFactor() bool {
	for _, a := range u.authenticators {
		if a.countsAsEnrolled() {
			return true
		}
	}
	return false
}

func (u *user) hasChallengeableFactor() bool {
	for _, a := range u.authenticators {
		if a.active && a.kind != kindRecovery {
			return true
		}
	}
	return false
}

func (u *user) pendingCount() int {
	n := 0
	for _, a := range u.authenticators {
		if !a.active && a.kind != kindRecovery && !a.secondary {
			n++
		}
	}
	return n
}

func (u *user) find(id string) *authenticator {
	for _, a := range u.authenticators {
		if a.id == id {
			return a
		}
	}
	return nil
}

func (u *user) remove(id string) {
	kept := u.authenticators[:0]
	for _, a := range u.authenticators {
		if a.id != id {
			kept = append(kept, a)
		}
	}
	u.authenticators = kept
}

// dropRecoveryIfAlone removes the recovery code once no real factor is left, so the next
// first enrollment is issued a fresh one. Open question: Auth0 does not document what happens
// to the code when the last factor goes; resetting keeps "recovery codes come with the first
// factor" true for a user who starts over, which is what the provider's tests rely on.
// activeRecoveryCode is the user's recovery-code authenticator, when it is active.
func (u *user) activeRecoveryCode() *authenticator {
	for _, a := range u.authenticators {
		if a.kind == kindRecovery && a.active {
			return a
		}
	}
	return nil
}

func (u *user) dropRecoveryIfAlone() {
	for _, a := range u.authenticators {
		if a.kind != kindRecovery && !a.derived {
			return
		}
	}
	for _, a := range u.authenticators {
		if a.kind == kindRecovery {
			u.remove(a.id)
			u.recoveryCode = ""
			return
		}
	}
}

// activate confirms a factor, its companion and the user's recovery code.
func (u *user) activate(a *authenticator) {
	a.active = true
	if c := u.find(a.companionID); c != nil {
		c.active = true
	}
	for _, r := range u.authenticators {
		if r.kind == kindRecovery {
			r.active = true
		}
	}
}

// attemptBucket limits failed OTP and recovery-code attempts: Auth0 starts each user with
// 10 attempts and refills one every 6 minutes (reference §4, brute force limits).
type attemptBucket struct {
	used    float64
	updated time.Time
}

const (
	attemptBurst  = 10
	attemptRefill = 6 * time.Minute
)

func (b *attemptBucket) refill(now time.Time) { b.level(now, attemptRefill) }

// level refills the bucket at one token per `per` and returns how many tokens are in use.
func (b *attemptBucket) level(now time.Time, per time.Duration) float64 {
	if !b.updated.IsZero() {
		b.used -= float64(now.Sub(b.updated)) / float64(per)
		if b.used < 0 {
			b.used = 0
		}
	}
	b.updated = now
	return b.used
}

// exhausted reports that not one whole attempt is left (refills come in fractions).
func (b *attemptBucket) exhausted(now time.Time) bool {
	b.refill(now)
	return b.used > attemptBurst-1
}

func (b *attemptBucket) fail(now time.Time) {
	b.refill(now)
	b.used++
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomString draws n characters from alphabet with crypto/rand; rejection sampling keeps
// the distribution uniform.
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// newAuthenticatorID follows the real "<kind>|dev_<16 alphanumerics>" format.
func newAuthenticatorID(kind string) string {
	return kind + "|dev_" + randomString(16, idAlphabet)
}

// recoveryAlphabet excludes I, O and 0 as every observed recovery code does.
const recoveryAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

func newRecoveryCode() string { return randomString(24, recoveryAlphabet) }

func newBindingCode() string { return randomString(6, "0123456789") }

// newTOTPSecret is 20 random bytes as unpadded RFC 4648 base32: 32 characters.
func newTOTPSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

func newUserID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return "auth0|" + hex.EncodeToString(b)
}

// maskPhone keeps the last four characters: "+15551234567" -> "XXXXXXXX4567".
func maskPhone(p string) string {
	if len(p) <= 4 {
		return p
	}
	return strings.Repeat("X", len(p)-4) + p[len(p)-4:]
}

// maskEmail keeps four characters of the local part (all masked when it is that short)
// and four of the domain: "chuck.norris@example.com" -> "chuc********@exam*******".
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok {
		return strings.Repeat("*", len(e))
	}
	if len(local) <= 4 {
		// Recorded: "foo@example.com" is listed as "****@exam*******" (GO1-REC, and the MFA
		// API's GO-REC), four stars whatever the length of a short local part.
		return "****@" + maskKeep(domain, 4)
	}
	return maskKeep(local, 4) + "@" + maskKeep(domain, 4)
}

func maskKeep(s string, keep int) string {
	if len(s) <= keep {
		return strings.Repeat("*", len(s))
	}
	return s[:keep] + strings.Repeat("*", len(s)-keep)
}
