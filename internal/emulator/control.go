package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// The control API: what a test or a demo needs to play the user's phone, inbox and Guardian
// app, steer time and faults, and see what the tenant holds. Each operation is a Go method
// (for in-process tests) and an HTTP route under /_emulator/ (for the command).

// ErrNotFound is returned by control operations that name something the tenant lacks.
var ErrNotFound = errors.New("not found")

// Outbox lists sent codes, oldest first; to filters by destination when non-empty.
func (s *Server) Outbox(to string) []OutboxMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OutboxMessage
	for _, m := range s.outbox {
		if to == "" || strings.EqualFold(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

// Pushes lists push notifications, oldest first.
func (s *Server) Pushes() []pushRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]pushRequest, 0, len(s.pushes))
	for _, p := range s.pushes {
		out = append(out, *p)
	}
	return out
}

// AnswerPush approves (or rejects) the newest pending push of username, as its Guardian app would.
func (s *Server) AnswerPush(username string, approve bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.pushes) - 1; i >= 0; i-- {
		p := s.pushes[i]
		txn := s.oobTxns[p.OOBCode]
		if !strings.EqualFold(p.Username, username) || p.State != "pending" || txn == nil {
			continue
		}
		p.State, txn.push = "rejected", pushRejected
		if approve {
			p.State, txn.push = "approved", pushApproved
		}
		return nil
	}
	return ErrNotFound
}

// AddUser creates a database user.
func (s *Server) AddUser(cfg UserConfig) error {
	if err := validateUser(cfg); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conn := cfg.Connection
	if conn == "" {
		conn = DefaultConnection
	}
	if s.findUser(conn, cfg.Username) != nil {
		return errors.New("user " + cfg.Username + " already exists")
	}
	s.addUserLocked(cfg)
	return nil
}

// SetPassword changes a user's password, as a password rotation at the tenant would.
func (s *Server) SetPassword(username, password string) error {
	if password == "" {
		return errors.New("the password must not be empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.findUserByName(username)
	if u == nil {
		return ErrNotFound
	}
	u.cfg.Password = password
	// A password change lifts brute-force blocks (DOCS-OLD brute-force-protection-triggers-actions).
	u.guards = nil
	return nil
}

// UserInfo is a user as the control API shows it (never its password).
type UserInfo struct {
	ID         string `json:"user_id"`
	Username   string `json:"username"`
	Email      string `json:"email,omitempty"`
	Connection string `json:"connection"`
	// MFASignIns are the ids of the user's active factors that passed MFA, oldest first
	// (confirmations of new factors are not sign-ins).
	MFASignIns []string `json:"mfa_sign_ins,omitempty"`
}

// Users lists the tenant's users in creation order.
func (s *Server) Users() []UserInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserInfo, 0, len(s.userOrder))
	for _, id := range s.userOrder {
		u := s.users[id]
		out = append(out, UserInfo{ID: u.id, Username: u.cfg.Username, Email: u.cfg.Email, Connection: u.cfg.Connection,
			MFASignIns: slices.Clone(u.signIns)})
	}
	return out
}

// Authenticators is the tenant's truth about a user's factors, for asserting what exists.
func (s *Server) Authenticators(username string) ([]listedAuthenticator, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.findUserByName(username)
	if u == nil {
		return nil, ErrNotFound
	}
	return listing(u), nil
}

// AdvanceClock moves the tenant's clock forward (token and code expiry).
func (s *Server) AdvanceClock(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now is the tenant's current time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// InjectFault adds a fault for the next requests to an endpoint.
func (s *Server) InjectFault(f Fault) { s.traffic.addFault(f) }

// PendingFaults counts injected fault requests that have not happened yet.
func (s *Server) PendingFaults() int { return s.traffic.pendingFaults() }

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() { s.traffic.clearFaults() }

// SetRateLimit sets an endpoint's budget per second (0 restores the default).
func (s *Server) SetRateLimit(endpoint string, perSecond int) {
	s.traffic.setLimit(endpoint, perSecond)
}

// Stats counts requests per endpoint ("POST /oauth/token": 12).
func (s *Server) Stats() map[string]int { return s.traffic.snapshot() }

// Reset returns the tenant to its configuration: users, factors, clock, faults and stats.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset = 0
	_ = s.loadTenant() // the config was valid when the server was built
	s.traffic.reset(s.cfg.RateLimits)
}

