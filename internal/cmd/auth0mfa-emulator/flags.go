package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlags is a subcommand's flag set; its usage (synopsis, then the flags) goes to stderr on a
// mistake and to stdout for --help.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: auth0mfa-emulator %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and refuses stray arguments. done is true when the command must stop
// with code: 0 after --help, exitUsage after a mistake (the flag package has printed which).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	// The flag package prints the usage itself on -h and on a mistake; it is printed here
	// instead, so --help goes to stdout once.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, true
	case err != nil:
		fs.Usage()
		return exitUsage, true
	case fs.NArg() > 0:
		fmt.Fprintf(fs.Output(), "auth0mfa-emulator %s: unexpected argument %q (every option is a --flag)\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage, true
	}
	return 0, false
}
