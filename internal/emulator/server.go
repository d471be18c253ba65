// Package emulator is a local Auth0 tenant for the MFA API: the endpoints, shapes, errors and
// lifetimes that reference/auth0-mfa-api.md records, kept in memory. It is test equipment that
// users also run, so it is as strict as Auth0 and never accepts what the client merely claims.
package emulator

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is one emulated tenant. Create it with New; it holds no global state, so a test can
// run many side by side.
type Server struct {
	mu sync.Mutex

	cfg       Config
	wallClock func() time.Time
	offset    time.Duration
	signer    *signer

	clients   map[string]*client
	users     map[string]*user // by user id
	userOrder []string
	mfaTokens map[string]*mfaTokenRecord
	oobTxns   map[string]*oobTransaction
	usedJTIs  map[string]time.Time
	outbox    []OutboxMessage
	pushes    []*pushRequest
	// keyChallenges are the security-key sign-ins in progress (webauthn_signin.go).
	keyChallenges map[string]*keyChallenge

	traffic *trafficControl

	// onSecret, when set, receives every secret the tenant hands out (tests that prove none
	// leaks use it).
	onSecret func(string)

	// latency delays every Auth0 endpoint's answer (not the control API's), like a network
	// round trip to a real tenant (benchmarks).
	latency time.Duration

	// pushPollInterval is the shortest gap between two polls of one push transaction before
	// the emulator answers slow_down.
	pushPollInterval time.Duration

	mux *http.ServeMux
}

// Option adjusts a Server at construction.
type Option func(*Server)

// WithClock replaces the wall clock (the control API's offset is added on top).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.wallClock = now } }

// WithSecretRecorder receives every secret value the tenant issues or receives: mfa_tokens,
// access tokens, oob_codes, binding codes, TOTP secrets, recovery codes and client assertions.
func WithSecretRecorder(record func(string)) Option { return func(s *Server) { s.onSecret = record } }

// secret passes an issued secret to the recorder and returns it.
func (s *Server) secret(v string) string {
	if s.onSecret != nil && v != "" {
		s.onSecret(v)
	}
	return v
}

// WithPushPollInterval sets how often a client may poll a push transaction.
func WithPushPollInterval(d time.Duration) Option {
	return func(s *Server) { s.pushPollInterval = d }
}

// WithLatency delays every answer of an Auth0 endpoint by d, like the round trip to a real
// tenant; the control API answers at once.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// New builds a tenant from cfg, which must be valid.
func New(cfg Config, opts ...Option) (*Server, error) {
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sig, err := newSigner(cfg.Domain)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, wallClock: time.Now, signer: sig, pushPollInterval: time.Second}
	for _, o := range opts {
		o(s)
	}
	s.traffic = newTrafficControl(cfg.RateLimits)
	s.traffic.latency = s.latency
	if err := s.loadTenant(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// loadTenant (re)creates clients and users from the config; the caller holds mu or owns s.
func (s *Server) loadTenant() error {
	s.clients = map[string]*client{}
	for _, c := range s.cfg.Clients {
		cl, err := newClient(c)
		if err != nil {
			return err
		}
		s.clients[c.ClientID] = cl
	}
	s.users = map[string]*user{}
	s.userOrder = nil
	for _, u := range s.cfg.Users {
		s.addUserLocked(u)
	}
	s.mfaTokens = map[string]*mfaTokenRecord{}
	s.oobTxns = map[string]*oobTransaction{}
	s.usedJTIs = map[string]time.Time{}
	s.outbox = nil
	s.pushes = nil
	return nil
}

func (s *Server) addUserLocked(cfg UserConfig) {
	if cfg.Connection == "" {
		cfg.Connection = DefaultConnection
	}
	id := cfg.UserID
	if id == "" {
		id = newUserID()
	}
	u := &user{id: id, cfg: cfg}
	if s.cfg.Factors.Email && cfg.EmailVerified && cfg.Email != "" {
		// Auth0 lists every verified email as an active email authenticator (reference §5).
		u.authenticators = append(u.authenticators, &authenticator{
			id: newAuthenticatorID(kindEmail), kind: kindEmail, active: true,
			destination: cfg.Email, derived: true,
		})
	}
	s.users[u.id] = u
	s.userOrder = append(s.userOrder, u.id)
}

// now is the tenant's clock: the wall clock plus the offset set through the control API.
func (s *Server) now() time.Time { return s.wallClock().Add(s.offset) }

func (s *Server) issuer() string      { return "https://" + s.cfg.Domain + "/" }
func (s *Server) mfaAudience() string { return "https://" + s.cfg.Domain + "/mfa/" }

// Handler serves the tenant: the Auth0 endpoints and the /_emulator/ control API.
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.api("POST /oauth/token", s.handleToken)
	s.api("POST /mfa/associate", s.handleAssociate)
	s.api("POST /mfa/challenge", s.handleChallenge)
	s.api("GET /mfa/authenticators", s.handleList)
	s.api("DELETE /mfa/authenticators/{id}", s.handleDelete)
	s.api("POST /api/v2/users/{id}/recovery-code-regeneration", s.handleRecoveryCodeRegeneration)
	s.api("DELETE /api/v2/users/{id}/authenticators", s.handleDeleteAllAuthenticators)
	s.api("DELETE /api/v2/user-blocks/{id}", s.handleDeleteUserBlocks)
	s.api("GET /api/v2/users-by-email", s.handleUsersByEmail)
	s.authMethodRoutes()
	s.api("GET /.well-known/openid-configuration", s.handleDiscovery)
	s.api("GET /.well-known/jwks.json", s.handleJWKS)
	s.securityKeySignInRoutes()
	s.controlRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "endpoint_disabled", fmt.Sprintf("Not found: %s %s", r.Method, r.URL.Path))
	})
}

// api registers an Auth0 endpoint behind the traffic controls (stats, rate limits, faults).
func (s *Server) api(pattern string, h http.HandlerFunc) {
	// Rate windows follow the wall clock: the control API's offset ages tokens, not quotas.
	wrapped := s.traffic.wrap(pattern, s.wallClock, h)
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Auth0 dates every answer with its own clock; net/http would use the machine's, and
		// a tenant whose clock was moved (the control API) must show it, as a skewed one would.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		wrapped.ServeHTTP(w, r)
	}))
}

// Listen binds addr (loopback unless the caller says otherwise) and serves until the
// returned server is closed. It reports the URL clients should use.
func (s *Server) Listen(addr string) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}