func (s *Server) controlRoutes() {
	m := s.mux
	m.HandleFunc("GET /_emulator/outbox", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"messages": nonNil(s.Outbox(r.URL.Query().Get("to")))})
	})
	m.HandleFunc("GET /_emulator/push", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"pushes": s.Pushes()})
	})
	m.HandleFunc("POST /_emulator/push/{action}", s.controlAnswerPush)
	m.HandleFunc("GET /_emulator/users", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"users": s.Users()})
	})
	m.HandleFunc("POST /_emulator/users", s.controlAddUser)
	m.HandleFunc("PUT /_emulator/users/{username}/password", s.controlSetPassword)
	m.HandleFunc("GET /_emulator/users/{username}/authenticators", func(w http.ResponseWriter, r *http.Request) {
		list, err := s.Authenticators(r.PathValue("username"))
		if err != nil {
			writeError(w, http.StatusNotFound, "not_found", "No such user.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"authenticators": list})
	})
	m.HandleFunc("GET /_emulator/users/{username}/blocks", func(w http.ResponseWriter, r *http.Request) {
		st, err := s.Blocks(r.PathValue("username"))
		if err != nil {
			writeError(w, http.StatusNotFound, "not_found", "No such user.")
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
	m.HandleFunc("DELETE /_emulator/users/{username}/blocks", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Unblock(r.PathValue("username")); err != nil {
			writeError(w, http.StatusNotFound, "not_found", "No such user.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_emulator/clock", s.controlClock)
	m.HandleFunc("GET /_emulator/clock", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"now": s.Now().UTC().Format(time.RFC3339)})
	})
	m.HandleFunc("POST /_emulator/faults", s.controlFault)
	m.HandleFunc("DELETE /_emulator/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("PUT /_emulator/rate-limits", s.controlRateLimits)
	m.HandleFunc("GET /_emulator/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"requests": s.Stats()})
	})
	m.HandleFunc("POST /_emulator/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// decodeControl reads a strict JSON control body; unknown keys are an error like in the config.
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid control body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) controlAnswerPush(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if action != "approve" && action != "reject" {
		writeError(w, http.StatusNotFound, "not_found", "Use /_emulator/push/approve or /_emulator/push/reject.")
		return
	}
	var body struct {
		Username string `json:"username"`
	}
	if !decodeControl(w, r, &body) {
		return
	}
	if err := s.AnswerPush(body.Username, action == "approve"); err != nil {
		writeError(w, http.StatusNotFound, "not_found", "No pending push for that user.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlAddUser(w http.ResponseWriter, r *http.Request) {
	var u UserConfig
	if !decodeControl(w, r, &u) {
		return
	}
	if err := s.AddUser(u); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) controlSetPassword(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Password string `json:"password"`
	}
	if !decodeControl(w, r, &body) {
		return
	}
	switch err := s.SetPassword(r.PathValue("username"), body.Password); {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "No such user.")
	case err != nil:
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) controlClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AdvanceSeconds int64 `json:"advance_seconds"`
	}
	if !decodeControl(w, r, &body) {
		return
	}
	if body.AdvanceSeconds < 0 {
		writeError(w, http.StatusBadRequest, "invalid_request", "The clock only moves forward.")
		return
	}
	s.AdvanceClock(time.Duration(body.AdvanceSeconds) * time.Second)
	writeJSON(w, http.StatusOK, map[string]any{"now": s.Now().UTC().Format(time.RFC3339)})
}

func (s *Server) controlFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !decodeControl(w, r, &f) {
		return
	}
	if f.Endpoint != "*" && !isEndpoint(f.Endpoint) {
		writeError(w, http.StatusBadRequest, "invalid_request", "Unknown endpoint; use one of: "+strings.Join(Endpoints(), ", ")+" or *.")
		return
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		writeError(w, http.StatusBadRequest, "invalid_request", "status must be a 4xx or 5xx code.")
		return
	}
	s.InjectFault(f)
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) controlRateLimits(w http.ResponseWriter, r *http.Request) {
	var limits map[string]int
	if !decodeControl(w, r, &limits) {
		return
	}
	for ep := range limits {
		if !isEndpoint(ep) {
			writeError(w, http.StatusBadRequest, "invalid_request", "Unknown endpoint "+ep+".")
			return
		}
	}
	for ep, n := range limits {
		s.SetRateLimit(ep, n)
	}
	w.WriteHeader(http.StatusNoContent)
}

// Endpoints names the Auth0 endpoints for faults, rate limits and statistics.
func Endpoints() []string {
	eps := []string{
		"POST /oauth/token", "POST /mfa/associate", "POST /mfa/challenge",
		"GET /mfa/authenticators", "DELETE /mfa/authenticators/{id}",
		"POST /api/v2/users/{id}/recovery-code-regeneration",
		"GET /.well-known/openid-configuration", "GET /.well-known/jwks.json",
	}
	sort.Strings(eps)
	return eps
}

func isEndpoint(ep string) bool {
	for _, e := range Endpoints() {
		if e == ep {
			return true
		}
	}
	return false
}
