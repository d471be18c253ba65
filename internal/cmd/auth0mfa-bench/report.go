package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// minRequestsPerUser is the fewest Auth0 requests the design allows per user (one OTP and one
// SMS factor), phase by phase; bench/README.md explains each request.
//   - apply 8: 1 login (password grant), 1 list before the first enrollment, then per factor
//     1 associate, 1 confirmation (mfa-otp or mfa-oob grant) and 1 list (the associate answer
//     has no id). The second enrollment starts from the first one's final list.
//   - refresh 2: 1 login, 1 list shared by all of the user's resources.
//   - destroy 6: terraform destroy refreshes first (2, in its own provider process), then 1
//     login, 1 MFA (a TOTP code) and 1 delete per factor.
var minRequestsPerUser = map[string]int{"apply": 8, "refresh": 2, "destroy": 6}

type phaseResult struct {
	Phase           string    `json:"phase"`
	WallSeconds     []float64 `json:"wall_seconds"`
	MedianSeconds   float64   `json:"median_seconds"`
	BaselineSeconds float64   `json:"baseline_median_seconds"`
	// SizedBaselineSeconds: terraform_data padded to the provider's state size (bench/README.md:
	// Terraform's own cost grows with the state's size); RatioWallSized uses it.
	SizedBaselineSeconds float64        `json:"state_sized_baseline_median_seconds"`
	RatioWallSized       float64        `json:"ratio_wall_state_sized_baseline"`
	FloorSeconds         float64        `json:"floor_seconds"`
	RatioWall            float64        `json:"ratio_wall"`
	Requests             map[string]int `json:"requests_by_endpoint"`
	RequestsTotal        int            `json:"requests_total"`
	MinRequests          int            `json:"min_requests"`
	RatioRequests        float64        `json:"ratio_requests"`
	RequestsPerResource  float64        `json:"requests_per_resource"`
	TokenRequestsPerUser float64        `json:"token_requests_per_user"`
	PeakRSSMiB           float64        `json:"provider_peak_rss_mib"`
	ProviderCPUSeconds   float64        `json:"provider_cpu_seconds"`
	TerraformCPUSeconds  float64        `json:"terraform_cpu_seconds"`
	// ProviderCPUMsPerResource is the provider processes' CPU time per resource of the phase.
	ProviderCPUMsPerResource float64 `json:"provider_cpu_ms_per_resource"`
	TOTPWaits                int     `json:"totp_waits"`
}

type scaleResult struct {
	Users     int `json:"users"`
	Resources int `json:"resources"`
	// StateBytes is the provider's terraform.tfstate after apply (median run), PadBytes the
	// per-resource pad of the state-sized baseline.
	StateBytes int64 `json:"state_bytes_after_apply"`
	// StateBytesPerResource is each provider resource type's bytes in that state, per resource.
	StateBytesPerResource map[string]int `json:"state_bytes_per_resource"`
	PadBytes              int            `json:"state_sized_baseline_pad"`
	Phases                []phaseResult  `json:"phases"`
}

type rateLimitedResult struct {
	Users           int                `json:"users"`
	TokenLimit      int                `json:"token_requests_per_second"`
	Phases          map[string]float64 `json:"wall_seconds"`
	TokenRequests   map[string]int     `json:"token_requests"`
	FailedResources int                `json:"failed_resources"`
}

type target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	Met   bool    `json:"met"`
}

type report struct {
	When        string             `json:"when"`
	Machine     string             `json:"machine"`
	Terraform   string             `json:"terraform"`
	LatencyMS   int64              `json:"latency_ms"`
	Parallelism int                `json:"parallelism"`
	Runs        int                `json:"runs"`
	Scales      []scaleResult      `json:"scales"`
	Exponents   map[string]float64 `json:"growth_exponents,omitempty"`
	RateLimited *rateLimitedResult `json:"rate_limited,omitempty"`
	Floors      []floorResult      `json:"floor_matrix,omitempty"`
	Methods     []methodsResult    `json:"authentication_methods,omitempty"`
	Targets     []target           `json:"targets"`
	Passed      bool               `json:"passed"`
}

func run(ctx context.Context, o options) (*report, error) {
	dir, err := os.MkdirTemp("", "auth0mfa-bench-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "keeping the workspaces in", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	tc, err := build(dir)
	if err != nil {
		return nil, err
	}
	rep := &report{When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), Terraform: terraformVersion(),
		LatencyMS: o.latency.Milliseconds(), Parallelism: o.parallelism, Runs: o.runs}
	for _, u := range o.users {
		fmt.Fprintf(os.Stderr, "%d users: ", u)
		sr, err := measureScale(ctx, tc, o, u)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(os.Stderr)
		rep.Scales = append(rep.Scales, sr)
	}
	if o.rateUsers > 0 {
		fmt.Fprintf(os.Stderr, "rate-limited run, %d users, %d token requests/s\n", o.rateUsers, o.rateLimit)
		rl, err := measureRateLimited(ctx, tc, o)
		if err != nil {
			return nil, err
		}
		rep.RateLimited = rl
	}
	for _, u := range o.methodUsers {
		fmt.Fprintf(os.Stderr, "administrator's route: %d users\n", u)
		mr, err := measureMethods(ctx, tc, o, u)
		if err != nil {
			return nil, err
		}
		rep.Methods = append(rep.Methods, mr)
	}
	if o.floorUsers > 0 {
		if rep.Floors, err = measureFloors(ctx, tc, o); err != nil {
			return nil, err
		}
	}
	rep.evaluate()
	return rep, nil
}

