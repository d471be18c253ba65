// Command auth0mfa-emulator runs a local Auth0 tenant for the MFA API, for offline CI and
// demos, and reads the codes it "sent" (the code subcommand).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "code":
			return runCode(ctx, args[1:], stdout, stderr)
		case "totp":
			return runTOTP(args[1:], stdin, stdout, stderr)
		case "serve":
			return runServe(ctx, args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return runServe(ctx, args, stdout, stderr)
}

const usage = `auth0mfa-emulator: a local Auth0 tenant for the MFA API.

  auth0mfa-emulator [serve] [--addr 127.0.0.1:8787] [--config tenant.json]
      Serves the tenant. The first line printed is "listening on http://HOST:PORT".
      Without --config a demo tenant starts and its client and user are printed.

  auth0mfa-emulator code --url URL [--to DESTINATION] [--since RFC3339] [--wait 10s]
      Prints the newest code the tenant sent to DESTINATION (a phone number or email)
      and exits 1 when there is none. --to and --since default to $AUTH0MFA_PHONE_NUMBER
      (or $AUTH0MFA_EMAIL) and $AUTH0MFA_SENT_AT, which the provider sets for a
      binding_code_command.

  auth0mfa-emulator totp < secret.txt
      Prints the current TOTP code of the base32 secret read from standard input.
`
