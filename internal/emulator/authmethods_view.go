package emulator

import (
	"encoding/base64"
	"strings"
	"time"
)

// How the Management API's /api/v2/users/{id}/authentication-methods shows a user's factors
// (reference auth0-management-route.md §1, recordings GO1-REC). One tenant sits behind both
// APIs: a method created here is an active authenticator for the MFA API, and a factor enrolled
// through the MFA API is a method here.

// Scopes of the authentication-methods endpoints (reference §2: DREF <Scopes> = OAS security).
const (
	ScopeReadAuthenticationMethods   = "read:authentication_methods"
	ScopeCreateAuthenticationMethods = "create:authentication_methods"
	ScopeUpdateAuthenticationMethods = "update:authentication_methods"
	ScopeDeleteAuthenticationMethods = "delete:authentication_methods"
)

// AuthenticationMethodScopes are all four, as DMGMT tells administrators to grant them.
var AuthenticationMethodScopes = []string{ScopeReadAuthenticationMethods, ScopeCreateAuthenticationMethods,
	ScopeUpdateAuthenticationMethods, ScopeDeleteAuthenticationMethods}

// methodChild is an entry of a phone (or push) method's authentication_methods.
type methodChild struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// methodView is one method as the Management API answers it. The field order follows the
// recorded POST answer (type, name, created_at, the type's fields, id); GET items add confirmed
// and start with id, which no client may depend on (reference §1.0).
type methodView struct {
	ID                            string        `json:"id,omitempty"`
	Type                          string        `json:"type"`
	Confirmed                     *bool         `json:"confirmed,omitempty"`
	Name                          string        `json:"name,omitempty"`
	CreatedAt                     string        `json:"created_at,omitempty"`
	Email                         string        `json:"email,omitempty"`
	PhoneNumber                   string        `json:"phone_number,omitempty"`
	PreferredAuthenticationMethod string        `json:"preferred_authentication_method,omitempty"`
	AuthenticationMethods         []methodChild `json:"authentication_methods,omitempty"`
	// A security key's fields, in the OAS's snake_case (DMGMT's camelCase sample is hand-written,
	// reference §1.2).
	KeyID                  string `json:"key_id,omitempty"`
	PublicKey              string `json:"public_key,omitempty"`
	RelyingPartyIdentifier string `json:"relying_party_identifier,omitempty"`
}

// methodType is the Management API's type of an authenticator: sms and voice factors are one
// "phone" method; a verified email that is listed as a factor is no enrollment (not a method).
func methodType(a *authenticator) string {
	switch a.kind {
	case kindSMS, kindVoice:
		return "phone"
	default:
		return a.kind
	}
}

// methodID is the method's id: a phone method is phone|dev_X for its sms|dev_X and voice|dev_X
// children (recorded: phone|dev_kXVq4drj3Mw6uCF5 with the child sms|dev_kXVq4drj3Mw6uCF5).
func methodID(a *authenticator) string {
	if t := methodType(a); t == "phone" {
		_, suffix, _ := strings.Cut(a.id, "|")
		return "phone|" + suffix
	}
	return a.id
}

// methods lists the user's confirmed methods in the order they were created. Unconfirmed
// enrollments are left out: the sources disagree (DMGMT "fully or partially enrolled", a
// community article "unavailable via management API"), and the provider never relies on them.
// A twin (voice of sms, the push's totp) is part of its primary's method.
func (u *user) methods(masked bool) []methodView {
	var out []methodView
	for _, a := range u.authenticators {
		if !a.active || a.derived || a.secondary {
			continue
		}
		out = append(out, u.methodOf(a, masked, true))
	}
	return out
}

// methodOf renders a's method; confirmed adds the field GET answers carry.
func (u *user) methodOf(a *authenticator, masked, confirmed bool) methodView {
	v := methodView{ID: methodID(a), Type: methodType(a), Name: a.label, CreatedAt: createdAt(a.created)}
	if confirmed {
		yes := true
		v.Confirmed = &yes
	}
	switch a.kind {
	case kindEmail:
		v.Email = a.destination
		if masked {
			v.Email = maskEmail(a.destination)
		}
	case kindSMS, kindVoice:
		v.PhoneNumber = a.destination
		if masked {
			v.PhoneNumber = maskPhone(a.destination)
		}
		v.PreferredAuthenticationMethod = a.kind
		v.AuthenticationMethods = []methodChild{{ID: a.id, Type: a.kind}}
		if twin := u.find(a.companionID); twin != nil {
			v.AuthenticationMethods = append(v.AuthenticationMethods, methodChild{ID: twin.id, Type: twin.kind})
		}
	case kindPush:
		if twin := u.find(a.companionID); twin != nil {
			v.AuthenticationMethods = []methodChild{{ID: a.id, Type: kindPush}, {ID: twin.id, Type: kindTOTP}}
		}
	case kindWebAuthnRoaming:
		if a.key != nil {
			v.KeyID = base64.RawURLEncoding.EncodeToString(a.key.id)
			v.PublicKey = base64.StdEncoding.EncodeToString(a.key.publicKey)
			v.RelyingPartyIdentifier = a.key.rpID
		}
	}
	return v
}

// findMethod resolves a method id (phone|dev_X, or a child id) to its primary authenticator.
func (u *user) findMethod(id string) *authenticator {
	for _, a := range u.authenticators {
		if !a.active || a.derived || a.secondary {
			continue
		}
		if methodID(a) == id || a.id == id || a.companionID == id {
			return a
		}
	}
	return nil
}

// createdAt is the recorded format: ISO 8601 with milliseconds and Z.
func createdAt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
