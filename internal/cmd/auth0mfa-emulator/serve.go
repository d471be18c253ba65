package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[serve] [--addr 127.0.0.1:8787] [--config tenant.json] [--latency 50ms]", stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "address to listen on; 127.0.0.1:0 picks a free port")
	configPath := fs.String("config", "", "tenant JSON file; without it a demo tenant starts")
	latency := fs.Duration("latency", 0, "delay every Auth0 endpoint's answer by this much, like the round trip to a real tenant (e.g. 50ms)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *latency < 0 || *latency > time.Minute {
		fmt.Fprintln(stderr, "auth0mfa-emulator: --latency must be between 0 and 1m")
		return exitUsage
	}
	cfg := emulator.DemoConfig()
	if *configPath != "" {
		var err error
		if cfg, err = emulator.LoadConfig(*configPath); err != nil {
			fmt.Fprintln(stderr, "auth0mfa-emulator:", err)
			return 1
		}
	}
	srv, err := emulator.New(cfg, emulator.WithLatency(*latency))
	if err != nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator:", err)
		return 1
	}
	httpSrv, url, err := srv.Listen(*addr)
	if err != nil {
		fmt.Fprintln(stderr, "auth0mfa-emulator:", err)
		return 1
	}
	// Scripts read this first line to learn the port: keep it exactly so.
	fmt.Fprintf(stdout, "listening on %s\n", url)
	describe(stdout, stderr, cfg, *configPath == "", *addr)
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = httpSrv.Shutdown(shutdownCtx)
	return 0
}

func describe(stdout, stderr io.Writer, cfg emulator.Config, demo bool, addr string) {
	if host, _, err := net.SplitHostPort(addr); err == nil && !isLoopback(host) {
		fmt.Fprintf(stderr, "warning: listening on %s, which is not loopback: anyone who can reach it can log in as the tenant's users\n", host)
	} else {
		fmt.Fprintln(stdout, "bound to loopback only; use --addr to change")
	}
	fmt.Fprintf(stdout, "tenant domain %s (%s)\n", cfg.Domain, cfg.FriendlyName)
	if !demo {
		fmt.Fprintf(stdout, "%d client(s), %d user(s) from the config file\n", len(cfg.Clients), len(cfg.Users))
		return
	}
	// The demo tenant's values are public test fixtures, printed so a newcomer can use them.
	c, u := cfg.Clients[0], cfg.Users[0]
	fmt.Fprintf(stdout, "demo client: client_id=%s client_secret=%s\n", c.ClientID, c.ClientSecret)
	if len(cfg.Clients) > 1 {
		m := cfg.Clients[1]
		fmt.Fprintf(stdout, "management client: management_client_id=%s management_client_secret=%s\n", m.ClientID, m.ClientSecret)
	}
	fmt.Fprintf(stdout, "demo user:   username=%s password=%s\n", u.Username, u.Password)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
