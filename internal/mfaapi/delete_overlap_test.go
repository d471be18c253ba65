package mfaapi_test

import (
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

// TestOneUsersDeletesOverlap: Terraform destroys a user's factors in parallel, and once the
// access token is in hand their DELETE requests must be in flight together rather than queue
// behind the user's lock. The tenant holds each DELETE until a second one arrives (or 3 s pass):
// serialised deletes never meet.
func TestOneUsersDeletesOverlap(t *testing.T) {
	srv, err := emulator.New(emutest.Config())
	if err != nil {
		t.Fatal(err)
	}
	var deletes atomic.Int32
	met := make(chan struct{})
	var overlapped atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			switch deletes.Add(1) {
			case 1: // held until the second arrives; a serialised second one comes after the timeout
				select {
				case <-met:
					overlapped.Store(true)
				case <-time.After(3 * time.Second):
				}
			case 2:
				close(met)
			}
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	tn := &emutest.Tenant{URL: ts.URL}

	enroller := newClient(t, tn).Session(alice())
	first, err := enroller.EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := enroller.EnrollOTP(ctx(t), mfaapi.StepUp{OTPSecrets: []string{first.Association.Secret}})
	if err != nil {
		t.Fatal(err)
	}

	// A new process, as terraform destroy starts one: both deletes at once.
	destroyer := newClient(t, tn).Session(alice())
	up := mfaapi.StepUp{OTPSecrets: []string{first.Association.Secret, second.Association.Secret}}
	var wg sync.WaitGroup
	for _, id := range []string{first.ID, second.ID} {
		wg.Go(func() {
			if err := destroyer.Delete(ctx(t), id, up); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if !overlapped.Load() {
		t.Fatal("the user's two DELETE requests were never in flight together")
	}
	if n := destroyer.Logins(); n != 1 {
		t.Fatalf("the two deletes logged in %d times; want one shared login", n)
	}
	list, err := srv.Authenticators(emutest.Username)
	if err != nil || len(list) != 0 {
		t.Fatalf("tenant after both deletes: %v %v", list, err)
	}
}
