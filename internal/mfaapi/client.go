// Package mfaapi is a client for Auth0's MFA API (the Authentication API's /oauth/token MFA
// grants and /mfa/*). It knows nothing of Terraform. It authenticates the application with a
// client secret or a private key JWT, retries what is safe to retry, and keeps one session
// per user so that a user is logged in once and its work is serialised.
package mfaapi

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// Config says how to reach a tenant and how the application authenticates.
type Config struct {
	// Domain is the tenant domain; the MFA audience is https://{Domain}/mfa/.
	Domain string
	// BaseURL is where requests go; empty means https://{Domain}.
	BaseURL string
	// ClientID and one of ClientSecret or PrivateKey authenticate the application.
	ClientID     string
	ClientSecret string
	PrivateKey   *rsa.PrivateKey
	// ManagementClientID and one of ManagementClientSecret or ManagementPrivateKey are an
	// application with a client grant for the Management API (https://{Domain}/api/v2/), for
	// the calls of internal/mgmtapi, which go through this client (ManagementDo).
	ManagementClientID     string
	ManagementClientSecret string
	ManagementPrivateKey   *rsa.PrivateKey
	// ManagementSigningAlg is the management application's assertion algorithm (RS256 default).
	ManagementSigningAlg string
	// SigningAlg is the client assertion algorithm: RS256 (default), RS384 or PS256.
	SigningAlg string
	// UserAgent is sent with every request.
	UserAgent string
	// HTTPClient defaults to a client with RequestTimeout per request.
	HTTPClient *http.Client
	// RequestTimeout bounds one HTTP request (default 30 s); a request past it is retried like
	// a dropped connection.
	RequestTimeout time.Duration
	// Retry bounds retries; the zero value means DefaultRetryPolicy.
	Retry RetryPolicy
	// Now is the clock for token lifetimes and TOTP steps; nil means time.Now.
	Now func() time.Time
	// TOTPStore shares the record of used TOTP steps between processes (see totp.Store); nil
	// keeps it in memory only. The provider uses totp.DefaultStore().
	TOTPStore totp.Store
	// Journal, when set, records enrollments in flight so that a later process can delete a
	// factor a killed process confirmed but never handed over (see InFlight). A caller that
	// sets it must call Session.Recorded once it has stored an enrollment. The provider uses
	// DefaultJournal().
	Journal Journal
	// LockDir, when set, holds per-user lock files that serialise enrollments of one user
	// across processes on this machine (see crossProcessLock). The provider uses
	// DefaultLockDir().
	LockDir string
	// Log, when set, receives one line per request attempt (endpoint, status, attempt, wait).
	// The fields never hold credentials, tokens or codes.
	Log func(ctx context.Context, msg string, fields map[string]any)
	// FactorTimes, when set, says when Auth0 created each of a user's factors (ids to ISO 8601
	// times), for errors about factors nothing given can pass MFA with. The provider sets it
	// to the Management API's answer (internal/mgmtapi), when it has a management application.
	FactorTimes func(ctx context.Context, username, realm string) map[string]string
}

// Client talks to one tenant. It is safe for concurrent use.
type Client struct {
	cfg     Config
	base    *url.URL
	http    *http.Client
	now     func() time.Time
	retry   RetryPolicy
	signAlg string
	// mgmtSignAlg is the management application's assertion algorithm.
	mgmtSignAlg string

	mu    sync.Mutex
	users map[string]*userState
	codes *totp.Book
	gates rateGates

	// skew is the tenant's clock minus this machine's in seconds, from the Date header of the
	// last answer (clockskew.go).
	skew atomic.Int64
	// answered is set once the tenant answered any request: a later failure to reach it is
	// transient, not a wrong address.
	answered atomic.Bool

	journalMu   sync.Mutex
	management  managementToken
	ownInFlight map[string]bool // tokens of this process's live journal entries
}

// New validates cfg and builds a client.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Domain) == "" {
		return nil, errors.New("the tenant domain is required")
	}
	if strings.ContainsAny(cfg.Domain, "/: ") {
		return nil, fmt.Errorf("the tenant domain %q must be a host name such as example.eu.auth0.com, without a scheme or path", cfg.Domain)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("the client ID is required")
	}
	if (cfg.ClientSecret == "") == (cfg.PrivateKey == nil) {
		return nil, errors.New("exactly one of a client secret or a client assertion private key is required")
	}
	alg, err := normaliseSigningAlg(cfg.SigningAlg)
	if err != nil {
		return nil, err
	}
	mgmtAlg, err := normaliseSigningAlg(cfg.ManagementSigningAlg)
	if err != nil {
		return nil, fmt.Errorf("management application: %w", err)
	}
	if cfg.ManagementClientSecret != "" && cfg.ManagementPrivateKey != nil {
		return nil, errors.New("the management application authenticates one way: a client secret or a private key, not both")
	}
	rawBase := cfg.BaseURL
	if rawBase == "" {
		rawBase = "https://" + cfg.Domain
	}
	base, err := ParseBaseURL(rawBase)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: base, http: cfg.HTTPClient, now: cfg.Now, retry: cfg.Retry, signAlg: alg, mgmtSignAlg: mgmtAlg,
		users: map[string]*userState{}, ownInFlight: map[string]bool{}}
	if c.http == nil {
		timeout := cfg.RequestTimeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		c.http = &http.Client{Timeout: timeout, Transport: newTransport()}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.retry == (RetryPolicy{}) {
		c.retry = DefaultRetryPolicy
	}
	c.codes = totp.NewBook(c.now).WithStore(cfg.TOTPStore)
	return c, nil
}

// ParseBaseURL accepts https://host[:port], or http:// only for a loopback host (the local
// emulator): credentials and tokens must never cross a network in clear text.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("the base URL %q must look like https://example.eu.auth0.com", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("the base URL %q must be only a scheme and host, without a path, query or credentials", raw)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("the base URL %q uses plain http to a host that is not loopback; passwords and tokens would cross the network unencrypted, so use https (http is only allowed for 127.0.0.1, ::1 or localhost, e.g. the local emulator)", raw)
	}
	u.Path = ""
	return u, nil
}

// IsLoopbackHost reports whether host is localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MFAAudience is the audience of tokens that manage authenticators.
func (c *Client) MFAAudience() string { return "https://" + c.cfg.Domain + "/mfa/" }

// Domain is the tenant domain.
func (c *Client) Domain() string { return c.cfg.Domain }

// TOTPWaits counts how often the client had to wait for a new TOTP window because every
// valid code of a secret was already used.
func (c *Client) TOTPWaits() int64 { return c.codes.Waits() }

// Codes is the client's record of used TOTP steps, for local helpers (the ephemeral TOTP
// code) that must hand out only codes no operation of this provider has used.
func (c *Client) Codes() *totp.Book { return c.codes }

// maxConnsKept is how many idle connections to the tenant a provider process keeps. Terraform
// runs up to -parallelism (default 10) operations at once, all against one host; Go's default
// keeps 2, so most requests of a busy apply opened a new connection, which against Auth0 is a
// TCP and TLS handshake of a few round trips each (make bench counted one new connection per
// 3 to 4 requests before this).
const maxConnsKept = 64

func newTransport() *http.Transport {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // replaced by a program embedding the client: start from Go's defaults' essentials
		base = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t := base.Clone()
	t.MaxIdleConns = maxConnsKept
	t.MaxIdleConnsPerHost = maxConnsKept
	return t
}
