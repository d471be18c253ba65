package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// The administrator's route (auth0mfa_authentication_method): U users with one TOTP method
// each, created, refreshed and destroyed through the Management API, in the same run as the
// user route. Its floor is one request per resource per phase (a destroy also refreshes first)
// plus one client-credentials token per provider process.

const (
	benchManagementClientID     = "bench-management"
	benchManagementClientSecret = "bench-management-secret" // emulator test data
	endpointCreateMethod        = "POST /api/v2/users/{id}/authentication-methods"
	endpointGetMethod           = "GET /api/v2/users/{id}/authentication-methods/{method_id}"
	endpointDeleteMethod        = "DELETE /api/v2/users/{id}/authentication-methods/{method_id}"
)

type methodsResult struct {
	Users  int                 `json:"users"`
	Phases []methodsPhaseEntry `json:"phases"`
}

type methodsPhaseEntry struct {
	Phase               string         `json:"phase"`
	WallSeconds         float64        `json:"wall_seconds"`
	Requests            map[string]int `json:"requests"`
	RequestsPerResource float64        `json:"route_requests_per_resource"`
	TokenRequests       int            `json:"token_requests"`
}

// routeEndpoint is the request each phase must send once per resource.
var routeEndpoint = map[string]string{"apply": endpointCreateMethod, "refresh": endpointGetMethod, "destroy": endpointDeleteMethod}

func methodsConfig(users int, tenantURL string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    auth0mfa = { source = "auth0mfa/auth0mfa" }
  }
}

provider "auth0mfa" {
  domain                   = %q
  base_url                 = %q
  client_id                = %q
  client_secret            = %q
  management_client_id     = %q
  management_client_secret = %q
}

resource "auth0mfa_authentication_method" "totp" {
  for_each = toset([for i in range(%d) : format("auth0|bench%%04d", i)])
  user_id  = each.key
  type     = "totp"
}
`, benchDomain, tenantURL, benchClientID, benchClientSecret, benchManagementClientID, benchManagementClientSecret, users)
}

func measureMethods(ctx context.Context, tc *toolchain, o options, users int) (methodsResult, error) {
	tn, err := startTenant(users, o.latency, emulator.MFAPolicyAlways)
	if err != nil {
		return methodsResult{}, err
	}
	defer tn.close()
	dir, err := newWorkspace(tc.dir, fmt.Sprintf("methods%d", users), methodsConfig(users, tn.url))
	if err != nil {
		return methodsResult{}, err
	}
	if !o.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	res := methodsResult{Users: users}
	for _, phase := range phases {
		before := tn.srv.Stats()
		m := tc.terraformRun(ctx, dir, o.parallelism, phase)
		reqs := diff(tn.srv.Stats(), before)
		if m.err != nil {
			return res, fmt.Errorf("terraform %s of %d authentication methods failed: %v\n%s", phase, users, m.err, tail(m.output, 3000))
		}
		res.Phases = append(res.Phases, methodsPhaseEntry{Phase: phase, WallSeconds: round(m.wall.Seconds()), Requests: reqs,
			RequestsPerResource: round(float64(reqs[routeEndpoint[phase]]) / float64(users)), TokenRequests: reqs[tokenEndpoint]})
	}
	return res, nil
}

func methodsTable(results []methodsResult) string {
	if len(results) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nThe administrator's route (auth0mfa_authentication_method, one TOTP method per user):\n\n")
	b.WriteString("| users | phase | wall s | route requests per resource | client-credentials tokens | all requests |\n|---:|---|---:|---:|---:|---:|\n")
	for _, r := range results {
		for _, p := range r.Phases {
			total := 0
			for _, n := range p.Requests {
				total += n
			}
			fmt.Fprintf(&b, "| %d | %s | %.2f | %.2f | %d | %d |\n", r.Users, p.Phase, p.WallSeconds, p.RequestsPerResource, p.TokenRequests, total)
		}
	}
	return b.String()
}
