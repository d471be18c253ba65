package main

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
)

// table renders the report as markdown a person can read (and bench/README.md quotes).
func (r *report) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s; %s. Latency %d ms per Auth0 request, -parallelism=%d, median of %d runs.\n\n",
		r.Machine, r.Terraform, r.LatencyMS, r.Parallelism, r.Runs)
	b.WriteString("| users | phase | wall s (median) | terraform_data s | floor s | ratio (a) | ratio (a′) | requests | minimum | ratio (b) | per resource | token req/user | peak MiB | provider CPU s | provider CPU ms/resource | terraform CPU s | TOTP waits |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scales {
		for _, p := range s.Phases {
			fmt.Fprintf(&b, "| %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %.2f | %.2f | %.2f | %.1f | %.2f | %.1f | %.2f | %d |\n",
				s.Users, p.Phase, p.MedianSeconds, p.BaselineSeconds, p.FloorSeconds, p.RatioWall, p.RatioWallSized,
				p.RequestsTotal, p.MinRequests, p.RatioRequests, p.RequestsPerResource, p.TokenRequestsPerUser, p.PeakRSSMiB,
				p.ProviderCPUSeconds, p.ProviderCPUMsPerResource, p.TerraformCPUSeconds, p.TOTPWaits)
		}
	}
	b.WriteString(floorTable(r.Floors))
	b.WriteString(methodsTable(r.Methods))
	b.WriteString("\nState per resource after apply, by type (bytes of the state file Terraform rewrites after every resource):\n\n| users |")
	types := []string{}
	if len(r.Scales) > 0 {
		types = sortedKeys(r.Scales[0].StateBytesPerResource)
	}
	for _, t := range types {
		b.WriteString(" " + t + " |")
	}
	b.WriteString("\n|---:|" + strings.Repeat("---:|", len(types)) + "\n")
	for _, s := range r.Scales {
		fmt.Fprintf(&b, "| %d |", s.Users)
		for _, t := range types {
			fmt.Fprintf(&b, " %d |", s.StateBytesPerResource[t])
		}
		b.WriteString("\n")
	}
	b.WriteString("\nRequests by endpoint:\n\n| users | phase | " + strings.Join(endpointsOf(r), " | ") + " |\n|---:|---|" + strings.Repeat("---:|", len(endpointsOf(r))) + "\n")
	for _, s := range r.Scales {
		for _, p := range s.Phases {
			fmt.Fprintf(&b, "| %d | %s |", s.Users, p.Phase)
			for _, e := range endpointsOf(r) {
				fmt.Fprintf(&b, " %d |", p.Requests[e])
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nTerraform's own cost grows with the size of the state it rewrites after every resource; the state-sized baseline is terraform_data padded to the provider's state size after apply:\n\n")
	b.WriteString("| users | phase | provider state after apply KiB | pad per resource | terraform_data s | state-sized terraform_data s | ratio (a) | ratio (a′) with the state-sized baseline |\n|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scales {
		for _, p := range s.Phases {
			fmt.Fprintf(&b, "| %d | %s | %.0f | %d | %.2f | %.2f | %.2f | %.2f |\n", s.Users, p.Phase, float64(s.StateBytes)/1024, s.PadBytes,
				p.BaselineSeconds, p.SizedBaselineSeconds, p.RatioWall, p.RatioWallSized)
		}
	}
	if len(r.Exponents) > 0 {
		b.WriteString("\nGrowth exponent between the two largest scales (wall ∝ users^k):")
		for _, p := range phases {
			fmt.Fprintf(&b, " %s %.2f;", p, r.Exponents[p])
		}
		b.WriteString("\n")
	}
	if rl := r.RateLimited; rl != nil {
		fmt.Fprintf(&b, "\nRate-limited run: %d users, POST /oauth/token limited to %d/s: apply %.1f s, refresh %.1f s, destroy %.1f s; token requests sent (429s included) %d / %d / %d; failed resources %d.\n",
			rl.Users, rl.TokenLimit, rl.Phases["apply"], rl.Phases["refresh"], rl.Phases["destroy"],
			rl.TokenRequests["apply"], rl.TokenRequests["refresh"], rl.TokenRequests["destroy"], rl.FailedResources)
	}
	b.WriteString("\nTargets:\n\n")
	for _, t := range r.Targets {
		mark := "met"
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(&b, "- %s: %.2f (limit %.2f) %s\n", t.Name, t.Value, t.Limit, mark)
	}
	return b.String()
}

func endpointsOf(r *report) []string {
	seen := map[string]bool{}
	for _, s := range r.Scales {
		for _, p := range s.Phases {
			for e := range p.Requests {
				seen[e] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for e := range seen {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

func terraformVersion() string {
	out, err := exec.Command("terraform", "version").Output()
	if err != nil {
		return "terraform (version unknown)"
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}
