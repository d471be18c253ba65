package emutest

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// FlakyProxy stands between a client and a tenant and fails about one Auth0 request in Rate at
// random, in the three ways a real network fails: a 503 before the tenant acts, an answer lost
// after the tenant acted (the connection closes), and a connection dropped before the request
// arrives. Control requests (/_emulator/) always pass. Its counters say what it did.
type FlakyProxy struct {
	URL string

	mu     sync.Mutex
	rng    *rand.Rand
	rate   float64
	counts map[string]int
}

// StartFlakyProxy proxies to target, failing a fraction rate of the requests, from seed.
func StartFlakyProxy(t testing.TB, target string, rate float64, seed uint64) *FlakyProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &FlakyProxy{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), rate: rate, counts: map[string]int{}}
	forward := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p.pick(r.URL.Path) {
		case "503 before":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"temporarily_unavailable","error_description":"The service is temporarily unavailable."}`))
		case "lost after":
			forward.ServeHTTP(httptest.NewRecorder(), r) // the tenant acts; the answer never arrives
			hangUp(w)
		case "dropped before":
			hangUp(w)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *FlakyProxy) pick(path string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	kind := "passed"
	if !strings.HasPrefix(path, "/_emulator/") && p.rng.Float64() < p.rate {
		kind = []string{"503 before", "lost after", "dropped before"}[p.rng.IntN(3)]
	}
	p.counts[kind]++
	return kind
}

// Counts reports how many requests passed and how many failed in each way.
func (p *FlakyProxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// SetRate changes the fraction of requests that fail (0: none, for a clean check afterwards).
func (p *FlakyProxy) SetRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = rate
}

func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
