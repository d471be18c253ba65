package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedianAndGrowth(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Fatalf("median of 3,1,2 = %v", m)
	}
	scales := []scaleResult{
		{Users: 500, Phases: []phaseResult{{Phase: "apply", MedianSeconds: 50}}},
		{Users: 100, Phases: []phaseResult{{Phase: "apply", MedianSeconds: 10}}},
	}
	if k := growthExponents(scales)["apply"]; k != 1 {
		t.Fatalf("linear growth must give exponent 1, got %v", k)
	}
}

func TestSummariseRatios(t *testing.T) {
	o := options{latency: 50 * time.Millisecond, parallelism: 10}
	ms := []measurement{{wall: 9 * time.Second}, {wall: 7 * time.Second}, {wall: 8 * time.Second}}
	reqs := []map[string]int{{"POST /oauth/token": 1}, {"POST /oauth/token": 2}, {"POST /oauth/token": 300, "GET /mfa/authenticators": 500}}
	p := summarise("apply", 100, o, ms, reqs, 2, 4)
	// The floor is 8 requests × 100 users × 50 ms ÷ 10 = 4 s; the median wall 8 s.
	if p.FloorSeconds != 4 || p.MedianSeconds != 8 || p.RatioWall != 8.0/6 {
		t.Fatalf("floor %v, median %v, ratio %v", p.FloorSeconds, p.MedianSeconds, p.RatioWall)
	}
	// Against the state-sized baseline of 4 s: 8 / (4 + 4).
	if p.SizedBaselineSeconds != 4 || p.RatioWallSized != 1 {
		t.Fatalf("state-sized baseline %v, ratio %v", p.SizedBaselineSeconds, p.RatioWallSized)
	}
	// The requests are those of the median run.
	if p.RequestsTotal != 800 || p.RatioRequests != 1 || p.RequestsPerResource != 4 || p.TokenRequestsPerUser != 3 {
		t.Fatalf("requests %+v", p)
	}
}

func TestTargetsFailTheReport(t *testing.T) {
	r := &report{Scales: []scaleResult{{Users: 100, Phases: []phaseResult{
		{Phase: "refresh", RequestsTotal: 300, MedianSeconds: 1},
	}}}}
	r.evaluate()
	if r.Passed || !strings.Contains(r.table(), "MISSED") {
		t.Fatalf("3 refresh requests per user must miss the target of 2:\n%s", r.table())
	}
}

func TestProcReaders(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	if vmHWM("/proc/self/status") <= 0 {
		t.Fatal("no VmHWM for this process")
	}
	busy := time.Now()
	for time.Since(busy) < 50*time.Millisecond {
	}
	if cpuTime("/proc/self/stat") <= 0 {
		t.Fatal("no CPU time for this process")
	}
	if isKernelThread("/proc/self/stat") {
		t.Fatal("this test process was taken for a kernel thread")
	}
	// kthreadd is pid 2 where the kernel's threads are visible (not in every container).
	if raw, err := os.ReadFile("/proc/2/stat"); err == nil && strings.Contains(string(raw), "(kthreadd)") &&
		!isKernelThread("/proc/2/stat") {
		t.Fatal("kthreadd was not recognised as a kernel thread")
	}
}

// A command name with spaces and parentheses does not shift the fields after it.
func TestStatFieldsAfterAnOddCommandName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stat")
	line := "42 (a) b (c)) S 2 0 0 0 -1 2129984 0 0 0 0 7 3 0 0 20 0 1 0 5 0 0\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	if !isKernelThread(path) {
		t.Fatal("flags 2129984 carry PF_KTHREAD")
	}
	if got := cpuTime(path); got != 100*time.Millisecond {
		t.Fatalf("cpuTime = %v, want 100ms (7+3 ticks)", got)
	}
}

func TestParseFlagsRefusesNonsense(t *testing.T) {
	for _, args := range [][]string{{"-users", "0"}, {"-users", "ten"}, {"-runs", "0"}, {"-latency", "-1s"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
	o, err := parseFlags([]string{"-users", "10, 100"})
	if err != nil || len(o.users) != 2 || o.users[1] != 100 {
		t.Fatalf("%+v %v", o, err)
	}
}

func TestStateSizedPad(t *testing.T) {
	// 200 resources, provider state 560 000 bytes, plain baseline 90 000: each of the 200
	// resources stores its pad twice, so 470 000 / 400.
	if got := stateSizedPad(560_000, 90_000, 200); got != 1175 {
		t.Fatalf("pad %d", got)
	}
	if got := stateSizedPad(50_000, 90_000, 200); got != 0 {
		t.Fatalf("a smaller provider state needs no pad, got %d", got)
	}
	if !strings.Contains(baselineConfig(2, 3, "for_each"), `pad = "xxx"`) || strings.Contains(baselineConfig(2, 0, "for_each"), "pad") {
		t.Fatalf("configs:\n%s\n%s", baselineConfig(2, 3, "for_each"), baselineConfig(2, 0, "for_each"))
	}
	if c := baselineConfig(2, 0, "count"); !strings.Contains(c, "count = 2") || strings.Contains(c, "for_each") {
		t.Fatalf("count form:\n%s", c)
	}
}

// The floor matrix is a target: a request over the minimum under either policy or form misses.
func TestFloorMatrixIsJudged(t *testing.T) {
	r := &report{Floors: []floorResult{{Policy: "never", Form: "count", Users: 10, Phases: []floorPhaseEntry{
		{Phase: "apply", Total: 90, MinRequests: 80},
	}}}}
	r.evaluate()
	if r.Passed || !strings.Contains(r.table(), "| never | count | apply |") {
		t.Fatalf("an apply over the floor must miss:\n%s", r.table())
	}
}

// Destroy at U=100 is judged by ratio (a′), against the state-sized baseline; apply by (a).
func TestDestroyIsJudgedByTheStateSizedBaseline(t *testing.T) {
	r := &report{Scales: []scaleResult{{Users: 100, Phases: []phaseResult{
		{Phase: "apply", MedianSeconds: 5, RatioWall: 1.2, RatioWallSized: 0.9},
		{Phase: "destroy", MedianSeconds: 5, RatioWall: 1.5, RatioWallSized: 0.8},
	}}}}
	r.evaluate()
	if !r.Passed {
		t.Fatalf("destroy at (a) 1.5 but (a′) 0.8 must pass:\n%s", r.table())
	}
	r = &report{Scales: []scaleResult{{Users: 100, Phases: []phaseResult{{Phase: "destroy", MedianSeconds: 5, RatioWall: 1.0, RatioWallSized: 1.4}}}}}
	r.evaluate()
	if r.Passed {
		t.Fatal("destroy at (a′) 1.4 must miss")
	}
}

// The administrator's route is judged at one request of the route per resource and phase.
func TestMethodsRouteIsJudged(t *testing.T) {
	r := &report{Methods: []methodsResult{{Users: 10, Phases: []methodsPhaseEntry{{Phase: "apply", RequestsPerResource: 2, Requests: map[string]int{}}}}}}
	r.evaluate()
	if r.Passed || !strings.Contains(r.table(), "| 10 | apply |") {
		t.Fatalf("two requests per resource must miss:\n%s", r.table())
	}
}
