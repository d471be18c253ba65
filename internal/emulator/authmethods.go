package emulator

import (
	"bytes"
	"cmp"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
)

// The Management API's authentication-methods endpoints (reference auth0-management-route.md §1;
// views and scopes in authmethods_view.go). Methods created here are confirmed at once ("auto
// confirmed", OAS), with a TOTP secret the caller chooses, for any user, also one with no
// password; no recovery code comes with them (one exists once it is regenerated, §3.3).

// methodRequest is a POST body, or one element of a PUT body (CreateUserAuthenticationMethod /
// SetUserAuthenticationMethods, additionalProperties false).
type methodRequest struct {
	Type                          string  `json:"type"`
	Name                          *string `json:"name"`
	TOTPSecret                    string  `json:"totp_secret"`
	PhoneNumber                   string  `json:"phone_number"`
	Email                         string  `json:"email"`
	PreferredAuthenticationMethod string  `json:"preferred_authentication_method"`
	KeyID                         string  `json:"key_id"`
	PublicKey                     string  `json:"public_key"`
	RelyingPartyIdentifier        string  `json:"relying_party_identifier"`
}

// methodPatch is a PATCH body: name and the preferred phone method only (OAS
// UpdateUserAuthenticationMethodRequestContent). A secret, a number or an address cannot change.
type methodPatch struct {
	Name                          *string `json:"name"`
	PreferredAuthenticationMethod string  `json:"preferred_authentication_method"`
}

func (s *Server) authMethodRoutes() {
	const base = "/api/v2/users/{id}/authentication-methods"
	s.api("GET "+base, s.handleListMethods)
	s.api("POST "+base, s.handleCreateMethod)
	s.api("PUT "+base, s.handleReplaceMethods)
	s.api("DELETE "+base, s.handleDeleteAllMethods)
	s.api("GET "+base+"/{method_id}", s.handleGetMethod)
	s.api("PATCH "+base+"/{method_id}", s.handlePatchMethod)
	s.api("DELETE "+base+"/{method_id}", s.handleDeleteMethod)
}

// beginMethodsCall starts a handler of these endpoints: it decodes the JSON body into body (when
// not nil), takes the tenant's lock and checks the token's scope and the user. It returns the
// user and the unlock to defer, or nil once it has written the error.
func (s *Server) beginMethodsCall(w http.ResponseWriter, r *http.Request, scope string, body any) (*user, func()) {
	if body != nil && !decodeStrict(w, r, body) {
		return nil, nil
	}
	s.mu.Lock()
	u := s.managementUser(w, r, scope)
	if u == nil {
		s.mu.Unlock()
		return nil, nil
	}
	return u, s.mu.Unlock
}

// invalidBody answers a payload the schema refuses, in the Management API's shape (§1.8:
// "Payload validation error: …", errorCode invalid_body).
func invalidBody(w http.ResponseWriter, format string, args ...any) {
	writeManagementError(w, http.StatusBadRequest, "Payload validation error: "+fmt.Sprintf(format, args...), "invalid_body")
}

// decodeStrict decodes a JSON body into v, refusing unknown fields with the recorded wording of
// "Additional properties not allowed" (§1.8, a third-party quote of a real answer).
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	raw, err := readBody(r)
	if err != nil {
		invalidBody(w, "'The request body could not be read.'")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			invalidBody(w, "'Additional properties not allowed: %s'.", strings.Trim(field, `"`))
		} else {
			invalidBody(w, "'The body is not JSON of the expected shape: %s'.", jsonProblem(err))
		}
		return false
	}
	return true
}

