package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/conform"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// conformPhoneNumber is where the in-process emulator "sends" SMS codes (a test number).
const conformPhoneNumber = "+15555550100"

// emulatorSettings are the settings the in-process emulator starts with: --mfa-policy, else
// those detected in the record compared with (the tenant run, or --compare), else a new
// tenant's default. The out-of-band channel follows the other record, so both run the same
// steps; without one, SMS.
func (o *conformOptions) emulatorSettings(against *conform.Record) conform.Settings {
	s := conform.Settings{MFAPolicy: emulator.MFAPolicyNever, OOBChannel: "sms"}
	if against != nil {
		s.OOBChannel = against.Settings.OOBChannel
		if against.Settings.MFAPolicy != "" {
			s.MFAPolicy = against.Settings.MFAPolicy
		}
	}
	if o.mfaPolicy != "" {
		s.MFAPolicy = o.mfaPolicy
	}
	return s
}

type inProcessEmulator struct {
	target conform.Target
	http   *http.Server
}

func (e *inProcessEmulator) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.http.Shutdown(ctx)
}

// startEmulator serves --config (or the demo tenant) with the settings on a free loopback
// port, and aims a target at it: the flags' client and user, else the tenant's first ones.
// Its SMS and email codes are read with this binary's code command, through the same
// binding_code_command contract a tenant run uses.
func startEmulator(o *conformOptions, s conform.Settings, stderr io.Writer) (*inProcessEmulator, error) {
	cfg := emulator.DemoConfig()
	if o.config != "" {
		var err error
		if cfg, err = emulator.LoadConfig(o.config); err != nil {
			return nil, err
		}
	}
	if s.MFAPolicy != "" && (o.config == "" || o.mfaPolicy != "") {
		cfg.MFAPolicy = s.MFAPolicy
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		return nil, err
	}
	httpSrv, url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := conform.Target{URL: url, Domain: cfg.Domain}
	if err := aimAtTenant(&t, o, cfg); err != nil {
		_ = httpSrv.Close()
		return nil, err
	}
	if err := o.codeReader(&t, s.OOBChannel, url, cfg); err != nil {
		_ = httpSrv.Close()
		return nil, err
	}
	if o.target.ManagementClientID != "" {
		aimManagementRoute(&t, o, cfg, srv)
	}
	if err := t.Check(); err != nil {
		_ = httpSrv.Close()
		return nil, err
	}
	fmt.Fprintf(stderr, "conform: emulator at %s (mfa_policy %s)\n", url, cfg.MFAPolicy)
	return &inProcessEmulator{target: t, http: httpSrv}, nil
}

// aimAtTenant picks the client and user: from the flags when the tenant run is not also
// using them (a real tenant's credentials mean nothing to the emulator), else the config's.
func aimAtTenant(t *conform.Target, o *conformOptions, cfg emulator.Config) error {
	if o.target.URL == "" && o.target.ClientID != "" {
		t.ClientID, t.ClientSecret = o.target.ClientID, o.target.ClientSecret
	} else {
		for _, c := range cfg.Clients {
			if c.ClientSecret != "" && slices.Contains(c.GrantTypes, "password") {
				t.ClientID, t.ClientSecret = c.ClientID, c.ClientSecret
				break
			}
		}
	}
	if o.target.URL == "" && o.target.Username != "" {
		t.Username, t.Password, t.Realm = o.target.Username, o.target.Password, o.target.Realm
	} else if len(cfg.Users) > 0 {
		t.Username, t.Password = cfg.Users[0].Username, cfg.Users[0].Password
	}
	if t.ClientID == "" || t.Username == "" {
		return fmt.Errorf("the emulator's tenant has no client with a secret and the password grant, or no user")
	}
	return nil
}

// aimManagementRoute runs the Management API route against the emulator too, with its own
// management application and user id unless the emulator runs alone with the flags' values.
func aimManagementRoute(t *conform.Target, o *conformOptions, cfg emulator.Config, srv *emulator.Server) {
	if o.target.URL == "" {
		t.ManagementClientID, t.ManagementClientSecret = o.target.ManagementClientID, o.target.ManagementClientSecret
		t.ManagementPrivateKey = o.target.ManagementPrivateKey
	} else {
		// The emulator's own management application authenticates with its secret, whatever
		// the tenant's used.
		t.ManagementPrivateKey = nil
		for _, c := range cfg.Clients {
			if slices.Contains(c.ManagementScopes, emulator.ScopeCreateAuthenticationMethods) {
				t.ManagementClientID, t.ManagementClientSecret = c.ClientID, c.ClientSecret
				break
			}
		}
	}
	t.UserID = ""
	if o.target.URL == "" {
		t.UserID = o.target.UserID
	}
	for _, u := range srv.Users() {
		if t.UserID == "" && strings.EqualFold(u.Username, t.Username) {
			t.UserID = u.ID
		}
	}
}

// codeReader sets the out-of-band factor for the emulator run: the flags' command and
// destination when given for this run, else this binary's code command.
func (o *conformOptions) codeReader(t *conform.Target, channel, url string, cfg emulator.Config) error {
	if o.target.URL == "" && len(o.target.CodeCommand) > 0 {
		t.CodeCommand, t.PhoneNumber, t.Email = o.target.CodeCommand, o.target.PhoneNumber, o.target.Email
		return nil
	}
	switch channel {
	case "":
		return nil
	case "sms":
		t.PhoneNumber = conformPhoneNumber
	case "email":
		t.Email = cfg.Users[0].Email
		if t.Email == "" {
			t.Email = t.Username
		}
	default:
		return fmt.Errorf("the compared record enrolled %q, which conform does not run", channel)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary for its code command: %w", err)
	}
	t.CodeCommand = []string{self, "code", "--url", url, "--wait", "10s"}
	return nil
}
