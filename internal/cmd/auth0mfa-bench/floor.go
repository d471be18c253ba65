package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// The floor matrix: the same U users under both MFA policies (a tenant that forces MFA, and a
// new tenant's default, "never", where an unenrolled user's login answers with an access token
// instead of an mfa_token) and in both configuration forms (for_each, count). For each it
// reports the requests per endpoint against the floor, and splits the wall time into
// Terraform's own time on a state of the same size (terraform_data padded to it, same form)
// and the provider's time per resource beyond the network floor.

var (
	allPolicies = []string{emulator.MFAPolicyAlways, emulator.MFAPolicyNever}
	allForms    = []string{"for_each", "count"}
)

type floorResult struct {
	Policy string            `json:"policy"`
	Form   string            `json:"form"`
	Users  int               `json:"users"`
	Phases []floorPhaseEntry `json:"phases"`
}

type floorPhaseEntry struct {
	Phase       string         `json:"phase"`
	Requests    map[string]int `json:"requests"`
	Total       int            `json:"requests_total"`
	MinRequests int            `json:"min_requests"`
	WallSeconds float64        `json:"wall_seconds"`
	// SizedBaselineSeconds is Terraform's own time for as many terraform_data resources with a
	// state as large as the provider's, in the same form.
	SizedBaselineSeconds float64 `json:"terraform_same_state_seconds"`
	FloorSeconds         float64 `json:"floor_seconds"`
	// BeyondFloorMsPerResource is (wall − Terraform's own − network floor) per resource: what
	// the provider adds on top of the round trips it cannot avoid.
	BeyondFloorMsPerResource float64 `json:"provider_ms_per_resource_beyond_floor"`
	ProviderCPUMsPerResource float64 `json:"provider_cpu_ms_per_resource"`
}

func measureFloors(ctx context.Context, tc *toolchain, o options) ([]floorResult, error) {
	var out []floorResult
	for _, form := range allForms {
		var sized map[string]measurement
		for _, policy := range allPolicies {
			fmt.Fprintf(os.Stderr, "floor matrix: %d users, policy %s, %s\n", o.floorUsers, policy, form)
			ms, reqs, err := oneRun(ctx, tc, o, o.floorUsers, 0, variant{policy: policy, form: form})
			if err != nil {
				return nil, err
			}
			if sized == nil {
				plain, err := baselineRun(ctx, tc, o, 2*o.floorUsers, 0, form)
				if err != nil {
					return nil, err
				}
				pad := stateSizedPad(ms["apply"].stateBytes, plain["apply"].stateBytes, 2*o.floorUsers)
				if sized, err = baselineRun(ctx, tc, o, 2*o.floorUsers, pad, form); err != nil {
					return nil, err
				}
			}
			out = append(out, floorResult{Policy: policy, Form: form, Users: o.floorUsers, Phases: floorPhases(o, ms, reqs, sized)})
		}
	}
	return out, nil
}

func floorPhases(o options, ms map[string]measurement, reqs map[string]map[string]int, sized map[string]measurement) []floorPhaseEntry {
	resources := float64(2 * o.floorUsers)
	var out []floorPhaseEntry
	for _, p := range phases {
		e := floorPhaseEntry{Phase: p, Requests: reqs[p], MinRequests: minRequestsPerUser[p] * o.floorUsers,
			WallSeconds: round(ms[p].wall.Seconds()), SizedBaselineSeconds: round(sized[p].wall.Seconds())}
		for _, n := range reqs[p] {
			e.Total += n
		}
		floor := float64(e.MinRequests) * o.latency.Seconds() / float64(o.parallelism)
		e.FloorSeconds = round(floor)
		e.BeyondFloorMsPerResource = round((ms[p].wall.Seconds() - sized[p].wall.Seconds() - floor) * 1000 / resources)
		e.ProviderCPUMsPerResource = round(ms[p].cpu.Seconds() * 1000 / resources)
		out = append(out, e)
	}
	return out
}

// floorTable is the markdown of the floor matrix.
func floorTable(results []floorResult) string {
	if len(results) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nRequest floor by MFA policy and configuration form (%d users, an OTP and an SMS factor each):\n\n", results[0].Users)
	b.WriteString("| policy | form | phase | token | list | associate | other | total | minimum | wall s | Terraform, same state s | floor s | provider ms/resource beyond floor | provider CPU ms/resource |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		for _, e := range r.Phases {
			token, list, assoc := e.Requests[tokenEndpoint], e.Requests["GET /mfa/authenticators"], e.Requests["POST /mfa/associate"]
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.1f | %.1f |\n", r.Policy, r.Form, e.Phase,
				token, list, assoc, e.Total-token-list-assoc, e.Total, e.MinRequests, e.WallSeconds, e.SizedBaselineSeconds,
				e.FloorSeconds, e.BeyondFloorMsPerResource, e.ProviderCPUMsPerResource)
		}
	}
	return b.String()
}
