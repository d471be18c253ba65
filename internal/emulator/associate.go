package emulator

import (
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
)

// e164 is "+", a non-zero country digit and up to 14 more digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// associateResponse is the body of a successful /mfa/associate (GO-REC TestMFAAddAuthenticator).
type associateResponse struct {
	AuthenticatorType string   `json:"authenticator_type"`
	Secret            string   `json:"secret,omitempty"`
	BarcodeURI        string   `json:"barcode_uri,omitempty"`
	BindingMethod     string   `json:"binding_method,omitempty"`
	OOBChannel        string   `json:"oob_channel,omitempty"`
	OOBCode           string   `json:"oob_code,omitempty"`
	RecoveryCodes     []string `json:"recovery_codes,omitempty"`
}

func (s *Server) handleAssociate(w http.ResponseWriter, r *http.Request) {
	// Open question 6: associate is documented as JSON; we also take a form body and a plain
	// string oob_channels (an old docs example), since rejecting them would only hide bugs
	// elsewhere. client_id/secret are optional here, as four official SDKs omit them.
	s.serveLocked(w, r, func(p params) (any, *apiError) {
		resp, aerr := s.associate(r, p)
		if aerr != nil {
			return nil, aerr
		}
		return resp, nil
	})
}

func (s *Server) associate(r *http.Request, p params) (*associateResponse, *apiError) {
	c, aerr := s.resolveBearer(r, associateUnauthorized)
	if aerr != nil {
		return nil, aerr
	}
	u := c.user
	if c.mfaToken && u.hasEnrolledFactor() {
		return nil, newAPIError(http.StatusForbidden, "access_denied", "User is already enrolled.")
	}
	if !c.mfaToken {
		if aerr := c.requireScope("enroll"); aerr != nil {
			return nil, aerr
		}
	}
	types := p.list("authenticator_types")
	if len(types) == 0 {
		return nil, missingParam("authenticator_types")
	}
	if len(types) != 1 || (types[0] != "otp" && types[0] != "oob") {
		return nil, badRequest(`authenticator_types must be ["otp"] or ["oob"].`)
	}
	if u.pendingCount() >= maxPendingEnrollments {
		// The limit is Auth0's; its error body is not recorded. 403 access_denied, like the
		// other "not allowed for this user" answer of this endpoint.
		return nil, newAPIError(http.StatusForbidden, "access_denied",
			"Too many pending enrollments: confirm or delete unconfirmed authenticators first.")
	}
	var resp *associateResponse
	if types[0] == "otp" {
		resp, aerr = s.associateOTP(u)
	} else {
		resp, aerr = s.associateOOB(u, p)
	}
	if aerr != nil {
		return nil, aerr
	}
	if code := s.issueFirstRecoveryCode(u); code != "" {
		resp.RecoveryCodes = []string{code}
	}
	return resp, nil
}

func factorDisabled(name string) *apiError {
	return newAPIError(http.StatusForbidden, "access_denied", "The "+name+" factor is not enabled for this tenant.")
}

// associateOTP enrolls another OTP factor even when the user already has an active one. No
// source records a refusal, and the evidence points the other way: DOCS-OLD
// multifactor-authentication/api/faq.md ("Why can I associate more than one authenticator with
// a particular end user?"), GO-REC TestMFAListAuthenticators listing two totp entries for one
// user, and COMM thread 90893, where the only refusal of a further factor ("User is already
// enrolled") came from using the mfa_token instead of an enroll access token (see associate).
func (s *Server) associateOTP(u *user) (*associateResponse, *apiError) {
	if !s.cfg.Factors.OTP {
		return nil, factorDisabled("otp")
	}
	a := &authenticator{id: newAuthenticatorID(kindTOTP), kind: kindTOTP, secret: s.secret(newTOTPSecret()), created: s.now()}
	u.authenticators = append(u.authenticators, a)
	return &associateResponse{AuthenticatorType: "otp", Secret: a.secret, BarcodeURI: s.otpBarcodeURI(u, a.secret)}, nil
}

// otpBarcodeURI follows the recorded format: label "{tenant}:{user}", issuer = tenant,
// spaces as %20 and "@" as %40.
func (s *Server) otpBarcodeURI(u *user, secret string) string {
	issuer := url.PathEscape(s.cfg.FriendlyName)
	return "otpauth://totp/" + issuer + ":" + pctLabel(u) + "?secret=" + secret +
		"&issuer=" + issuer + "&algorithm=SHA1&digits=6&period=30"
}

func pctLabel(u *user) string {
	label := u.cfg.Email
	if label == "" {
		label = u.cfg.Username
	}
	return strings.ReplaceAll(url.PathEscape(label), "@", "%40")
}