func measureScale(ctx context.Context, tc *toolchain, o options, users int) (scaleResult, error) {
	runs := map[string][]measurement{}
	reqs := map[string][]map[string]int{}
	base, sized := map[string][]float64{}, map[string][]float64{}
	var stateBytes []float64
	var byType map[string]int
	pad := 0
	for r := 0; r < o.runs; r++ {
		ms, rq, err := oneRun(ctx, tc, o, users, 0, scaleVariant)
		if err != nil {
			return scaleResult{}, err
		}
		bl, err := baselineRun(ctx, tc, o, 2*users, 0, scaleVariant.form)
		if err != nil {
			return scaleResult{}, err
		}
		stateBytes = append(stateBytes, float64(ms["apply"].stateBytes))
		byType = ms["apply"].stateByType // the same in every run: ids and secrets have fixed lengths
		pad = stateSizedPad(ms["apply"].stateBytes, bl["apply"].stateBytes, 2*users)
		bs, err := baselineRun(ctx, tc, o, 2*users, pad, scaleVariant.form)
		if err != nil {
			return scaleResult{}, err
		}
		for _, p := range phases {
			runs[p] = append(runs[p], ms[p])
			reqs[p] = append(reqs[p], rq[p])
			base[p] = append(base[p], bl[p].wall.Seconds())
			sized[p] = append(sized[p], bs[p].wall.Seconds())
		}
		fmt.Fprint(os.Stderr, ".")
	}
	sr := scaleResult{Users: users, Resources: 2 * users, StateBytes: int64(median(stateBytes)), StateBytesPerResource: byType, PadBytes: pad}
	for _, p := range phases {
		sr.Phases = append(sr.Phases, summarise(p, users, o, runs[p], reqs[p], median(base[p]), median(sized[p])))
	}
	return sr, nil
}

func summarise(phase string, users int, o options, ms []measurement, reqs []map[string]int, baseline, sizedBaseline float64) phaseResult {
	pr := phaseResult{Phase: phase, BaselineSeconds: baseline, SizedBaselineSeconds: sizedBaseline, MinRequests: minRequestsPerUser[phase] * users}
	walls := make([]float64, len(ms))
	for i, m := range ms {
		walls[i] = m.wall.Seconds()
		pr.TOTPWaits += m.totpWaits
		pr.PeakRSSMiB = math.Max(pr.PeakRSSMiB, float64(m.peakRSS)/(1<<20))
	}
	pr.WallSeconds, pr.MedianSeconds = walls, median(walls)
	// Requests of the run with the median wall time (they barely vary between runs).
	mid := slices.Index(walls, pr.MedianSeconds)
	if mid < 0 {
		mid = 0
	}
	pr.Requests = reqs[mid]
	pr.ProviderCPUSeconds = round(ms[mid].cpu.Seconds())
	// terraform's rusage includes the provider processes it reaped: subtract them.
	pr.TerraformCPUSeconds = round((ms[mid].cpuAll - ms[mid].cpu).Seconds())
	pr.ProviderCPUMsPerResource = round(ms[mid].cpu.Seconds() * 1000 / float64(2*users))
	for _, n := range pr.Requests {
		pr.RequestsTotal += n
	}
	pr.RatioRequests = float64(pr.RequestsTotal) / float64(pr.MinRequests)
	pr.RequestsPerResource = float64(pr.RequestsTotal) / float64(2*users)
	pr.TokenRequestsPerUser = float64(pr.Requests[tokenEndpoint]) / float64(users)
	pr.FloorSeconds = float64(pr.MinRequests) * o.latency.Seconds() / float64(o.parallelism)
	pr.RatioWall = pr.MedianSeconds / (pr.BaselineSeconds + pr.FloorSeconds)
	if sizedBaseline > 0 {
		pr.RatioWallSized = pr.MedianSeconds / (sizedBaseline + pr.FloorSeconds)
	}
	return pr
}

