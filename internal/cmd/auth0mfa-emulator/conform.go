package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/conform"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

const conformSynopsis = "conform (--url URL | --emulator | both) [--out FILE] [--compare FILE] [flags]"

// conformOptions are the conform command's flags; each defaults to $AUTH0MFA_CONFORM_<NAME>
// (the secrets are better given that way: a command line is visible to the machine's users).
type conformOptions struct {
	target            conform.Target
	codeCommand       string
	mgmtKeyFile       string
	emulator          bool
	config, mfaPolicy string
	out, compare      string
}

func conformFlags(stderr io.Writer) (*flag.FlagSet, *conformOptions) {
	fs := newFlags("conform", conformSynopsis, stderr)
	o := &conformOptions{}
	t := &o.target
	str := func(p *string, name, help string) {
		env := "AUTH0MFA_CONFORM_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		fs.StringVar(p, name, os.Getenv(env), help+" ($"+env+")")
	}
	str(&t.URL, "url", "the tenant's base URL: https://YOUR_TENANT.auth0.com, or an emulator's http://127.0.0.1:PORT")
	str(&t.Domain, "domain", "the tenant's domain in the MFA audience https://DOMAIN/mfa/ (default: the URL's host; set it for a custom domain)")
	str(&t.ClientID, "client-id", "an application with the Password and MFA (OTP, OOB, recovery code) grant types")
	str(&t.ClientSecret, "client-secret", "that application's client secret")
	str(&t.Username, "username", "a test user with no MFA factor: conform enrolls factors for it and deletes them")
	str(&t.Password, "password", "the test user's password")
	str(&t.Realm, "realm", "the user's connection, for the password-realm grant (default: the tenant's default directory)")
	str(&o.codeCommand, "code-command", `reads an SMS or email code, as binding_code_command does: a JSON array such as '["./read-code.sh"]'`)
	str(&t.PhoneNumber, "phone-number", "enroll SMS to this number (needs --code-command)")
	str(&t.Email, "email", "enroll email to this address (needs --code-command)")
	str(&t.ManagementClientID, "management-client-id", "also run the Management API route: an application with create:, read:, update: and delete:authentication_methods")
	str(&t.ManagementClientSecret, "management-client-secret", "that application's client secret")
	str(&o.mgmtKeyFile, "management-private-key-file", "instead of --management-client-secret: a PEM RSA private key with which that application authenticates (Private Key JWT, RS256)")
	str(&t.UserID, "user-id", "the test user's Auth0 user id, for the Management API route (the emulator's own when it runs alone)")
	fs.BoolVar(&o.emulator, "emulator", false, "run against an emulator started in this process; with --url too, the tenant runs first and the emulator gets the settings detected there")
	str(&o.config, "config", "the emulator's tenant JSON (default: the demo tenant with the detected or given settings)")
	str(&o.mfaPolicy, "mfa-policy", "the emulator's MFA policy, never or always (default: detected from the tenant run or the --compare record, else never)")
	str(&o.out, "out", "write this run's record (JSON, no values) to FILE")
	str(&o.compare, "compare", "compare this run's record with FILE and print the differences; exit 1 when there are some")
	return fs, o
}

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := conformFlags(stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "auth0mfa-emulator conform: %v\n", err)
		return exitUsage
	}
	var against *conform.Record
	var againstName string
	if o.compare != "" {
		rec, err := conform.Load(o.compare)
		if err != nil {
			fmt.Fprintln(stderr, "auth0mfa-emulator conform:", err)
			return exitUsage
		}
		against, againstName = rec, o.compare
	}
	var first *conform.Record
	tenantOK := true
	if o.target.URL != "" {
		rec, ok := o.runOne(ctx, o.target, "tenant", stderr)
		if rec == nil {
			return exitFailed
		}
		if !o.save(rec, stderr) {
			return exitFailed
		}
		if !o.emulator {
			return report(stdout, rec, "this run", against, againstName, ok)
		}
		if ctx.Err() != nil {
			return exitFailed // interrupted: the tenant run has cleaned up; no emulator run
		}
		first, against, againstName, tenantOK = rec, rec, "the tenant", ok
	}
	settings := o.emulatorSettings(against)
	em, err := startEmulator(o, settings, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator conform:", err)
		return exitFailed
	}
	defer em.close()
	rec, ok := o.runOne(ctx, em.target, "emulator", stderr)
	if rec == nil {
		return exitFailed
	}
	if first == nil && !o.save(rec, stderr) {
		return exitFailed
	}
	// A tenant run that stopped early or left factors fails the command even when the
	// emulator agrees with what it recorded.
	return report(stdout, rec, "the emulator", against, againstName, ok && tenantOK)
}

