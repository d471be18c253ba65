package mfaapi_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// TestConnectionsAreReused: Terraform runs -parallelism operations at once against one
// tenant, and each new connection to Auth0 is a TCP and TLS handshake. Ten workers making
// five requests each must not open more than ten connections (Go's default transport keeps
// two idle connections a host, and opened 42 here).
func TestConnectionsAreReused(t *testing.T) {
	// The latency keeps the ten requests of a round in flight together, as at a real tenant.
	srv, err := emulator.New(emutest.Config(), emulator.WithLatency(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var opened atomic.Int64
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	c := newClient(t, &emutest.Tenant{URL: ts.URL})

	// Rounds of ten concurrent requests: between rounds all ten connections are idle at once,
	// as between Terraform's resource operations.
	const workers, rounds = 10, 5
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_, err := c.Login(ctx(t), mfaapi.PasswordLogin{Username: emutest.Username, Password: emutest.Password})
				if _, ok := mfaapi.MFARequired(err); err != nil && !ok {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > workers {
		t.Fatalf("%d requests by %d workers opened %d connections; want at most %d", workers*rounds, workers, n, workers)
	}
}
