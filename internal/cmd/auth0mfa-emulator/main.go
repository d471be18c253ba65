// Command auth0mfa-emulator runs a local Auth0 tenant for the MFA API, for offline CI and
// demos, reads the codes it "sent" (code), prints TOTP codes (totp), and compares a real
// tenant's answers with its own (conform).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at release (.goreleaser.yml: -X main.version=…), like the provider's.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes: 0 done, 1 the work failed (conform: the records differ), 2 a usage error.
const (
	exitFailed = 1
	exitUsage  = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		switch {
		case len(args) > 0 && isFlag(args[0], "version"):
			if len(args) > 1 {
				return usageError(stderr, "--version takes no arguments")
			}
			fmt.Fprintln(stdout, "auth0mfa-emulator", version)
			return 0
		case len(args) > 0 && (isFlag(args[0], "help") || isFlag(args[0], "h")):
			fmt.Fprint(stdout, usage)
			return 0
		}
		// No subcommand: serve, as the first releases did (scripts call it with flags only).
		return runServe(ctx, args, stdout, stderr)
	}
	switch name, rest := args[0], args[1:]; name {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "code":
		return runCode(ctx, rest, stdout, stderr)
	case "totp":
		return runTOTP(rest, stdin, stdout, stderr)
	case "conform":
		return runConform(ctx, rest, stdout, stderr)
	case "version":
		if len(rest) > 0 {
			return usageError(stderr, "version takes no arguments")
		}
		fmt.Fprintln(stdout, "auth0mfa-emulator", version)
		return 0
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		// A mistyped subcommand must not start a tenant: a CI step that meant to read a code
		// would hang, or read nothing.
		return usageError(stderr, fmt.Sprintf("unknown command %q", name))
	}
}

func isFlag(arg, name string) bool { return arg == "-"+name || arg == "--"+name }

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "auth0mfa-emulator: %s\n\n%s", msg, usage)
	return exitUsage
}

const usage = `auth0mfa-emulator: a local Auth0 tenant for the MFA API.

usage:

  auth0mfa-emulator [serve] [--addr 127.0.0.1:8787] [--config tenant.json] [--latency 50ms]
      Serves the tenant. The first line printed is "listening on http://HOST:PORT".
      Without --config a demo tenant starts and its client and user are printed.

  auth0mfa-emulator code --url URL [--to DESTINATION] [--since RFC3339] [--wait 10s]
      Prints the newest code the tenant sent to DESTINATION (a phone number or email)
      and exits 1 when there is none. --to and --since default to $AUTH0MFA_PHONE_NUMBER
      (or $AUTH0MFA_EMAIL) and $AUTH0MFA_SENT_AT, which the provider sets for a
      binding_code_command.

  auth0mfa-emulator totp < secret.txt
      Prints the current TOTP code of the base32 secret read from standard input.

  auth0mfa-emulator conform (--url URL | --emulator) [--out record.json] [--compare record.json] ...
      Runs the provider's MFA flows against a tenant (a real one, or this emulator), records
      each answer's status, error and JSON shape (never a value), and with --compare prints
      what differs from another record. It enrolls and deletes factors of the user it is given.

  auth0mfa-emulator version | --version
      Prints the version.

Every command takes --help.
`
