package mfaapi

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// isThrottled reports a 429 that is about the request rate: repeating it later succeeds. A
// 429 too_many_attempts is Auth0 blocking a user after failed codes; repeating makes it worse.
func isThrottled(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == http.StatusTooManyRequests && e.Code != "too_many_attempts"
}

// maxThrottledRetries bounds the retries of one call after 429s. A 429 is refused before any
// work is done, so it is always safe to repeat; its retries do not count against
// RetryPolicy.MaxRetries (meant for failures) and are bounded by this and the context's
// deadline instead. A tenant whose limit is lower than the work asked of it slows an apply
// down; it must not fail it.
const maxThrottledRetries = 60

// rateGates paces the requests to an endpoint once Auth0 has said its window is spent (a 429,
// or x-ratelimit-remaining: 0). Until the window resets nothing is sent; after that the
// requests leave one every 1/limit second (x-ratelimit-limit), each waiter with its own slot,
// until a quiet minute passes. Without it every parallel worker spends an attempt on a 429 per
// window, they all rush the next window together, and the unluckiest one runs out of attempts.
type rateGates struct {
	mu    sync.Mutex
	gates map[string]*rateGate
}

type rateGate struct {
	until    time.Time     // nothing leaves before this (the window Auth0 said is spent)
	interval time.Duration // the gap between requests while pacing
	next     time.Time     // the next free slot
	paceTill time.Time     // pacing ends here unless Auth0 throttles again
}

// pacingQuiet is how long pacing lasts after the last sign of a spent window.
const pacingQuiet = time.Minute

// note reads the rate-limit headers of an answer from endpoint; throttled says the answer was
// a 429 that a later request may pass (not a per-user too_many_attempts block).
func (g *rateGates) note(endpoint string, throttled bool, h http.Header) {
	if !throttled && h.Get("X-Ratelimit-Remaining") != "0" {
		return
	}
	now := time.Now() // the gate waits in real time, whatever clock the client runs on
	wait := retryAfter(h, now)
	if wait <= 0 {
		wait = time.Second // Auth0's windows are per second at the finest
	}
	wait = min(wait, time.Minute)
	interval := 100 * time.Millisecond
	if limit, err := strconv.Atoi(h.Get("X-Ratelimit-Limit")); err == nil && limit > 0 {
		// A little slower than the limit, so that clock skew does not fit limit+1 in a window.
		interval = time.Second * 21 / 20 / time.Duration(limit)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gates == nil {
		g.gates = map[string]*rateGate{}
	}
	gt := g.gates[endpoint]
	if gt == nil {
		gt = &rateGate{}
		g.gates[endpoint] = gt
	}
	if until := now.Add(wait); until.After(gt.until) {
		gt.until = until
	}
	gt.interval = interval
	gt.paceTill = now.Add(wait + pacingQuiet)
}

// wait blocks until the request's slot: at once unless endpoint is throttled or paced.
func (g *rateGates) wait(ctx context.Context, endpoint string) error {
	g.mu.Lock()
	gt := g.gates[endpoint]
	now := time.Now()
	if gt == nil || now.After(gt.paceTill) {
		g.mu.Unlock()
		return nil
	}
	slot := now
	if gt.until.After(slot) {
		slot = gt.until
	}
	if gt.next.After(slot) {
		slot = gt.next
	}
	gt.next = slot.Add(gt.interval)
	g.mu.Unlock()
	return sleep(ctx, time.Until(slot))
}
