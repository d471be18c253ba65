package mfaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds retries of one call. Waits never outlast the context's deadline.
type RetryPolicy struct {
	MaxRetries int
	BaseDelay  time.Duration
	MaxDelay   time.Duration
}

// DefaultRetryPolicy retries four times, from 250 ms doubling up to 10 s, with jitter; a 429
// waits what Retry-After or x-ratelimit-reset says (up to MaxDelay).
var DefaultRetryPolicy = RetryPolicy{MaxRetries: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 10 * time.Second}

const maxResponseBytes = 1 << 20

// call describes one API request. body builds the payload afresh for every attempt, so a
// private key JWT assertion is never replayed.
type call struct {
	method   string
	path     string // already escaped
	endpoint string // "POST /oauth/token", for errors and logs
	bearer   string
	body     func() (any, error) // url.Values for forms, anything else as JSON
	// safe marks calls that may be repeated after an ambiguous failure (no answer, or a
	// 5xx): reads, deletes and logins. Associate and the code-consuming grants are not.
	safe bool
}

// do runs c with retries and decodes a 2xx JSON answer into out (when out is not nil).
func (cl *Client) do(ctx context.Context, c call, out any) error {
	var lastErr error
	failures, throttled := 0, 0
	for attempt := 0; ; attempt++ {
		if err := cl.gates.wait(ctx, c.endpoint); err != nil {
			return cmpOr(lastErr, &TransportError{Endpoint: c.endpoint, Err: err})
		}
		err := cl.once(ctx, c, out)
		if err == nil {
			cl.log(ctx, "Auth0 request succeeded", map[string]any{"endpoint": c.endpoint, "attempt": attempt + 1})
			return nil
		}
		lastErr = err
		if isThrottled(err) {
			throttled++
		} else {
			failures++
		}
		wait, retry := cl.shouldRetry(c, err, failures, throttled)
		cl.log(ctx, "Auth0 request failed", map[string]any{"endpoint": c.endpoint, "attempt": attempt + 1,
			"error": err.Error(), "will_retry": retry, "wait_ms": wait.Milliseconds()})
		if !retry {
			return lastErr
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return lastErr
		}
		select {
		case <-ctx.Done():
			return lastErr
		case <-time.After(wait):
		}
	}
}

func (cl *Client) log(ctx context.Context, msg string, fields map[string]any) {
	if cl.cfg.Log != nil {
		cl.cfg.Log(ctx, msg, fields)
	}
}

// shouldRetry decides after the failures-th failure or the throttled-th 429 of a call.
func (cl *Client) shouldRetry(c call, err error, failures, throttled int) (time.Duration, bool) {
	if isThrottled(err) {
		e := asError(err)
		// A 429 was refused before any work was done: always safe to repeat. The shared gate
		// (rateGates) does the waiting; this only spreads the retries.
		if throttled > maxThrottledRetries {
			return 0, false
		}
		if e.RetryAfter > 0 {
			return jitter(100 * time.Millisecond), true
		}
		return cl.backoff(min(throttled-1, 4)), true
	}
	if failures > cl.retry.MaxRetries {
		return 0, false
	}
	backoff := cl.backoff(failures - 1)
	if e := asError(err); e != nil {
		switch {
		case e.StatusCode == http.StatusTooManyRequests:
			return 0, false // too_many_attempts: the user is blocked; repeating only extends it
		case IsNoDefaultDirectory(err):
			return 0, false // a tenant setting: the same answer every time
		case e.StatusCode >= 500:
			return backoff, c.safe
		}
		return 0, false
	}
	var te *TransportError
	if errors.As(err, &te) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !te.Ambiguous {
			return 0, false
		}
		return backoff, c.safe || !te.Ambiguous
	}
	return 0, false
}

func (cl *Client) backoff(attempt int) time.Duration {
	d := cl.retry.BaseDelay << attempt
	if d > cl.retry.MaxDelay || d <= 0 {
		d = cl.retry.MaxDelay
	}
	return d/2 + jitter(d/2)
}

func jitter(upTo time.Duration) time.Duration {
	if upTo <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(upTo)))
}

func (cl *Client) once(ctx context.Context, c call, out any) error {
	req, err := cl.newRequest(ctx, c)
	if err != nil {
		return err
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return &TransportError{Endpoint: c.endpoint, Err: scrubURLError(err), Ambiguous: !neverSent(err), Reachable: cl.answered.Load()}
	}
	defer resp.Body.Close()
	cl.answered.Store(true)
	cl.noteDate(resp.Header)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return &TransportError{Endpoint: c.endpoint, Err: err, Ambiguous: true, Reachable: true}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		cl.gates.note(c.endpoint, false, resp.Header)
		if out == nil || len(bytes.TrimSpace(raw)) == 0 {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return &Error{Endpoint: c.endpoint, StatusCode: resp.StatusCode, Code: "invalid_response",
				Description: "the answer was not the JSON Auth0 sends: " + err.Error()}
		}
		return nil
	}
	e := decodeError(c.endpoint, resp, raw, cl.now())
	e.Ambiguous = resp.StatusCode >= 500 && !c.safe
	cl.gates.note(c.endpoint, isThrottled(e), resp.Header)
	return e
}

func (cl *Client) newRequest(ctx context.Context, c call) (*http.Request, error) {
	var body io.Reader
	contentType := ""
	if c.body != nil {
		payload, err := c.body()
		if err != nil {
			return nil, err
		}
		if form, ok := payload.(url.Values); ok {
			body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
		} else {
			raw, err := json.Marshal(payload)
			if err != nil {
				return nil, err
			}
			body, contentType = bytes.NewReader(raw), "application/json"
		}
	}
	req, err := http.NewRequestWithContext(ctx, c.method, cl.base.String()+c.path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if cl.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", cl.cfg.UserAgent)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	return req, nil
}

// neverSent reports failures that happened before the request left (the dial failed), after
// which even a call that changes something may be repeated.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// scrubURLError drops the URL from a *url.Error: it holds no secret today, but a query string
// could, and the endpoint is named anyway.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decodeError reads Auth0's error shapes: {"error","error_description"}, the legacy
// {"code","description"} and plain text (reference §0, §10).
func decodeError(endpoint string, resp *http.Response, raw []byte, now time.Time) *Error {
	e := &Error{Endpoint: endpoint, StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header, now)}
	var body struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Code             string          `json:"code"`
		Description      string          `json:"description"`
		Message          string          `json:"message"`
		ErrorCode        string          `json:"errorCode"`
		MFAToken         string          `json:"mfa_token"`
	}
	if json.Unmarshal(raw, &body) == nil {
		var code string
		_ = json.Unmarshal(body.Error, &code)
		// The Management API's errorCode ("inexistent_user") is more precise than its error
		// (the reason phrase, "Not Found"); the Authentication API has no errorCode.
		e.Code = firstNonEmpty(body.ErrorCode, code, body.Code)
		e.Description = firstNonEmpty(body.ErrorDescription, body.Description, body.Message)
		e.mfaToken = body.MFAToken
	}
	if e.Code == "" {
		e.Code = strings.ToLower(strings.ReplaceAll(http.StatusText(resp.StatusCode), " ", "_"))
	}
	if e.Description == "" {
		e.Description = http.StatusText(resp.StatusCode)
	}
	return e
}

// retryAfter reads Retry-After (seconds or an HTTP date), else x-ratelimit-reset (epoch seconds).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return t.Sub(now)
		}
	}
	if epoch, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
		if d := time.Unix(epoch, 0).Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
