// Package bindingcode runs a user's binding_code_command to read the code Auth0 sent by SMS,
// voice call or email. The command is an argv list run without a shell, with bounded time and
// output, and without the provider's own credentials in its environment. Its errors describe
// what the command did (exit status, a bounded and scrubbed stderr) and never the code.
package bindingcode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Request describes the code being waited for; it becomes the command's environment.
type Request struct {
	Argv        []string
	Channel     string // sms, voice or email
	PhoneNumber string
	Email       string
	Username    string
	SentAt      time.Time
}

// Runner runs commands. The zero value uses the defaults below.
type Runner struct {
	// RunTimeout bounds one run of the command.
	RunTimeout time.Duration
	// MaxOutput bounds what is read from stdout and from stderr.
	MaxOutput int64
	// FirstBackoff and MaxBackoff space the retries of a failed run.
	FirstBackoff, MaxBackoff time.Duration
	// Environ is the environment the command starts from (os.Environ when nil).
	Environ func() []string
}

const (
	defaultRunTimeout = 60 * time.Second
	defaultMaxOutput  = 64 << 10
	maxStderrShown    = 1 << 10
)

// codePattern is what a binding code looks like: Auth0 sends 6 digits; 4 to 10 are accepted so a
// future length change does not break users, while anything else is refused.
var codePattern = regexp.MustCompile(`^[0-9]{4,10}$`)

// ErrNotACode is returned for output that is not a plausible code; the output is not shown.
var ErrNotACode = errors.New("the command printed something that is not a binding code (4 to 10 digits); the output is not shown because it may hold secrets")

// ParseCode trims the command's stdout and checks it is a code.
func ParseCode(stdout []byte) (string, error) {
	s := strings.TrimSpace(string(stdout))
	if s == "" {
		return "", errors.New("the command printed nothing on stdout")
	}
	if !codePattern.MatchString(s) {
		return "", ErrNotACode
	}
	return s, nil
}

// RunError is a failed run of the command.
type RunError struct {
	Argv0    string
	ExitCode int // -1 when the command did not exit by itself
	Reason   string
	Stderr   string // bounded, with digit runs masked
	Attempts int
	// NotStarted is a command that could not be run at all (no such file, not executable):
	// no later attempt can succeed, so it is not retried.
	NotStarted bool
}

func (e *RunError) Error() string {
	if e.NotStarted {
		return fmt.Sprintf("binding_code_command %q could not be started: %s", e.Argv0, e.Reason)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "binding_code_command %q failed", e.Argv0)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " %d times", e.Attempts)
	}
	fmt.Fprintf(&b, "; last: %s", e.Reason)
	if e.ExitCode >= 0 {
		fmt.Fprintf(&b, " (exit status %d)", e.ExitCode)
	}
	if e.Stderr != "" {
		fmt.Fprintf(&b, "; stderr: %s", e.Stderr)
	}
	return b.String()
}

// CheckStartable reports, without running it, a command that cannot be started: argv[0] is
// not found (on PATH, or at the path given) or is not executable. The provider calls it
// before asking Auth0 for anything, so such a typo leaves no pending factor behind.
func CheckStartable(argv []string) error {
	if len(argv) == 0 || strings.TrimSpace(argv[0]) == "" {
		return errors.New("binding_code_command is empty")
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return &RunError{Argv0: argv[0], ExitCode: -1, Reason: err.Error(), Attempts: 1, NotStarted: true}
	}
	return nil
}

// Fetcher is Fetch for the code of the message sent at the time it is called with: the form
// the MFA client asks for (mfaapi.BindingCodeFetcher), shared by the OOB resource and the
// verify_login action.
func (r Runner) Fetcher(req Request) func(ctx context.Context, sentAt time.Time) (string, error) {
	return func(ctx context.Context, sentAt time.Time) (string, error) {
		req.SentAt = sentAt
		return r.Fetch(ctx, req)
	}
}

// Fetch runs the command until it prints a code or ctx ends, backing off between failed runs.
func (r Runner) Fetch(ctx context.Context, req Request) (string, error) {
	if len(req.Argv) == 0 || strings.TrimSpace(req.Argv[0]) == "" {
		return "", errors.New("binding_code_command is empty")
	}
	backoff := r.firstBackoff()
	var informative error // the last failure that says what the command did
	for attempt := 1; ; attempt++ {
		code, err := r.runOnce(ctx, req)
		if err == nil {
			return code, nil
		}
		var re *RunError
		if errors.As(err, &re) {
			re.Attempts = attempt
			if re.NotStarted {
				return "", err // a missing or non-executable program stays so: fail at once
			}
		}
		if ctx.Err() == nil || informative == nil {
			informative = err
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("no binding code before the create timeout: %w", informative)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no binding code before the create timeout: %w", informative)
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, r.maxBackoff())
	}
}