func (s *Server) associateOOB(u *user, p params) (*associateResponse, *apiError) {
	channels := p.list("oob_channels")
	if len(channels) == 0 {
		return nil, missingParam("oob_channels")
	}
	if len(channels) != 1 {
		return nil, badRequest("oob_channels must name exactly one channel.")
	}
	switch ch := channels[0]; ch {
	case kindSMS, kindVoice:
		return s.associatePhone(u, ch, p.get("phone_number"))
	case kindEmail:
		return s.associateEmail(u, p.get("email"))
	case "auth0":
		return s.associatePush(u)
	default:
		return nil, badRequest("oob_channels must be one of sms, voice, email, auth0.")
	}
}

func (s *Server) factorEnabled(kind string) bool {
	f := s.cfg.Factors
	switch kind {
	case kindSMS:
		return f.SMS
	case kindVoice:
		return f.Voice
	case kindEmail:
		return f.Email
	case kindPush:
		return f.Push
	}
	return f.OTP
}

// associatePhone enrolls sms or voice; with both enabled Auth0 creates the pair sms|X and
// voice|X sharing the suffix (reference §2).
func (s *Server) associatePhone(u *user, channel, phone string) (*associateResponse, *apiError) {
	if !s.factorEnabled(channel) {
		return nil, factorDisabled(channel)
	}
	if phone == "" {
		return nil, missingParam("phone_number")
	}
	if !e164.MatchString(phone) {
		return nil, badRequest("phone_number must be in E.164 format, for example +15551234567.")
	}
	primary := &authenticator{id: newAuthenticatorID(channel), kind: channel, destination: phone, created: s.now()}
	u.authenticators = append(u.authenticators, primary)
	twin := kindVoice
	if channel == kindVoice {
		twin = kindSMS
	}
	if s.factorEnabled(twin) {
		suffix := strings.TrimPrefix(primary.id, channel+"|")
		c := &authenticator{id: twin + "|" + suffix, kind: twin, destination: phone, companionID: primary.id, secondary: true, created: s.now()}
		primary.companionID = c.id
		u.authenticators = append(u.authenticators, c)
	}
	return s.startBindingTransaction(u, primary, channel), nil
}

func (s *Server) associateEmail(u *user, email string) (*associateResponse, *apiError) {
	if !s.cfg.Factors.Email {
		return nil, factorDisabled("email")
	}
	if email == "" {
		email = u.cfg.Email
	}
	if email == "" {
		return nil, missingParam("email")
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return nil, badRequest("email is not a valid email address.")
	}
	a := &authenticator{id: newAuthenticatorID(kindEmail), kind: kindEmail, destination: email, created: s.now()}
	u.authenticators = append(u.authenticators, a)
	return s.startBindingTransaction(u, a, kindEmail), nil
}

// startBindingTransaction sends a 6-digit code to the factor's destination and answers with
// the oob_code the client confirms it with.
func (s *Server) startBindingTransaction(u *user, a *authenticator, channel string) *associateResponse {
	code := s.sendCode(u, a, channel)
	return &associateResponse{AuthenticatorType: "oob", BindingMethod: "prompt", OOBChannel: channel, OOBCode: code}
}

// associatePush enrolls Guardian push; Auth0 also enrolls a companion otp (reference §2). The
// barcode carries an enrollment transaction, no secret; the emulator's control API stands in
// for the Guardian app that would scan it.
func (s *Server) associatePush(u *user) (*associateResponse, *apiError) {
	if !s.cfg.Factors.Push {
		return nil, factorDisabled("push")
	}
	push := &authenticator{id: newAuthenticatorID(kindPush), kind: kindPush, created: s.now()}
	otpTwin := &authenticator{id: newAuthenticatorID(kindTOTP), kind: kindTOTP, secret: newTOTPSecret(),
		companionID: push.id, secondary: true}
	push.companionID = otpTwin.id
	u.authenticators = append(u.authenticators, push, otpTwin)
	code := s.startPush(u, push)
	txID := randomString(32, idAlphabet)
	issuer := url.PathEscape(s.cfg.FriendlyName)
	uri := "otpauth://totp/" + issuer + ":" + pctLabel(u) + "?enrollment_tx_id=" + txID +
		"&base_url=" + url.QueryEscape("https://"+s.cfg.Domain)
	return &associateResponse{AuthenticatorType: "oob", BarcodeURI: uri, OOBChannel: "auth0", OOBCode: code}, nil
}

// issueFirstRecoveryCode creates the user's recovery code with its first enrollment; GO-REC
// shows it only on the first associate, even while that factor is unconfirmed.
//
// A user who already has an active factor is not enrolling a first one: a factor created through
// the Management API comes without a recovery code, and the user has none until it is
// regenerated (reference auth0-management-route.md §3.3), also when it later enrolls through the
// MFA API.
func (s *Server) issueFirstRecoveryCode(u *user) string {
	if !s.cfg.Factors.RecoveryCode || u.hasEnrolledFactor() {
		return ""
	}
	for _, a := range u.authenticators {
		if a.kind == kindRecovery {
			return ""
		}
	}
	u.recoveryCode = s.secret(newRecoveryCode())
	u.authenticators = append(u.authenticators, &authenticator{id: newAuthenticatorID(kindRecovery), kind: kindRecovery, created: s.now()})
	return u.recoveryCode
}
