package emulator

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// What Universal Login offers a user with a security key, in small: a page that signs the user
// in with username and password, then asks the browser for an assertion of one of the user's
// webauthn-roaming keys (navigator.credentials.get with the tenant's relying party and its
// user-verification setting), verifies it with go-webauthn and records the sign-in with that
// factor (GET /_emulator/users shows mfa_sign_ins). The MFA API cannot do this: it cannot
// challenge a security key (DWEBAUTHN, Limitations), so the emulator's pickChallengeTarget
// refuses one.
//
// A browser only runs WebAuthn for a relying party that is the page's host or a parent of it,
// in a secure context. So the page must be opened at the tenant's domain (or custom domain):
// tests map that name to the emulator (Chromium: --host-resolver-rules) and let the browser treat
// its http origin as secure (--unsafely-treat-insecure-origin-as-secure), as the guide
// "Security keys for browser tests" shows.

const signInPath = "/u/mfa-webauthn-challenge"

// keyChallengeLifetime bounds a ceremony, as Universal Login's transaction does.
const keyChallengeLifetime = 5 * time.Minute

//go:embed webauthn_signin.html
var signInPage []byte

// keyChallenge is one sign-in between its options and its assertion.
type keyChallenge struct {
	userID  string
	origin  string
	session webauthn.SessionData
	expires time.Time
}

func (s *Server) securityKeySignInRoutes() {
	s.api("GET "+signInPath, s.handleSignInPage)
	s.api("POST "+signInPath+"/options", s.handleSignInOptions)
	s.api("POST "+signInPath+"/verify", s.handleSignInVerify)
}

func (s *Server) handleSignInPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(signInPage)
}

// pageOrigin is the origin the browser will put into the assertion, when the page was opened
// where the tenant's relying party can be used; otherwise it says how to open it.
func (s *Server) pageOrigin(r *http.Request) (string, error) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	rp := s.relyingPartyID()
	if !strings.EqualFold(host, rp) && !strings.HasSuffix(strings.ToLower(host), "."+strings.ToLower(rp)) {
		return "", fmt.Errorf("open this page at http://%s (the tenant's relying party), not %s: map that name to the emulator "+
			"(Chromium: --host-resolver-rules=\"MAP %s 127.0.0.1\") so that the browser lets the page use the security key", rp, r.Host, rp)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host, nil
}

func (s *Server) relyingParty(origin string) (*webauthn.WebAuthn, error) {
	return webauthn.New(&webauthn.Config{RPID: s.relyingPartyID(), RPDisplayName: s.cfg.FriendlyName, RPOrigins: []string{origin}})
}

type signInRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) handleSignInOptions(w http.ResponseWriter, r *http.Request) {
	var req signInRequest
	if err := decodeJSON(r, &req); err != nil || req.Username == "" || req.Password == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "Give username and password.")
		return
	}
	origin, err := s.pageOrigin(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_origin", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ip := clientIP(r)
	u, aerr := s.checkPassword(s.cfg.defaultDirectory(), req.Username, req.Password, ip)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	s.loginSucceeded(u, ip)
	holder := u.securityKeys(s.relyingPartyID())
	if len(holder.keys) == 0 {
		writeError(w, http.StatusBadRequest, "no_security_key",
			"The user has no security key for "+s.relyingPartyID()+": create a webauthn-roaming authentication method first.")
		return
	}
	rp, err := s.relyingParty(origin)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	options, session, err := rp.BeginLogin(holder, webauthn.WithUserVerification(protocol.UserVerificationRequirement(s.cfg.WebAuthn.UserVerification)))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	s.forgetExpiredKeyChallenges()
	id := newOpaqueToken(s.now().Add(keyChallengeLifetime))
	if s.keyChallenges == nil {
		s.keyChallenges = map[string]*keyChallenge{}
	}
	s.keyChallenges[id] = &keyChallenge{userID: u.id, origin: origin, session: *session, expires: s.now().Add(keyChallengeLifetime)}
	writeJSON(w, http.StatusOK, map[string]any{"ceremony": id, "publicKey": options.Response})
}

type signInAssertion struct {
	Ceremony   string          `json:"ceremony"`
	Credential json.RawMessage `json:"credential"`
}

func (s *Server) handleSignInVerify(w http.ResponseWriter, r *http.Request) {
	var req signInAssertion
	if err := decodeJSON(r, &req); err != nil || req.Ceremony == "" || len(req.Credential) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_request", "Give ceremony and credential.")
		return
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(req.Credential))
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.keyChallenges[req.Ceremony]
	delete(s.keyChallenges, req.Ceremony) // one assertion per ceremony, good or bad
	if c == nil || s.now().After(c.expires) {
		writeError(w, http.StatusBadRequest, "invalid_request", "The sign-in expired or was already used: start again.")
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "The credential is not a WebAuthn assertion: "+webauthnReason(err))
		return
	}
	u := s.users[c.userID]
	if u == nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "The user no longer exists.")
		return
	}
	holder := u.securityKeys(s.relyingPartyID())
	rp, err := s.relyingParty(c.origin)
	if err == nil {
		var cred *webauthn.Credential
		if cred, err = rp.ValidateLogin(holder, c.session, parsed); err == nil {
			for _, a := range holder.keys {
				if bytes.Equal(a.key.id, cred.ID) {
					// A counter that did not advance is let through: whether Auth0 refuses a
					// possibly cloned key is not recorded (reference §4.2, risks), and a
					// virtual authenticator started again with signCount 0 must still work.
					a.key.signCount = max(a.key.signCount, cred.Authenticator.SignCount)
					u.signIns = append(u.signIns, a.id)
					writeJSON(w, http.StatusOK, map[string]any{"signed_in": true, "authenticator_id": a.id})
					return
				}
			}
		}
	}
	writeError(w, http.StatusUnauthorized, "invalid_assertion", "The security key's assertion was refused: "+webauthnReason(err))
}

// webauthnReason is go-webauthn's details of a refusal (they never hold key material).
func webauthnReason(err error) string {
	var perr *protocol.Error
	if errors.As(err, &perr) && perr.Details != "" {
		return strings.TrimSuffix(perr.Details, ": <nil>")
	}
	if err == nil {
		return "no key of the user signed it"
	}
	return err.Error()
}

func (s *Server) forgetExpiredKeyChallenges() {
	for id, c := range s.keyChallenges {
		if s.now().After(c.expires) {
			delete(s.keyChallenges, id)
		}
	}
}

func decodeJSON(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
