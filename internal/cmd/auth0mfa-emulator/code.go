package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// runCode prints the newest code sent to --to, so a binding_code_command needs neither curl
// nor jq. It prints only the code on stdout; every problem goes to stderr with exit 1.
func runCode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("code", "code --url URL [--to DESTINATION] [--since RFC3339] [--wait 10s]", stderr)
	base := fs.String("url", "", "the emulator's URL, as printed on its first line")
	// The defaults come from the environment the provider gives a binding_code_command, so the
	// command can be just: ["auth0mfa-emulator", "code", "--url", "http://127.0.0.1:8787"].
	to := fs.String("to", firstEnv("AUTH0MFA_PHONE_NUMBER", "AUTH0MFA_EMAIL"), "the phone number or email address the code was sent to (default $AUTH0MFA_PHONE_NUMBER, then $AUTH0MFA_EMAIL)")
	since := fs.String("since", os.Getenv("AUTH0MFA_SENT_AT"), "only codes sent at or after this RFC 3339 time (default $AUTH0MFA_SENT_AT)")
	wait := fs.Duration("wait", 0, "keep looking for this long when no code is there yet")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *base == "" || *to == "" {
		fmt.Fprintln(stderr, "auth0mfa-emulator code: --url and --to are required")
		return exitUsage
	}
	var after time.Time
	if *since != "" {
		t, err := time.Parse(time.RFC3339Nano, *since)
		if err != nil {
			fmt.Fprintln(stderr, "auth0mfa-emulator code: --since must be an RFC 3339 time")
			return exitUsage
		}
		after = t
	}
	deadline := time.Now().Add(*wait)
	for {
		code, err := newestCode(ctx, *base, *to, after)
		if err == nil {
			fmt.Fprintln(stdout, code)
			return 0
		}
		if !errors.Is(err, errNoCode) || time.Now().After(deadline) {
			fmt.Fprintln(stderr, "auth0mfa-emulator code:", err)
			return 1
		}
		select {
		case <-ctx.Done():
			return 1
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

var errNoCode = errors.New("no code has been sent to that destination")

func newestCode(ctx context.Context, base, to string, after time.Time) (string, error) {
	u := strings.TrimRight(base, "/") + "/_emulator/outbox?to=" + url.QueryEscape(to)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("bad --url: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot reach the emulator: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the emulator answered %s", resp.Status)
	}
	var body struct {
		Messages []struct {
			Code   string    `json:"code"`
			SentAt time.Time `json:"sent_at"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("unexpected answer from the emulator: %w", err)
	}
	for i := len(body.Messages) - 1; i >= 0; i-- {
		if m := body.Messages[i]; !m.SentAt.Before(after) {
			return m.Code, nil
		}
	}
	return "", errNoCode
}
