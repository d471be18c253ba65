package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

const (
	benchDomain       = "bench.auth0mfa.test"
	benchClientID     = "bench-client"
	benchClientSecret = "bench-client-secret" // emulator test data
	tokenEndpoint     = "POST /oauth/token"
)

// tenant is a running emulator with U users.
type tenant struct {
	srv  *emulator.Server
	http *http.Server
	url  string
}

// variant is the tenant's MFA policy and the configuration's form: the scale runs use
// "always" (a tenant that forces MFA, the one this provider exists for, comparable with earlier
// results) and for_each; the floor matrix (floor.go) runs every combination.
type variant struct {
	policy string // emulator.MFAPolicyAlways or emulator.MFAPolicyNever
	form   string // "for_each" or "count"
}

var scaleVariant = variant{policy: emulator.MFAPolicyAlways, form: "for_each"}

func startTenant(users int, latency time.Duration, policy string) (*tenant, error) {
	cfg := emulator.Config{Domain: benchDomain, MFAPolicy: policy, Clients: []emulator.ClientConfig{{
		ClientID: benchClientID, ClientSecret: benchClientSecret,
		GrantTypes: append([]string(nil), emulator.AllGrantTypes...),
	}, {
		ClientID: benchManagementClientID, ClientSecret: benchManagementClientSecret,
		GrantTypes: []string{emulator.GrantClientCredentials}, ManagementScopes: emulator.AuthenticationMethodScopes,
	}}}
	for i := range users {
		cfg.Users = append(cfg.Users, emulator.UserConfig{Username: username(i), Password: benchPassword, UserID: fmt.Sprintf("auth0|bench%04d", i)})
	}
	srv, err := emulator.New(cfg, emulator.WithLatency(latency))
	if err != nil {
		return nil, err
	}
	h, url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &tenant{srv: srv, http: h, url: url}, nil
}

func (t *tenant) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.http.Shutdown(ctx)
}

// factorCounts returns how many users hold an active OTP and an active SMS factor, and how
// many authenticators exist in all (the tenant's truth, checked after apply and destroy).
func (t *tenant) factorCounts(users int) (complete, total int) {
	for i := range users {
		list, _ := t.srv.Authenticators(username(i))
		total += len(list)
		otp, sms := false, false
		for _, a := range list {
			otp = otp || (a.Active && a.AuthenticatorType == "otp")
			sms = sms || (a.Active && a.OOBChannel == "sms")
		}
		if otp && sms {
			complete++
		}
	}
	return complete, total
}

func diff(after, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// oneRun applies, refreshes and destroys U users' factors against a fresh tenant.
func oneRun(ctx context.Context, tc *toolchain, o options, users, rateLimit int, v variant) (map[string]measurement, map[string]map[string]int, error) {
	tn, err := startTenant(users, o.latency, v.policy)
	if err != nil {
		return nil, nil, err
	}
	defer tn.close()
	if rateLimit > 0 {
		tn.srv.SetRateLimit(tokenEndpoint, rateLimit)
	}
	dir, err := newWorkspace(tc.dir, fmt.Sprintf("u%d-%s-%s", users, v.policy, v.form), tc.providerConfig(users, tn.url, benchDomain, benchClientID, benchClientSecret, v.form))
	if err != nil {
		return nil, nil, err
	}
	if !o.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	ms, reqs := map[string]measurement{}, map[string]map[string]int{}
	for _, phase := range phases {
		before := tn.srv.Stats()
		m := tc.terraformRun(ctx, dir, o.parallelism, phase)
		reqs[phase] = diff(tn.srv.Stats(), before)
		if m.err != nil {
			return ms, reqs, fmt.Errorf("terraform %s with %d users failed: %v\n%s", phase, users, m.err, tail(m.output, 3000))
		}
		switch complete, total := tn.factorCounts(users); {
		case phase == "apply" && complete != users:
			return ms, reqs, fmt.Errorf("after apply only %d of %d users hold both factors", complete, users)
		case phase == "destroy" && total != 0:
			return ms, reqs, fmt.Errorf("destroy left %d authenticators at the tenant", total)
		}
		ms[phase] = m
	}
	return ms, reqs, nil
}

// baselineRun does the same phases with terraform_data resources, padded by pad characters each.
func baselineRun(ctx context.Context, tc *toolchain, o options, resources, pad int, form string) (map[string]measurement, error) {
	dir, err := newWorkspace(tc.dir, fmt.Sprintf("baseline%d-pad%d-%s", resources, pad, form), baselineConfig(resources, pad, form))
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ms := map[string]measurement{}
	for _, phase := range phases {
		m := tc.terraformRun(ctx, dir, o.parallelism, phase)
		if m.err != nil {
			return nil, fmt.Errorf("terraform %s of the baseline failed: %v\n%s", phase, m.err, tail(m.output, 3000))
		}
		ms[phase] = m
	}
	return ms, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
