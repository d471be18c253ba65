package mfaapi_test

import (
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// An OTP enrollment sends the floor bench/README.md documents under both MFA policies: 1 login,
// 1 list, 1 associate, 1 confirmation, 1 list. Under "never" (a new tenant's default) the login
// answers with an access token instead of an mfa_token; that token confirms the association,
// so no second login is needed (POST /oauth/token is the endpoint Auth0 limits hardest).
func TestOTPEnrollmentSendsTheFloorUnderEachPolicy(t *testing.T) {
	for _, policy := range emutest.Policies {
		t.Run(policy, func(t *testing.T) {
			tn := emutest.Start(t, emutest.ConfigWithPolicy(policy))
			if _, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{}); err != nil {
				t.Fatal(err)
			}
			got := tn.Stats()
			want := map[string]int{"POST /oauth/token": 2, "GET /mfa/authenticators": 2, "POST /mfa/associate": 1}
			for endpoint, n := range want {
				if got[endpoint] != n {
					t.Errorf("%s: %d requests, want %d (all: %v)", endpoint, got[endpoint], n, got)
				}
			}
		})
	}
}