func measureRateLimited(ctx context.Context, tc *toolchain, o options) (*rateLimitedResult, error) {
	ms, reqs, err := oneRun(ctx, tc, o, o.rateUsers, o.rateLimit, scaleVariant)
	rl := &rateLimitedResult{Users: o.rateUsers, TokenLimit: o.rateLimit, Phases: map[string]float64{}, TokenRequests: map[string]int{}}
	for _, p := range phases {
		if m, ok := ms[p]; ok {
			rl.Phases[p] = m.wall.Seconds()
			rl.FailedResources += m.failed
			rl.TokenRequests[p] = reqs[p][tokenEndpoint]
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the rate-limited run failed: %w", err)
	}
	return rl, nil
}

// evaluate checks the targets of issue 6 (destroy by ratio a′, issue 13).
func (r *report) evaluate() {
	add := func(name string, value, limit float64, met bool) {
		r.Targets = append(r.Targets, target{Name: name, Value: round(value), Limit: limit, Met: met})
	}
	for _, s := range r.Scales {
		for _, p := range s.Phases {
			if p.Phase == "refresh" {
				perUser := float64(p.RequestsTotal) / float64(s.Users)
				add(fmt.Sprintf("refresh requests per user, U=%d", s.Users), perUser, 2, perUser <= 2)
			}
			add(fmt.Sprintf("TOTP window waits, %s, U=%d", p.Phase, s.Users), float64(p.TOTPWaits), 0, p.TOTPWaits == 0)
			if s.Users == 100 && p.Phase != "refresh" {
				// Issue 15: the provider's own CPU, found with pprof, per resource created or deleted.
				add(fmt.Sprintf("provider CPU ms per resource, %s, U=100", p.Phase), p.ProviderCPUMsPerResource, 6, p.ProviderCPUMsPerResource <= 6)
			}
			if s.Users == 100 {
				if p.Phase == "destroy" {
					// Destroy is judged against the state-sized baseline: Terraform's per-write
					// cost of a state this size, which terraform_data with a few bytes per
					// resource does not pay, dominates it (bench/README.md). Ratio (a)
					// stays in the tables.
					add("ratio (a′) wall/(state-sized baseline+floor), destroy, U=100", p.RatioWallSized, 1.3, p.RatioWallSized <= 1.3)
					continue
				}
				add(fmt.Sprintf("ratio (a) wall/(baseline+floor), %s, U=100", p.Phase), p.RatioWall, 1.3, p.RatioWall <= 1.3)
			}
		}
	}
	for _, s := range r.Scales {
		if s.Users != 100 {
			continue
		}
		for _, typ := range sortedKeys(s.StateBytesPerResource) {
			// Issue 15: at most 1.6 KiB of state per resource, each type.
			n := float64(s.StateBytesPerResource[typ])
			add(fmt.Sprintf("state bytes per resource, %s, U=100", typ), n, 1638, n <= 1638)
		}
	}
	if n := len(r.Scales); n > 0 {
		last := r.Scales[n-1]
		peak := 0.0
		for _, p := range last.Phases {
			peak = math.Max(peak, p.PeakRSSMiB)
		}
		add(fmt.Sprintf("provider peak memory MiB, U=%d", last.Users), peak, 100, peak < 100)
	}
	for _, f := range r.Floors {
		for _, e := range f.Phases {
			if e.Phase == "apply" || e.Phase == "refresh" {
				// Issue 21: the request floor holds under both MFA policies and in both forms.
				add(fmt.Sprintf("requests/minimum, %s, policy %s, %s, U=%d", e.Phase, f.Policy, f.Form, f.Users),
					float64(e.Total)/float64(e.MinRequests), 1, e.Total <= e.MinRequests)
			}
		}
	}
	for _, m := range r.Methods {
		for _, p := range m.Phases {
			// Issue 23: one request of the route per resource and phase.
			add(fmt.Sprintf("route requests per resource, authentication methods, %s, U=%d", p.Phase, m.Users), p.RequestsPerResource, 1, p.RequestsPerResource <= 1)
		}
	}
	r.Exponents = growthExponents(r.Scales)
	if r.RateLimited != nil {
		add(fmt.Sprintf("failed resources, rate-limited run U=%d", r.RateLimited.Users), float64(r.RateLimited.FailedResources), 0, r.RateLimited.FailedResources == 0)
	}
	r.Passed = true
	for _, t := range r.Targets {
		r.Passed = r.Passed && t.Met
	}
}

// growthExponents fits wall ∝ U^k between the two largest scales, per phase.
func growthExponents(scales []scaleResult) map[string]float64 {
	if len(scales) < 2 {
		return nil
	}
	sorted := slices.Clone(scales)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Users < sorted[j].Users })
	a, b := sorted[len(sorted)-2], sorted[len(sorted)-1]
	out := map[string]float64{}
	for i, p := range b.Phases {
		out[p.Phase] = round(math.Log(p.MedianSeconds/a.Phases[i].MedianSeconds) / math.Log(float64(b.Users)/float64(a.Users)))
	}
	return out
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2] // odd counts (the default 3 runs) give the true median
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

func machine() string {
	cpu := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %d CPUs (%s), %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version())
}

func (r *report) write(jsonPath, mdPath string) error {
	for path, body := range map[string]func() ([]byte, error){
		jsonPath: func() ([]byte, error) { return json.MarshalIndent(r, "", "  ") },
		mdPath:   func() ([]byte, error) { return []byte(r.table()), nil },
	} {
		if path == "" {
			continue
		}
		raw, err := body()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
