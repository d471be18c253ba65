package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// runTOTP prints the current TOTP code of a secret read from standard input (never from the
// command line, where other users of the machine could see it in the process list).
func runTOTP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("totp", "totp < secret.txt   (the base32 secret on standard input; no flags)", stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		fmt.Fprintln(stderr, "auth0mfa-emulator totp: reading the secret from stdin:", err)
		return 1
	}
	code, err := totp.Code(line, time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator totp:", err)
		return 1
	}
	fmt.Fprintln(stdout, code)
	return 0
}

var stdin io.Reader = os.Stdin
