// Command auth0mfa-bench measures what the provider costs: wall time, Auth0 requests per
// endpoint and per resource, and the provider's peak memory, for terraform apply, a
// refresh-only plan and destroy of U users with one OTP and one SMS factor each, against the
// local emulator with an injected latency per request. terraform_data resources of the same
// count are the baseline of Terraform's own cost. Run it with make bench; see
// bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

type options struct {
	users       []int
	runs        int
	latency     time.Duration
	parallelism int
	rateUsers   int
	floorUsers  int
	methodUsers []int
	rateLimit   int
	out         string
	markdown    string
	keep        bool
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "auth0mfa-bench:", err)
		os.Exit(2)
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		fmt.Fprintln(os.Stderr, "auth0mfa-bench: terraform is not on PATH; install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)")
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "auth0mfa-bench:", err)
		os.Exit(1)
	}
	if err := rep.write(opts.out, opts.markdown); err != nil {
		fmt.Fprintln(os.Stderr, "auth0mfa-bench:", err)
		os.Exit(1)
	}
	fmt.Print(rep.table())
	if !rep.Passed {
		fmt.Fprintln(os.Stderr, "auth0mfa-bench: a resource failed or a target was missed; see the table")
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("auth0mfa-bench", flag.ContinueOnError)
	users := fs.String("users", "10,100,500", "comma-separated user counts; each user gets an OTP and an SMS factor")
	methodUsers := fs.String("method-users", "100,500", "comma-separated user counts of the administrator's route (one TOTP method each); \"\" skips it")
	o := options{}
	fs.IntVar(&o.runs, "runs", 3, "runs per user count; wall times are medians")
	fs.DurationVar(&o.latency, "latency", 50*time.Millisecond, "latency the emulator adds to every Auth0 request")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.IntVar(&o.rateUsers, "rate-limited-users", 100, "users of the rate-limited run (0 skips it)")
	fs.IntVar(&o.floorUsers, "floor-users", 100, "users of the floor matrix: both MFA policies x for_each and count, one run each (0 skips it)")
	fs.IntVar(&o.rateLimit, "token-rate-limit", 10, "requests per second the emulator allows on POST /oauth/token in the rate-limited run")
	fs.StringVar(&o.out, "out", "bench/results.json", "machine-readable results")
	fs.StringVar(&o.markdown, "markdown", "bench/results.md", "the table, as markdown")
	fs.BoolVar(&o.keep, "keep", false, "keep the workspaces (main.tf, state, provider logs) and print where")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, f := range strings.Split(*users, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 5000 {
			return o, fmt.Errorf("-users: %q is not a count between 1 and 5000", f)
		}
		o.users = append(o.users, n)
	}
	if strings.TrimSpace(*methodUsers) != "" {
		for _, f := range strings.Split(*methodUsers, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 5000 {
				return o, fmt.Errorf("-method-users: %q is not a count between 1 and 5000", f)
			}
			o.methodUsers = append(o.methodUsers, n)
		}
	}
	if o.runs < 1 || o.parallelism < 1 || o.latency < 0 || o.rateLimit < 1 || o.rateUsers < 0 || o.floorUsers < 0 {
		return o, fmt.Errorf("-runs, -parallelism and -token-rate-limit must be positive, -latency, -rate-limited-users and -floor-users not negative")
	}
	return o, nil
}
