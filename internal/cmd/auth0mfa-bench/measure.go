package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// phaseArgs are the terraform commands of the three measured phases.
var phaseArgs = map[string][]string{
	"apply":   {"apply", "-auto-approve", "-input=false", "-no-color"},
	"refresh": {"plan", "-refresh-only", "-input=false", "-no-color"},
	"destroy": {"destroy", "-auto-approve", "-input=false", "-no-color"},
}

var phases = []string{"apply", "refresh", "destroy"}

// measurement is one terraform command.
type measurement struct {
	wall      time.Duration
	peakRSS   int64         // bytes; the largest high-water mark of any provider process; -1 unknown
	cpu       time.Duration // CPU time of the provider processes
	cpuAll    time.Duration // CPU time of terraform and everything it waited for
	totpWaits int
	// stateBytes is the size of terraform.tfstate after the command, stateByType the bytes per
	// resource of each resource type in it.
	stateBytes  int64
	stateByType map[string]int
	failed      int // error diagnostics terraform printed
	err         error
	output      string
}

// terraformRun runs terraform in dir and measures it. The provider's warnings go to a log
// file, where the TOTP-window waits are counted.
func (tc *toolchain) terraformRun(ctx context.Context, dir string, parallelism int, phase string) measurement {
	logPath := filepath.Join(dir, phase+".log")
	args := append(append([]string{}, phaseArgs[phase]...), fmt.Sprintf("-parallelism=%d", parallelism))
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+tc.cliConfig, "TF_IN_AUTOMATION=1",
		// The provider logs its SDKs at the level Terraform collects (provider.AlignSDKLogLevels),
		// so WARN costs about what a run without TF_LOG costs.
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "TF_LOG_PATH="+logPath, "TF_LOG_PROVIDER="+providerLogLevel())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	sampler := startRSSSampler("terraform-provider-auth0mfa")
	start := time.Now()
	err := cmd.Run()
	m := measurement{wall: time.Since(start), err: err, output: out.String()}
	m.peakRSS, m.cpu = sampler.stop()
	if cmd.ProcessState != nil {
		m.cpuAll = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	m.failed = strings.Count(m.output, "Error: ")
	if fi, serr := os.Stat(filepath.Join(dir, "terraform.tfstate")); serr == nil {
		m.stateBytes = fi.Size()
		m.stateByType, _ = bytesPerResourceByType(filepath.Join(dir, "terraform.tfstate"))
	}
	if raw, rerr := os.ReadFile(logPath); rerr == nil {
		m.totpWaits = bytes.Count(raw, []byte("waiting for the next TOTP window"))
	}
	return m
}

// rssSampler polls /proc for processes whose command line names the provider and keeps the
// largest VmHWM (the kernel's own peak resident set) it sees. Each terraform walk starts its
// own provider process; the peak is over all of them.
type rssSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64
	cpu  map[string]time.Duration // CPU time (user+system) last seen, by pid
	// seen holds every pid already classified, and whether it is a provider: a pid's command
	// line is read once, so a tick costs a directory listing and two small reads per provider
	// process, not a read of every process's command line (the sampler shares the 2 cores
	// with what it measures).
	seen map[string]bool
}

func startRSSSampler(name string) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), peak: -1, cpu: map[string]time.Duration{}, seen: map[string]bool{}}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		return s // not Linux: unknown
	}
	s.peak = 0
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			s.sample(name)
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample(name string) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		provider, classified := s.seen[e.Name()]
		if !classified {
			cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			provider = err == nil && bytes.Contains(cmdline, []byte(name))
			// A child terraform has forked but not yet exec'd still shows terraform's command
			// line, and one in the middle of exec shows none: such a pid is looked at again.
			// Kernel threads show none too, but never exec: without this check each tick
			// re-read every one of them (61 on the CI machine), which cost the sampler 1.5 ms a
			// tick, 2.5 s of CPU in a U=100 run, taken from the terraform it measures.
			switch {
			case provider || (len(cmdline) > 0 && !bytes.Contains(cmdline, []byte("terraform"))):
				s.seen[e.Name()] = provider
			case len(cmdline) == 0 && isKernelThread(filepath.Join("/proc", e.Name(), "stat")):
				s.seen[e.Name()] = false
			}
		}
		if !provider {
			continue
		}
		hwm := vmHWM(filepath.Join("/proc", e.Name(), "status"))
		cpu := cpuTime(filepath.Join("/proc", e.Name(), "stat"))
		s.mu.Lock()
		s.peak = max(s.peak, hwm)
		if cpu > 0 {
			s.cpu[e.Name()] = cpu
		}
		s.mu.Unlock()
	}
}

// stop ends sampling and returns the peak RSS and the CPU time the provider processes used
// (as last sampled: a process's final 20 ms may be missed).
func (s *rssSampler) stop() (int64, time.Duration) {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var total time.Duration
	for _, d := range s.cpu {
		total += d
	}
	return s.peak, total
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times; 100 on every Linux we target.
const clockTicks = 100

// cpuTime reads utime+stime from a /proc/PID/stat file.
func cpuTime(path string) time.Duration {
	f := statFields(path)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// pfKthread is the kernel's PF_KTHREAD process flag (include/linux/sched.h).
const pfKthread = 0x00200000

// isKernelThread reads the flags (field 9) of a /proc/PID/stat file.
func isKernelThread(path string) bool {
	f := statFields(path)
	if len(f) < 7 {
		return false
	}
	flags, err := strconv.ParseUint(f[6], 10, 64)
	return err == nil && flags&pfKthread != 0
}

// statFields are the fields of a /proc/PID/stat file after the command name, so f[0] is
// field 3 (the state). The command name (field 2) may hold spaces and parentheses; the fields
// after its last closing paren are fixed.
func statFields(path string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(raw[i+1:]))
}

// vmHWM reads the peak resident set size (bytes) from a /proc/PID/status file.
func vmHWM(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// providerLogLevel is WARN (enough to count TOTP waits) unless AUTH0MFA_BENCH_LOG asks for
// more, to see where the time of a slow phase goes (the workspace is then kept, see -keep).
func providerLogLevel() string {
	if v := os.Getenv("AUTH0MFA_BENCH_LOG"); v != "" {
		return v
	}
	return "WARN"
}
