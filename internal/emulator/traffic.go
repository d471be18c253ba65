package emulator

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// defaultRateLimit is the per-second budget of an endpoint with no configured limit. Auth0
// always sends x-ratelimit-* headers; the value is generous so tests are never throttled
// unless they ask to be.
const defaultRateLimit = 1000

// Fault is an injected failure for the next Count requests to Endpoint ("POST /oauth/token";
// "*" for every Auth0 endpoint).
type Fault struct {
	Endpoint string `json:"endpoint"`
	// Status, when non-zero, replaces the answer with an Auth0 error of that status.
	Status int `json:"status,omitempty"`
	// RetryAfter sets Retry-After (seconds) on a 429; ResetAfter sets x-ratelimit-reset to
	// now plus that many seconds.
	RetryAfter int `json:"retry_after,omitempty"`
	ResetAfter int `json:"reset_after,omitempty"`
	// LatencyMS delays the answer.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Drop closes the connection without an answer.
	Drop bool `json:"drop,omitempty"`
	// After runs the real handler first (its effects stay) and then applies the fault to the
	// answer: a request that succeeded at the tenant whose response was lost.
	After bool `json:"after,omitempty"`
	// Count is how many requests the fault applies to (default 1).
	Count int `json:"count,omitempty"`
	// Skip lets that many matching requests through before the fault applies (to hit, say, the
	// second listing of an enrollment rather than the first).
	Skip int `json:"skip,omitempty"`
}

// trafficControl counts requests and applies rate limits and faults. It has its own lock so a
// latency fault never holds the tenant's state lock.
type trafficControl struct {
	mu      sync.Mutex
	stats   map[string]int
	faults  []*Fault
	limits  map[string]int
	windows map[string]*rateWindow
	latency time.Duration // set once at construction
}

type rateWindow struct {
	second int64
	used   int
}

func newTrafficControl(limits map[string]int) *trafficControl {
	t := &trafficControl{}
	t.reset(limits)
	return t
}

func (t *trafficControl) reset(limits map[string]int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats = map[string]int{}
	t.faults = nil
	t.limits = map[string]int{}
	for k, v := range limits {
		t.limits[k] = v
	}
	t.windows = map[string]*rateWindow{}
}

// admit counts the request, charges its rate window and picks the fault that applies.
func (t *trafficControl) admit(endpoint string, now time.Time) (limit, remaining int, reset int64, limited bool, fault *Fault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats[endpoint]++
	limit = defaultRateLimit
	if l, ok := t.limits[endpoint]; ok {
		limit = l
	}
	w := t.windows[endpoint]
	if w == nil || w.second != now.Unix() {
		w = &rateWindow{second: now.Unix()}
		t.windows[endpoint] = w
	}
	reset = now.Unix() + 1
	if w.used >= limit {
		return limit, 0, reset, true, nil
	}
	w.used++
	remaining = limit - w.used
	for i, f := range t.faults {
		if f.Endpoint == endpoint || f.Endpoint == "*" {
			if f.Skip > 0 {
				f.Skip--
				continue
			}
			f.Count--
			if f.Count <= 0 {
				t.faults = append(t.faults[:i], t.faults[i+1:]...)
			}
			copied := *f
			return limit, remaining, reset, false, &copied
		}
	}
	return limit, remaining, reset, false, nil
}

func (t *trafficControl) wrap(endpoint string, now func() time.Time, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t.latency > 0 {
			select {
			case <-time.After(t.latency):
			case <-r.Context().Done():
				return
			}
		}
		at := now()
		limit, remaining, reset, limited, fault := t.admit(endpoint, at)
		hdr := w.Header()
		hdr.Set("X-Ratelimit-Limit", strconv.Itoa(limit))
		hdr.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
		hdr.Set("X-Ratelimit-Reset", strconv.FormatInt(reset, 10))
		if limited {
			hdr.Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "too_many_requests", "Rate limit exceeded.")
			return
		}
		if fault == nil {
			h(w, r)
			return
		}
		applyFault(w, r, h, fault, at)
	})
}

func applyFault(w http.ResponseWriter, r *http.Request, h http.HandlerFunc, f *Fault, at time.Time) {
	if f.LatencyMS > 0 {
		select {
		case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	if f.After {
		// The tenant acts on the request; what the client receives is decided below.
		rec := httptest.NewRecorder()
		h(rec, r)
		if f.Status == 0 && !f.Drop {
			copyRecorded(w, rec)
			return
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Status != 0:
		writeFaultStatus(w, f, at)
	case !f.After:
		h(w, r)
	}
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// writeFaultStatus answers with the error body Auth0 uses for that status (reference §0).
func writeFaultStatus(w http.ResponseWriter, f *Fault, at time.Time) {
	switch f.Status {
	case http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		if f.ResetAfter > 0 {
			w.Header().Set("X-Ratelimit-Remaining", "0")
			w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(at.Unix()+int64(f.ResetAfter), 10))
		}
		writeError(w, f.Status, "too_many_requests", "Rate limit exceeded.")
	case http.StatusServiceUnavailable:
		writeError(w, f.Status, "temporarily_unavailable", "The service is temporarily unavailable.")
	default:
		writeError(w, f.Status, "server_error", http.StatusText(f.Status))
	}
}

func (t *trafficControl) addFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = append(t.faults, &f)
}

func (t *trafficControl) clearFaults() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = nil
}

// pendingFaults counts the fault requests not yet applied.
func (t *trafficControl) pendingFaults() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, f := range t.faults {
		n += f.Count
	}
	return n
}

func (t *trafficControl) setLimit(endpoint string, perSecond int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if perSecond <= 0 {
		delete(t.limits, endpoint)
		return
	}
	t.limits[endpoint] = perSecond
}

func (t *trafficControl) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.stats))
	for k, v := range t.stats {
		out[k] = v
	}
	return out
}