func (s *Server) handleListMethods(w http.ResponseWriter, r *http.Request) {
	u, unlock := s.beginMethodsCall(w, r, ScopeReadAuthenticationMethods, nil)
	if u == nil {
		return
	}
	defer unlock()
	all := u.methods(true)
	q := r.URL.Query()
	page, perPage := atoiOr(q.Get("page"), 0), atoiOr(q.Get("per_page"), 50)
	if page < 0 || perPage < 0 || perPage > 100 {
		writeManagementError(w, http.StatusBadRequest, "Invalid request query string. page must be 0 or more and per_page 0 to 100.", "invalid_query_string")
		return
	}
	start := min(page*perPage, len(all))
	items := all[start:min(start+perPage, len(all))]
	if items == nil {
		items = []methodView{}
	}
	if q.Get("include_totals") != "true" {
		writeJSON(w, http.StatusOK, items) // the bare array of DMGMT's example
		return
	}
	body := map[string]any{"authenticators": items, "start": start, "limit": perPage}
	if len(all) > 0 {
		body["total"] = len(all) // recorded: an empty list has no total (GO1-REC)
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) handleGetMethod(w http.ResponseWriter, r *http.Request) {
	u, unlock := s.beginMethodsCall(w, r, ScopeReadAuthenticationMethods, nil)
	if u == nil {
		return
	}
	defer unlock()
	if a := s.methodOrNotFound(w, r, u); a != nil {
		writeJSON(w, http.StatusOK, u.methodOf(a, true, true))
	}
}

// methodOrNotFound finds the {method_id} of the path or answers the documented 404. Its
// errorCode is not recorded (§1.3), so none is sent.
func (s *Server) methodOrNotFound(w http.ResponseWriter, r *http.Request, u *user) *authenticator {
	a := u.findMethod(r.PathValue("method_id"))
	if a == nil {
		writeManagementError(w, http.StatusNotFound, "The authentication method could not be found.", "")
	}
	return a
}

func (s *Server) handleCreateMethod(w http.ResponseWriter, r *http.Request) {
	var req methodRequest
	u, unlock := s.beginMethodsCall(w, r, ScopeCreateAuthenticationMethods, &req)
	if u == nil {
		return
	}
	defer unlock()
	if msg := s.checkMethodRequest(req, false); msg != "" {
		invalidBody(w, "%s", msg)
		return
	}
	if s.methodExists(u, req) {
		// Not recorded (§1.2: "what counts as already exists … is not stated anywhere"). The
		// emulator's rule: the same type with the same phone number or email address, or the same
		// TOTP secret, as a confirmed method of the user.
		writeManagementError(w, http.StatusConflict, "Authentication method already exists.", "")
		return
	}
	a := s.createMethod(u, req)
	writeJSON(w, http.StatusCreated, createdAnswer{methodView: u.methodOf(a, true, false), ID: methodID(a)})
}

// createdAnswer is methodView with the id last, as the recorded 201 has it: the outer id field
// hides the embedded one (encoding/json takes the shallower of two fields of one name).
type createdAnswer struct {
	methodView
	ID string `json:"id"`
}

func (s *Server) handleReplaceMethods(w http.ResponseWriter, r *http.Request) {
	var reqs []methodRequest
	u, unlock := s.beginMethodsCall(w, r, ScopeUpdateAuthenticationMethods, &reqs)
	if u == nil {
		return
	}
	defer unlock()
	for i, req := range reqs {
		if msg := s.checkMethodRequest(req, true); msg != "" {
			invalidBody(w, "[%d]: %s", i, msg)
			return
		}
	}
	s.removeAllMethods(u)
	out := make([]methodView, 0, len(reqs))
	for _, req := range reqs {
		// The recorded PUT answer shows the values unmasked (GO1-REC).
		out = append(out, u.methodOf(s.createMethod(u, req), false, false))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePatchMethod(w http.ResponseWriter, r *http.Request) {
	var patch methodPatch
	u, unlock := s.beginMethodsCall(w, r, ScopeUpdateAuthenticationMethods, &patch)
	if u == nil {
		return
	}
	defer unlock()
	a := s.methodOrNotFound(w, r, u)
	if a == nil {
		return
	}
	if p := patch.PreferredAuthenticationMethod; p != "" {
		if methodType(a) != "phone" || (p != kindSMS && p != kindVoice) {
			invalidBody(w, "'preferred_authentication_method must be sms or voice, and only a phone method has one'.")
			return
		}
		if !s.channelEnabled(p) {
			invalidBody(w, "'%s is not enabled for this tenant'.", p)
			return
		}
		a = s.preferChannel(u, a, p)
	}
	if patch.Name != nil {
		a.label = *patch.Name
	}
	writeJSON(w, http.StatusOK, u.methodOf(a, true, false))
}

func (s *Server) handleDeleteMethod(w http.ResponseWriter, r *http.Request) {
	u, unlock := s.beginMethodsCall(w, r, ScopeDeleteAuthenticationMethods, nil)
	if u == nil {
		return
	}
	defer unlock()
	a := s.methodOrNotFound(w, r, u)
	if a == nil {
		return
	}
	s.removeFactor(u, a) // as the MFA API's DELETE /mfa/authenticators/{id} does
	writeManagementNoContent(w)
}

func (s *Server) handleDeleteAllMethods(w http.ResponseWriter, r *http.Request) {
	u, unlock := s.beginMethodsCall(w, r, ScopeDeleteAuthenticationMethods, nil)
	if u == nil {
		return
	}
	defer unlock()
	s.removeAllMethods(u)
	writeManagementNoContent(w)
}

// removeFactor deletes a factor through either API: its twin goes too, and the recovery code
// with the user's last factor.
func (s *Server) removeFactor(u *user, a *authenticator) {
	u.remove(a.id)
	if a.companionID != "" {
		u.remove(a.companionID)
	}
	if a.kind == kindRecovery {
		u.recoveryCode = ""
	}
	u.dropRecoveryIfAlone()
	s.forgetTransactions(u)
}

// removeAllMethods deletes every factor of the user but the verified email, which belongs to
// the profile, and the recovery code with them.
func (s *Server) removeAllMethods(u *user) {
	kept := u.authenticators[:0]
	for _, a := range u.authenticators {
		if a.derived {
			kept = append(kept, a)
		}
	}
	u.authenticators, u.recoveryCode = kept, ""
	s.forgetTransactions(u)
}

// checkMethodRequest validates a create (or, forPut, a PUT element) as the OAS schemas do;
// what the OAS leaves open (which fields each type needs) is the emulator's choice, said here:
// totp needs totp_secret (base32), phone needs phone_number (E.164), email needs email,
// webauthn-roaming needs key_id and public_key (webauthn_keys.go).
func (s *Server) checkMethodRequest(req methodRequest, forPut bool) string {
	types := "phone, email, totp, webauthn-roaming or passkey"
	if forPut {
		types = "phone, email or totp" // AuthenticationTypeEnum of SetUserAuthenticationMethods
	}
	switch req.Type {
	case "":
		return "'Missing required property: type'."
	case "totp", "phone", "email":
	case kindWebAuthnRoaming:
		if forPut {
			return fmt.Sprintf("'type must be one of %s'.", types)
		}
	case "passkey":
		if !forPut {
			return fmt.Sprintf("'type %s is not modelled by the emulator'.", req.Type)
		}
		fallthrough
	default:
		return fmt.Sprintf("'type must be one of %s'.", types)
	}
	if req.Name != nil && forPut && (len(*req.Name) < 1 || len(*req.Name) > 20) {
		return "'name must be 1 to 20 characters'." // PUT's schema; POST has no limit
	}
	setOther := func(field, value string) string {
		if value != "" {
			return fmt.Sprintf("'%s does not apply to type %s'.", field, req.Type)
		}
		return ""
	}
	keyFields := cmp.Or(setOther("key_id", req.KeyID), setOther("public_key", req.PublicKey),
		setOther("relying_party_identifier", req.RelyingPartyIdentifier))
	switch req.Type {
	case kindWebAuthnRoaming:
		return cmp.Or(s.checkSecurityKey(req), setOther("totp_secret", req.TOTPSecret), setOther("phone_number", req.PhoneNumber),
			setOther("email", req.Email), setOther("preferred_authentication_method", req.PreferredAuthenticationMethod))
	case "totp":
		if req.TOTPSecret == "" {
			return "'totp needs totp_secret, a base32 secret'."
		}
		if _, err := decodeBase32Secret(req.TOTPSecret); err != nil {
			return "'totp_secret must be base32 (A-Z and 2-7) of at least 16 characters'." // never echo a secret
		}
		return cmp.Or(setOther("phone_number", req.PhoneNumber), setOther("email", req.Email), setOther("preferred_authentication_method", req.PreferredAuthenticationMethod), keyFields)
	case "phone":
		if n := len(req.PhoneNumber); n < 2 || n > 30 || !e164.MatchString(req.PhoneNumber) {
			return "'phone_number must be an E.164 number such as +15551234567 (2 to 30 characters)'."
		}
		if p := req.PreferredAuthenticationMethod; p != "" && p != kindSMS && p != kindVoice {
			return "'preferred_authentication_method must be sms or voice'."
		}
		if !s.channelEnabled(cmp.Or(req.PreferredAuthenticationMethod, kindSMS)) {
			return fmt.Sprintf("'%s is not enabled for this tenant'.", cmp.Or(req.PreferredAuthenticationMethod, kindSMS))
		}
		return cmp.Or(setOther("totp_secret", req.TOTPSecret), setOther("email", req.Email), keyFields)
	default: // email
		if _, err := mail.ParseAddress(req.Email); err != nil || !strings.Contains(req.Email, "@") || strings.ContainsAny(req.Email, "<> ") {
			return "'Object didn't pass validation for format email: ' on property email"
		}
		return cmp.Or(setOther("totp_secret", req.TOTPSecret), setOther("phone_number", req.PhoneNumber),
			setOther("preferred_authentication_method", req.PreferredAuthenticationMethod), keyFields)
	}
}

func (s *Server) channelEnabled(kind string) bool {
	switch kind {
	case kindSMS:
		return s.cfg.Factors.SMS
	case kindVoice:
		return s.cfg.Factors.Voice
	}
	return false
}

func (s *Server) methodExists(u *user, req methodRequest) bool {
	for _, a := range u.authenticators {
		if !a.active || a.derived || methodType(a) != req.Type {
			continue
		}
		switch req.Type {
		case "totp":
			if normalizeSecret(a.secret) == normalizeSecret(req.TOTPSecret) {
				return true
			}
		case "phone":
			if a.destination == req.PhoneNumber {
				return true
			}
		case "email":
			if strings.EqualFold(a.destination, req.Email) {
				return true
			}
		case kindWebAuthnRoaming:
			if a.key != nil && a.key.sameKey(req.KeyID) {
				return true
			}
		}
	}
	return false
}

// createMethod adds a confirmed factor for req (validated) and returns its primary authenticator.
func (s *Server) createMethod(u *user, req methodRequest) *authenticator {
	now := s.now()
	label := ""
	if req.Name != nil {
		label = *req.Name
	}
	a := &authenticator{id: newAuthenticatorID(req.Type), kind: req.Type, active: true, created: now, label: label}
	switch req.Type {
	case "totp":
		a.secret = s.secret(normalizeSecret(req.TOTPSecret))
	case "email":
		a.destination = req.Email
	case kindWebAuthnRoaming:
		a.key = s.newSecurityKey(req)
	case "phone":
		kind := cmp.Or(req.PreferredAuthenticationMethod, kindSMS)
		a.kind, a.id, a.destination = kind, newAuthenticatorID(kind), req.PhoneNumber
		// The twin shares the dev_ suffix, as the MFA API's sms/voice pairs do.
		if twin := otherPhoneKind(kind); s.channelEnabled(twin) {
			_, suffix, _ := strings.Cut(a.id, "|")
			c := &authenticator{id: twin + "|" + suffix, kind: twin, active: true, destination: req.PhoneNumber,
				companionID: a.id, secondary: true, created: now}
			a.companionID = c.id
			u.authenticators = append(u.authenticators, a, c)
			return a
		}
	}
	u.authenticators = append(u.authenticators, a)
	return a
}

// preferChannel makes the phone method's child of kind p its primary (the MFA API lists both).
func (s *Server) preferChannel(u *user, a *authenticator, p string) *authenticator {
	if a.kind == p {
		return a
	}
	twin := u.find(a.companionID)
	if twin == nil {
		// No twin of that kind (the tenant had it off at creation): the method changes kind.
		_, suffix, _ := strings.Cut(a.id, "|")
		a.kind, a.id = p, p+"|"+suffix
		return a
	}
	twin.secondary, a.secondary = false, true
	twin.label, twin.created = a.label, a.created
	return twin
}

func otherPhoneKind(kind string) string {
	if kind == kindSMS {
		return kindVoice
	}
	return kindSMS
}

// decodeBase32Secret accepts what authenticator apps accept: base32 without padding, any case,
// spaces ignored, at least 16 characters (80 bits).
func decodeBase32Secret(secret string) ([]byte, error) {
	n := normalizeSecret(secret)
	if len(n) < 16 {
		return nil, errors.New("too short")
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(n)
}

func normalizeSecret(s string) string {
	return strings.ToUpper(strings.TrimRight(strings.ReplaceAll(s, " ", ""), "="))
}

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// jsonProblem says what was wrong with a JSON body without quoting it (it may hold a secret).
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%s must be %s", cmp.Or(typeErr.Field, "the body"), typeErr.Type)
	}
	return "malformed JSON"
}
