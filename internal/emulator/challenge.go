package emulator

import (
	"net/http"
	"strings"
)

type challengeResponse struct {
	ChallengeType string `json:"challenge_type"`
	OOBCode       string `json:"oob_code,omitempty"`
	BindingMethod string `json:"binding_method,omitempty"`
}

// handleChallenge sends a challenge for an active factor. The mfa_token travels in the body,
// with client authentication, and the body may be JSON or a form (auth0.net sends a form).
func (s *Server) handleChallenge(w http.ResponseWriter, r *http.Request) {
	s.serveLocked(w, r, func(p params) (any, *apiError) {
		resp, aerr := s.challenge(r, p)
		if aerr != nil {
			return nil, aerr
		}
		return resp, nil
	})
}

func (s *Server) challenge(r *http.Request, p params) (*challengeResponse, *apiError) {
	cl, aerr := s.authenticateClient(r, p)
	if aerr != nil {
		return nil, aerr
	}
	if p.get("mfa_token") == "" {
		return nil, missingParam("mfa_token")
	}
	_, u, aerr := s.lookupMFAToken(p.get("mfa_token"), cl.cfg.ClientID)
	if aerr != nil {
		return nil, aerr
	}
	allowed := map[string]bool{"otp": true, "oob": true}
	if ct := strings.Fields(p.get("challenge_type")); len(ct) > 0 {
		allowed = map[string]bool{}
		for _, t := range ct {
			if t != "otp" && t != "oob" {
				return nil, badRequest("challenge_type must be otp, oob or both separated by a space.")
			}
			allowed[t] = true
		}
	}
	if !u.hasChallengeableFactor() {
		// Status 400 per DOCS-V2 request-mfa-challenge; the text is the docs' remark. Email
		// counts here: it does not block associate with an mfa_token, but it can be challenged
		// (reference §1: email "can only work with challenge").
		return nil, newAPIError(http.StatusBadRequest, "association_required",
			"User is not enrolled. You can use /mfa/associate endpoint to enroll the first authenticator.")
	}
	a, aerr := pickChallengeTarget(u, p.get("authenticator_id"), allowed)
	if aerr != nil {
		return nil, aerr
	}
	switch a.kind {
	case kindTOTP:
		return &challengeResponse{ChallengeType: "otp"}, nil
	case kindPush:
		return &challengeResponse{ChallengeType: "oob", OOBCode: s.startPush(u, a)}, nil
	default:
		return &challengeResponse{ChallengeType: "oob", OOBCode: s.sendCode(u, a, a.kind), BindingMethod: "prompt"}, nil
	}
}

// challengeTypes names the requested challenge types as the recorded text does ("oob").
func challengeTypes(allowed map[string]bool) string {
	var out []string
	for _, t := range []string{"otp", "oob"} {
		if allowed[t] {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

func unsupportedChallenge(desc string) *apiError {
	return newAPIError(http.StatusBadRequest, "unsupported_challenge_type", desc)
}

// pickChallengeTarget takes the named authenticator or the first active one of an allowed type.
func pickChallengeTarget(u *user, id string, allowed map[string]bool) (*authenticator, *apiError) {
	challengeable := func(a *authenticator) bool {
		return a.active && a.kind != kindRecovery && allowed[a.authenticatorType()]
	}
	if id != "" {
		a := u.find(id)
		if a == nil || !a.active {
			return nil, badRequest("authenticator_id does not name an active authenticator of this user.")
		}
		if !challengeable(a) {
			// Real tenant (row 2: auth0/Auth0.swift #1262): 401 and this text.
			return nil, newAPIError(http.StatusUnauthorized, "unsupported_challenge_type",
				"User does not have any enrolled authenticator with the supported challenge type ("+challengeTypes(allowed)+")")
		}
		return a, nil
	}
	for _, a := range u.authenticators {
		if challengeable(a) {
			return a, nil
		}
	}
	return nil, unsupportedChallenge("None of the user's authenticators supports the requested challenge_type.")
}
