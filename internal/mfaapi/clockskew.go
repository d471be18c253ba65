package mfaapi

import (
	"net/http"
	"time"
)

// Auth0 sends a Date header with every answer (HTTP requires it of origin servers with a clock,
// RFC 9110 §6.6.1). A TOTP code depends on the clock, so a tenant whose clock differs from
// this machine's by more than a step refuses codes from a right secret: the refusal is then
// reported with the skew, naming this machine's clock, rather than as a wrong secret.

// skewWorthReporting is one TOTP step: Auth0 also accepts the previous step's code, so a
// smaller difference never makes a right code fail.
const skewWorthReporting = 30 * time.Second

// noteDate records the skew the Date header of an answer shows (a second's resolution).
func (cl *Client) noteDate(h http.Header) {
	t, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	cl.skew.Store(int64(t.Sub(cl.now()).Round(time.Second) / time.Second))
}

// ClockSkew is the tenant's clock minus this machine's, from the last answer's Date header,
// when it is more than a TOTP step either way; zero otherwise (or when no answer had a Date).
func (cl *Client) ClockSkew() time.Duration {
	d := time.Duration(cl.skew.Load()) * time.Second
	if d > skewWorthReporting || d < -skewWorthReporting {
		return d
	}
	return 0
}