func (r Runner) runOnce(ctx context.Context, req Request) (string, error) {
	runCtx, cancel := context.WithTimeout(ctx, r.runTimeout())
	defer cancel()
	cmd := exec.CommandContext(runCtx, req.Argv[0], req.Argv[1:]...)
	cmd.Env = r.environment(req)
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &stdout, left: r.maxOutput()}
	cmd.Stderr = &limitedWriter{w: &stderr, left: r.maxOutput()}
	err := cmd.Run()
	fail := func(reason string) *RunError {
		exit := -1
		if cmd.ProcessState != nil && cmd.ProcessState.Exited() {
			exit = cmd.ProcessState.ExitCode()
		}
		return &RunError{Argv0: req.Argv[0], ExitCode: exit, Reason: reason, Stderr: scrub(stderr.Bytes())}
	}
	switch {
	case runCtx.Err() != nil && runDeadlineFirst(ctx, runCtx):
		return "", fail(fmt.Sprintf("it did not finish within %s", r.runTimeout()))
	case runCtx.Err() != nil:
		return "", fail("the create timeout ended it")
	case err != nil:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return "", fail("it exited with an error")
		}
		re := fail(err.Error())
		re.NotStarted = true
		return "", re
	}
	code, perr := ParseCode(stdout.Bytes())
	if perr != nil {
		return "", fail(perr.Error())
	}
	return code, nil
}

// runDeadlineFirst reports whether the run's own time limit, not the caller's, ended the run.
// (A child the command left behind may hold its output open past both; the order of the
// deadlines, not which context is done afterwards, says which one fired.)
func runDeadlineFirst(parent, run context.Context) bool {
	pd, hasParent := parent.Deadline()
	rd, _ := run.Deadline()
	return !hasParent || rd.Before(pd)
}

// environment is the inherited one without any AUTH0MFA_* variable (the provider's own
// credentials, AUTH0MFA_CLIENT_SECRET and AUTH0MFA_CLIENT_ASSERTION_PRIVATE_KEY, among them),
// plus the variables that describe this request.
func (r Runner) environment(req Request) []string {
	base := os.Environ
	if r.Environ != nil {
		base = r.Environ
	}
	var env []string
	for _, kv := range base() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "AUTH0MFA_") {
			env = append(env, kv)
		}
	}
	env = append(env, "AUTH0MFA_CHANNEL="+req.Channel, "AUTH0MFA_USERNAME="+req.Username,
		"AUTH0MFA_SENT_AT="+req.SentAt.UTC().Format(time.RFC3339))
	if req.PhoneNumber != "" {
		env = append(env, "AUTH0MFA_PHONE_NUMBER="+req.PhoneNumber)
	}
	if req.Email != "" {
		env = append(env, "AUTH0MFA_EMAIL="+req.Email)
	}
	return env
}

// digitRuns are masked in stderr: a script that logs the code must not leak it into an error.
var digitRuns = regexp.MustCompile(`[0-9]{4,}`)

func scrub(stderr []byte) string {
	s := strings.TrimSpace(string(stderr))
	if len(s) > maxStderrShown {
		s = "…" + s[len(s)-maxStderrShown:]
	}
	return digitRuns.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("*", len(m)) })
}

func (r Runner) runTimeout() time.Duration {
	if r.RunTimeout > 0 {
		return r.RunTimeout
	}
	return defaultRunTimeout
}

func (r Runner) maxOutput() int64 {
	if r.MaxOutput > 0 {
		return r.MaxOutput
	}
	return defaultMaxOutput
}

func (r Runner) firstBackoff() time.Duration {
	if r.FirstBackoff > 0 {
		return r.FirstBackoff
	}
	return time.Second
}

func (r Runner) maxBackoff() time.Duration {
	if r.MaxBackoff > 0 {
		return r.MaxBackoff
	}
	return 10 * time.Second
}

// limitedWriter keeps the first left bytes and discards the rest without failing the command.
type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	n := len(p)
	if l.left <= 0 {
		return n, nil
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	l.left -= int64(len(p))
	_, err := l.w.Write(p)
	return n, err
}
