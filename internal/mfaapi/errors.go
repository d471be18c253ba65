package mfaapi

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error is an answer from Auth0 that was not a success. It keeps Auth0's status, code and
// description; the mfa_token of an mfa_required answer is kept apart and never printed.
type Error struct {
	Endpoint    string // "POST /mfa/associate"
	StatusCode  int
	Code        string // Auth0's "error"
	Description string // Auth0's "error_description"
	RetryAfter  time.Duration
	// Ambiguous is set when the request may have taken effect although no answer arrived
	// (a dropped connection or a 5xx on a call that changes something).
	Ambiguous bool
	mfaToken  string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.Endpoint)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	return b.String()
}

// TransportError is a request that got no HTTP answer.
type TransportError struct {
	Endpoint  string
	Err       error
	Ambiguous bool
	// Reachable is set when the tenant answered an earlier request of this client: the
	// address is right, and the failure was transient.
	Reachable bool
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s: no answer from Auth0: %v", e.Endpoint, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func hasCode(err error, code string) bool {
	e := asError(err)
	return e != nil && e.Code == code
}

// MFARequired returns the mfa_token of an mfa_required answer.
func MFARequired(err error) (string, bool) {
	e := asError(err)
	if e == nil || e.Code != "mfa_required" || e.mfaToken == "" {
		return "", false
	}
	return e.mfaToken, true
}

// IsNotFound reports a 404 (an authenticator that does not exist).
func IsNotFound(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == 404
}

// IsAlreadyEnrolled reports associate refusing an mfa_token because the user has a factor.
func IsAlreadyEnrolled(err error) bool {
	e := asError(err)
	return e != nil && e.Code == "access_denied" && strings.Contains(e.Description, "already enrolled")
}

// IsInvalidGrant reports a refused credential or code (wrong password, wrong OTP, …).
func IsInvalidGrant(err error) bool { return hasCode(err, "invalid_grant") }

// IsWrongCredentials reports a wrong username or password.
func IsWrongCredentials(err error) bool {
	e := asError(err)
	return e != nil && e.Code == "invalid_grant" && strings.Contains(e.Description, "Wrong email or password")
}

// IsUnauthorizedClient reports an application that lacks a grant type.
func IsUnauthorizedClient(err error) bool { return hasCode(err, "unauthorized_client") }

// IsInvalidClient reports failed client authentication.
func IsInvalidClient(err error) bool {
	e := asError(err)
	return e != nil && (e.Code == "invalid_client" || (e.StatusCode == 401 && e.Endpoint == endpointToken && e.Code == "access_denied"))
}

// IsRateLimited reports a 429 that outlived the retries.
func IsRateLimited(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == 429
}

// IsTokenRejected reports an mfa_token or access token that is expired or no longer valid,
// after which a fresh login helps.
func IsTokenRejected(err error) bool {
	e := asError(err)
	if e == nil {
		return false
	}
	return e.Code == "expired_token" && strings.Contains(e.Description, "token") ||
		e.StatusCode == 401 && e.Endpoint != endpointToken ||
		e.Code == "invalid_grant" && strings.Contains(e.Description, "mfa_token")
}

// IsAuthorizationPending and IsSlowDown are the "not yet" answers of a push poll.
func IsAuthorizationPending(err error) bool { return hasCode(err, "authorization_pending") }

// IsSlowDown reports a push poll that came too soon.
func IsSlowDown(err error) bool { return hasCode(err, "slow_down") }

// IsPushRejected reports a push the user declined; the recording says access_denied and the
// docs invalid_grant, both with this text (reference §4), so both are accepted.
func IsPushRejected(err error) bool {
	e := asError(err)
	return e != nil && (e.Code == "access_denied" || e.Code == "invalid_grant") &&
		strings.Contains(e.Description, "MFA Authorization rejected")
}

// IsAmbiguous reports a failed call that may still have taken effect at the tenant.
func IsAmbiguous(err error) bool {
	if e := asError(err); e != nil {
		return e.Ambiguous
	}
	var te *TransportError
	return errors.As(err, &te) && te.Ambiguous
}

// IsBruteForceBlocked reports Auth0's brute-force protection refusing a login: too many wrong
// passwords for this user from this IP address. It lasts until an administrator unblocks the
// user (or the password changes), so it is never retried.
func IsBruteForceBlocked(err error) bool {
	e := asError(err)
	return e != nil && e.Endpoint == endpointToken && e.Code == "too_many_attempts" && strings.Contains(e.Description, "login attempts")
}

// IsMFALocked reports Auth0 refusing MFA after too many failed codes (10 an hour; one comes
// back every 6 minutes). Even a correct code is refused meanwhile.
func IsMFALocked(err error) bool {
	return hasCode(err, "too_many_attempts") && !IsBruteForceBlocked(err)
}

// IsLoginLimited reports the same-user login limit (20 logins a minute for one user from one
// IP address, then 10 a minute).
func IsLoginLimited(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == 429 && e.Endpoint == endpointToken && strings.Contains(e.Description, "Too many logins")
}

// IsNoDefaultDirectory reports a tenant with no Default Directory answering a password grant
// that names no realm.
func IsNoDefaultDirectory(err error) bool {
	e := asError(err)
	return e != nil && e.Code == "server_error" && strings.Contains(e.Description, "default connection")
}

// IsFactorDisabled reports associate refusing a factor the tenant has not enabled.
func IsFactorDisabled(err error) bool {
	e := asError(err)
	return e != nil && e.Endpoint == endpointAssociate && strings.Contains(e.Description, "not enabled")
}

// IsInvalidAudience reports the password grant refusing an audience the tenant has no API for
// (recorded: 400 invalid_request "invalid audience specified for password grant exchange").
// The provider derives the MFA audience from the domain, so this means a mistyped domain.
func IsInvalidAudience(err error) bool {
	e := asError(err)
	return e != nil && e.Code == "invalid_request" && strings.Contains(e.Description, "invalid audience")
}

// IsServerError reports a 5xx answer that outlived the retries (a transient tenant failure).
func IsServerError(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode >= 500
}