func (o *conformOptions) check() error {
	if o.target.URL == "" && !o.emulator {
		return fmt.Errorf("give --url (a tenant) or --emulator, or both to compare them")
	}
	if o.target.URL != "" && o.emulator && o.compare != "" {
		return fmt.Errorf("--url with --emulator compares the two runs; --compare is for one run")
	}
	switch o.mfaPolicy {
	case "", "never", "always":
	default:
		return fmt.Errorf("--mfa-policy must be never or always")
	}
	if o.codeCommand != "" {
		if err := json.Unmarshal([]byte(o.codeCommand), &o.target.CodeCommand); err != nil || len(o.target.CodeCommand) == 0 {
			return fmt.Errorf(`--code-command must be a JSON array of strings, such as '["./read-code.sh", "--wait", "10s"]'`)
		}
	}
	if o.mgmtKeyFile != "" {
		pemText, err := os.ReadFile(o.mgmtKeyFile)
		if err != nil {
			return fmt.Errorf("--management-private-key-file: %w", err)
		}
		if o.target.ManagementPrivateKey, err = mfaapi.ParsePrivateKey(string(pemText)); err != nil {
			return fmt.Errorf("--management-private-key-file: %w", err)
		}
	}
	if o.target.URL != "" {
		return o.target.Check()
	}
	return nil
}

// runOne runs the flows against t and says how the cleanup went. ok is false when the run
// stopped early or left factors behind; rec is nil when it could not start.
func (o *conformOptions) runOne(ctx context.Context, t conform.Target, kind string, stderr io.Writer) (*conform.Record, bool) {
	t.Kind, t.Version, t.Progress = kind, version, stderr
	fmt.Fprintf(stderr, "conform: running against the %s\n", kind)
	rec, err := conform.Run(ctx, t)
	if rec == nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator conform:", err)
		return nil, false
	}
	ok := true
	if rec.Stopped != "" {
		fmt.Fprintf(stderr, "conform: the %s run stopped: %s\n", kind, rec.Stopped)
		ok = false
	}
	if err != nil {
		fmt.Fprintf(stderr, "conform: %v\n", err)
		ok = false
	} else {
		fmt.Fprintf(stderr, "conform: every factor this run enrolled at the %s is deleted\n", kind)
	}
	return rec, ok
}

func (o *conformOptions) save(rec *conform.Record, stderr io.Writer) bool {
	if o.out == "" {
		return true
	}
	if err := rec.Save(o.out); err != nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator conform: writing --out:", err)
		return false
	}
	return true
}

// report prints the comparison (or, with nothing to compare, the run's steps) on stdout.
func report(stdout io.Writer, rec *conform.Record, name string, against *conform.Record, againstName string, ok bool) int {
	if against == nil {
		fmt.Fprint(stdout, conform.Steps(rec))
	} else {
		diffs := conform.Compare(rec, against)
		fmt.Fprint(stdout, conform.Table(diffs, name, rec, againstName, against))
		if len(diffs) > 0 {
			return exitFailed
		}
	}
	if !ok {
		return exitFailed
	}
	return 0
}
