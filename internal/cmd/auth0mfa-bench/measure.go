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
	peakRSS   int64 // bytes; the largest high-water mark of any provider process; -1 unknown
	totpWaits int
	failed    int // error diagnostics terraform printed
	err       error
	output    string
}

// terraformRun runs terraform in dir and measures it. The provider's warnings go to a log
// file, where the TOTP-window waits are counted.
func (tc *toolchain) terraformRun(ctx context.Context, dir string, parallelism int, phase string) measurement {
	logPath := filepath.Join(dir, phase+".log")
	args := append(append([]string{}, phaseArgs[phase]...), fmt.Sprintf("-parallelism=%d", parallelism))
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+tc.cliConfig, "TF_IN_AUTOMATION=1",
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "TF_LOG_PROVIDER=WARN", "TF_LOG_PATH="+logPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	sampler := startRSSSampler("terraform-provider-auth0mfa")
	start := time.Now()
	err := cmd.Run()
	m := measurement{wall: time.Since(start), peakRSS: sampler.stop(), err: err, output: out.String()}
	m.failed = strings.Count(m.output, "Error: ")
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
}

func startRSSSampler(name string) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), peak: -1}
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
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(name)) {
			continue
		}
		if hwm := vmHWM(filepath.Join("/proc", e.Name(), "status")); hwm > 0 {
			s.mu.Lock()
			s.peak = max(s.peak, hwm)
			s.mu.Unlock()
		}
	}
}

func (s *rssSampler) stop() int64 {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// vmHWM reads the peak resident set size (bytes) from a /proc/PID/status file.
func vmHWM(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
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
