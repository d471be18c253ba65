package bindingcode

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseCode(t *testing.T) {
	for in, want := range map[string]string{"123456\n": "123456", "  0042  ": "0042", "1234567890": "1234567890"} {
		if got, err := ParseCode([]byte(in)); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "\n", "12 34", "abc123", "123", "12345678901", "123456\n789012", "your code is 123456"} {
		_, err := ParseCode([]byte(bad))
		if err == nil {
			t.Errorf("accepted %q", bad)
		} else if strings.Contains(err.Error(), "123456") {
			t.Errorf("the error echoes the output: %v", err)
		}
	}
}

func fast() Runner {
	return Runner{RunTimeout: 2 * time.Second, FirstBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Environ: func() []string {
			return []string{"PATH=" + os.Getenv("PATH"), "AUTH0MFA_CLIENT_SECRET=s3cret-value", "AUTH0MFA_CLIENT_ASSERTION_PRIVATE_KEY=pem", "KEEP=1"}
		}}
}

func req(script string) Request {
	return Request{Argv: []string{"sh", "-c", script}, Channel: "sms", PhoneNumber: "+15551234567", Username: "bot@example.com",
		SentAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestFetchPassesTheRequestInTheEnvironmentAndWithholdsCredentials(t *testing.T) {
	script := `[ "$AUTH0MFA_CHANNEL" = sms ] && [ "$AUTH0MFA_PHONE_NUMBER" = +15551234567 ] && [ "$AUTH0MFA_USERNAME" = bot@example.com ] &&
	  [ "$AUTH0MFA_SENT_AT" = 2026-01-02T03:04:05Z ] && [ -z "$AUTH0MFA_CLIENT_SECRET" ] && [ -z "$AUTH0MFA_CLIENT_ASSERTION_PRIVATE_KEY" ] &&
	  [ "$KEEP" = 1 ] && [ -z "$AUTH0MFA_EMAIL" ] && echo 654321`
	code, err := fast().Fetch(context.Background(), req(script))
	if err != nil || code != "654321" {
		t.Fatalf("%q %v", code, err)
	}
}

func TestFetchRetriesUntilTheCodeArrives(t *testing.T) {
	marker := t.TempDir() + "/runs"
	// Fails twice (no code yet), then prints one: the inbox was slow.
	script := `echo x >> ` + marker + `; [ $(wc -l < ` + marker + `) -ge 3 ] && echo 111222 || { echo "no message yet" >&2; exit 3; }`
	code, err := fast().Fetch(context.Background(), req(script))
	if err != nil || code != "111222" {
		t.Fatalf("%q %v", code, err)
	}
}

func TestFetchGivesUpAtTheDeadlineWithAClearError(t *testing.T) {
	for name, tc := range map[string]struct{ script, want string }{
		"exit 1":         {`echo "inbox login failed for 123456" >&2; exit 1`, "exited with an error (exit status 1); stderr: inbox login failed for ******"},
		"garbage":        {`echo "your code is 987654"`, "not a binding code"},
		"prints nothing": {`true`, "printed nothing"},
		"hangs":          {`sleep 5`, "did not finish within"},
		"not found":      {`exec /nonexistent/command`, "exit status 127"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := fast().Fetch(ctx, req(tc.script))
			var re *RunError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "987654") || strings.Contains(err.Error(), "123456") {
				t.Fatalf("a code leaked into the error: %v", err)
			}
			if name != "hangs" && re.Attempts < 2 {
				t.Fatalf("a failing command is retried until the deadline (attempts %d)", re.Attempts)
			}
		})
	}
}

func TestOutputIsBounded(t *testing.T) {
	r := fast()
	r.MaxOutput = 16
	_, err := r.Fetch(withTimeout(t, time.Second), req(`head -c 1000000 /dev/zero | tr '\0' 'a'; exit 0`))
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "not a binding code") {
		t.Fatalf("%v", err)
	}
}

func TestNoShellIsInvolved(t *testing.T) {
	// A shell would expand $HOME and split on the space; argv is passed as it is.
	code, err := fast().Fetch(withTimeout(t, 300*time.Millisecond), Request{Argv: []string{"printf", "%s", "$HOME 1"}, SentAt: time.Now()})
	if !errors.Is(err, ErrNotACode) && (err == nil || !strings.Contains(err.Error(), "not a binding code")) || code != "" {
		t.Fatalf("a literal argv must reach printf unexpanded: %q %v", code, err)
	}
	code, err = fast().Fetch(context.Background(), Request{Argv: []string{"printf", "%s", "246810"}, SentAt: time.Now()})
	if err != nil || code != "246810" {
		t.Fatalf("%q %v", code, err)
	}
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// A command that cannot be started fails on the first attempt, with the cause, instead of
// being retried until the create timeout.
func TestFetchFailsAtOnceWhenTheCommandCannotStart(t *testing.T) {
	dir := t.TempDir()
	notExecutable := dir + "/read-code.sh"
	if err := os.WriteFile(notExecutable, []byte("#!/bin/sh\necho 123456\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, argv0 := range []string{dir + "/no-such-command", notExecutable, "no-such-command-on-path-auth0mfa"} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		start := time.Now()
		_, err := fast().Fetch(ctx, Request{Argv: []string{argv0}, Channel: "sms"})
		cancel()
		var re *RunError
		if !errors.As(err, &re) || !re.NotStarted || re.Attempts != 1 {
			t.Fatalf("%s: want one attempt that could not start, got %v", argv0, err)
		}
		if !strings.Contains(err.Error(), "could not be started") || time.Since(start) > 5*time.Second {
			t.Fatalf("%s: %v after %s", argv0, err, time.Since(start))
		}
		if err := CheckStartable([]string{argv0}); !errors.As(err, &re) || !re.NotStarted {
			t.Fatalf("CheckStartable(%s) = %v", argv0, err)
		}
	}
}

func TestCheckStartableAcceptsRunnableCommands(t *testing.T) {
	if err := CheckStartable([]string{"sh", "-c", "true"}); err != nil {
		t.Fatal(err)
	}
}
