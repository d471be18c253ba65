package emulator

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Security keys (webauthn-roaming) created through the Management API (reference
// auth0-management-route.md §4.1): the credential id as key_id in base64url, the public key as
// public_key, standard base64 of its COSE_Key, and the relying party the key is bound to.

const kindWebAuthnRoaming = "webauthn-roaming"

// securityKey is what the tenant keeps of a security key.
type securityKey struct {
	id        []byte // the credential id
	publicKey []byte // COSE_Key
	rpID      string
	signCount uint32 // the highest signature counter seen (WebAuthn §6.1.1)
}

// hostname is the OAS "format: hostname" of relying_party_identifier (RFC 1123 labels).
var hostname = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$`)

// relyingPartyID is the tenant's relying party: its custom domain when it has one, else its
// domain (DWEBAUTHN: "Auth0 lets you specify the Relying Party ID only if you have a custom
// domain configured").
func (s *Server) relyingPartyID() string {
	if d := s.cfg.WebAuthn.CustomDomain; d != "" {
		return d
	}
	return s.cfg.Domain
}

// checkSecurityKey validates a webauthn-roaming create. Which fields the type requires is not
// recorded (reference §1.2 "Per-type required fields: silent"); the emulator requires key_id and
// public_key, since a key without either can never sign a user in, and takes the relying party
// only as the tenant's domain or custom domain (the emulator's reading of DWEBAUTHN above).
// Refusals never echo the values.
func (s *Server) checkSecurityKey(req methodRequest) string {
	id, err := base64.RawURLEncoding.DecodeString(req.KeyID)
	switch {
	case req.KeyID == "":
		return "'webauthn-roaming needs key_id, the credential id in base64url'."
	case err != nil || len(id) < 16 || len(id) > 1023:
		return "'key_id must be base64url without padding of 16 to 1023 bytes'."
	case req.PublicKey == "":
		return "'webauthn-roaming needs public_key, the COSE key in standard base64'."
	}
	raw, err := base64.StdEncoding.DecodeString(req.PublicKey)
	if err != nil {
		return "'public_key must be standard base64 (with padding) of a COSE key'."
	}
	if _, err := webauthncose.ParsePublicKey(raw); err != nil {
		return "'public_key is not a COSE key'."
	}
	if rp := req.RelyingPartyIdentifier; rp != "" {
		if !hostname.MatchString(rp) {
			return "'Object didn't pass validation for format hostname: ' on property relying_party_identifier"
		}
		if !strings.EqualFold(rp, s.cfg.Domain) && !strings.EqualFold(rp, s.cfg.WebAuthn.CustomDomain) {
			return fmt.Sprintf("'relying_party_identifier must be the tenant's domain%s'.", customDomainHint(s.cfg.WebAuthn.CustomDomain))
		}
	}
	return ""
}

func customDomainHint(custom string) string {
	if custom == "" {
		return " (a custom domain is allowed once the tenant has one)"
	}
	return " or its custom domain"
}

// newSecurityKey is the stored key of a validated request.
func (s *Server) newSecurityKey(req methodRequest) *securityKey {
	id, _ := base64.RawURLEncoding.DecodeString(req.KeyID)
	pub, _ := base64.StdEncoding.DecodeString(req.PublicKey)
	rp := strings.ToLower(req.RelyingPartyIdentifier)
	if rp == "" {
		rp = s.relyingPartyID()
	}
	return &securityKey{id: id, publicKey: pub, rpID: rp}
}

// sameKey is the 409 rule for security keys: the same credential id.
func (k *securityKey) sameKey(keyID string) bool {
	id, err := base64.RawURLEncoding.DecodeString(keyID)
	return err == nil && bytes.Equal(k.id, id)
}

// keyHolder is a user with their security keys for one relying party, as go-webauthn reads a
// user: the tenant's user id is the WebAuthn user handle.
type keyHolder struct {
	u    *user
	keys []*authenticator
}

func (h keyHolder) WebAuthnID() []byte          { return []byte(h.u.id) }
func (h keyHolder) WebAuthnName() string        { return h.u.cfg.Username }
func (h keyHolder) WebAuthnDisplayName() string { return h.u.cfg.Username }
func (h keyHolder) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(h.keys))
	for _, a := range h.keys {
		out = append(out, webauthn.Credential{ID: a.key.id, PublicKey: a.key.publicKey, AttestationType: "none",
			Authenticator: webauthn.Authenticator{SignCount: a.key.signCount}})
	}
	return out
}

// securityKeys are the user's active security keys bound to rpID.
func (u *user) securityKeys(rpID string) keyHolder {
	h := keyHolder{u: u}
	for _, a := range u.authenticators {
		if a.active && a.kind == kindWebAuthnRoaming && a.key != nil && strings.EqualFold(a.key.rpID, rpID) {
			h.keys = append(h.keys, a)
		}
	}
	return h
}
