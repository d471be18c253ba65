package emulator_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/securitykey"
)

const signInPage = "/u/mfa-webauthn-challenge"

// softKey is a security key held in the test: it signs assertions as an authenticator does
// (WebAuthn §6.1 authenticator data, §6.3.3 signature over authData || SHA-256(clientData)).
type softKey struct {
	id      []byte
	priv    *ecdsa.PrivateKey
	counter uint32
	uv      bool
}

func newSoftKey(t *testing.T) *softKey {
	priv, err := securitykey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := securitykey.NewCredentialID()
	return &softKey{id: id, priv: priv}
}

func (k *softKey) createBody(t *testing.T, rp string) map[string]string {
	cose, err := securitykey.COSE(&k.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]string{"type": "webauthn-roaming", "name": "CI key", "key_id": base64.RawURLEncoding.EncodeToString(k.id),
		"public_key": base64.StdEncoding.EncodeToString(cose)}
	if rp != "" {
		body["relying_party_identifier"] = rp
	}
	return body
}

// assert answers the options of a ceremony as the browser and the key would, from origin.
func (k *softKey) assert(t *testing.T, options map[string]any, origin string) map[string]any {
	pk := options["publicKey"].(map[string]any)
	rpHash := sha256.Sum256([]byte(pk["rpId"].(string)))
	flags := byte(0x01) // user present
	if k.uv {
		flags |= 0x04
	}
	k.counter++
	auth := append(append(rpHash[:], flags), binary.BigEndian.AppendUint32(nil, k.counter)...)
	client, _ := json.Marshal(map[string]any{"type": "webauthn.get", "challenge": pk["challenge"], "origin": origin, "crossOrigin": false})
	clientHash := sha256.Sum256(client)
	digest := sha256.Sum256(append(append([]byte{}, auth...), clientHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b := base64.RawURLEncoding.EncodeToString
	return map[string]any{"id": b(k.id), "rawId": b(k.id), "type": "public-key", "response": map[string]any{
		"authenticatorData": b(auth), "clientDataJSON": b(client), "signature": b(sig)}}
}

// signIn runs the page's two requests as its script does, opened at host.
func signIn(t *testing.T, tn *emutest.Tenant, host string, k *softKey) (emutest.Response, emutest.Response) {
	t.Helper()
	opts := tn.Do(t, "POST", signInPage+"/options", map[string]string{"username": emutest.Username, "password": emutest.Password}, "Host: "+host)
	if opts.Status != http.StatusOK {
		return opts, emutest.Response{}
	}
	body := opts.Object(t)
	return opts, tn.Do(t, "POST", signInPage+"/verify", map[string]any{"ceremony": body["ceremony"], "credential": k.assert(t, body, "http://"+host)}, "Host: "+host)
}

// A security key created through the Management API: both APIs list it, the MFA API cannot
// challenge it, and the sign-in page accepts an assertion of its private key (and records the
// sign-in), and refuses one of another key with the same credential id.
func TestSecurityKeySignsInThroughThePageOnly(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	mgmt := bearer(managementToken(t, tn))
	key := newSoftKey(t)
	created := tn.Do(t, "POST", methodsPath(emutest.UserID), key.createBody(t, ""), mgmt)
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Raw)
	}
	m := created.Object(t)
	id := m["id"].(string)
	if !strings.HasPrefix(id, "webauthn-roaming|dev_") || m["relying_party_identifier"] != emutest.Domain || m["key_id"] != base64.RawURLEncoding.EncodeToString(key.id) {
		t.Fatalf("created %s", created.Raw)
	}
	if again := tn.Do(t, "POST", methodsPath(emutest.UserID), key.createBody(t, ""), mgmt); again.Status != http.StatusConflict {
		t.Fatalf("the same credential id again: %d %s", again.Status, again.Raw)
	}

	mfa := tn.MFAToken(t, emutest.Username, emutest.Password)
	listed := list(t, tn, mfa)
	if len(listed) != 1 || listed[0].(map[string]any)["authenticator_type"] != "webauthn-roaming" || listed[0].(map[string]any)["active"] != true {
		t.Fatalf("the MFA API lists %v", listed)
	}
	ch := tn.Do(t, "POST", "/mfa/challenge", emutest.ClientForm("mfa_token", mfa, "authenticator_id", id, "challenge_type", "otp oob"))
	if ch.Status != http.StatusUnauthorized || ch.Object(t)["error"] != "unsupported_challenge_type" {
		t.Fatalf("the MFA API challenged a security key: %d %s", ch.Status, ch.Raw)
	}

	page := tn.Do(t, "GET", signInPage, nil, "Host: "+emutest.Domain)
	if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), "navigator.credentials.get") {
		t.Fatalf("page: %d", page.Status)
	}
	if opts, _ := signIn(t, tn, "127.0.0.1", key); opts.Status != http.StatusBadRequest || !strings.Contains(string(opts.Raw), "--host-resolver-rules") {
		t.Fatalf("a page opened away from the relying party: %d %s", opts.Status, opts.Raw)
	}
	opts, verified := signIn(t, tn, emutest.Domain+":8443", key)
	if opts.Object(t)["publicKey"].(map[string]any)["userVerification"] != "discouraged" {
		t.Fatalf("options: %s", opts.Raw)
	}
	if verified.Status != http.StatusOK || verified.Object(t)["authenticator_id"] != id {
		t.Fatalf("sign-in with the key: %d %s", verified.Status, verified.Raw)
	}
	if got := tn.SignIns(t, emutest.Username); len(got) != 1 || got[0] != id {
		t.Fatalf("sign-ins recorded: %v", got)
	}

	changed := newSoftKey(t)
	changed.id = key.id // the same credential, another private key
	_, refused := signIn(t, tn, emutest.Domain, changed)
	if refused.Status != http.StatusUnauthorized || refused.Object(t)["error"] != "invalid_assertion" {
		t.Fatalf("a changed key: %d %s", refused.Status, refused.Raw)
	}
	if got := tn.SignIns(t, emutest.Username); len(got) != 1 {
		t.Fatalf("a refused sign-in was recorded: %v", got)
	}
}

// The tenant's user-verification setting reaches the options, and a key that does not verify
// the user is refused under "required".
func TestSecurityKeyUserVerificationRequired(t *testing.T) {
	cfg := emutest.Config()
	cfg.WebAuthn = &emulator.WebAuthnSettings{UserVerification: "required"}
	tn := emutest.Start(t, cfg)
	key := newSoftKey(t)
	if r := tn.Do(t, "POST", methodsPath(emutest.UserID), key.createBody(t, emutest.Domain), bearer(managementToken(t, tn))); r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	if _, r := signIn(t, tn, emutest.Domain, key); r.Status != http.StatusUnauthorized {
		t.Fatalf("no user verification under required: %d %s", r.Status, r.Raw)
	}
	key.uv = true
	if _, r := signIn(t, tn, emutest.Domain, key); r.Status != http.StatusOK {
		t.Fatalf("user verified: %d %s", r.Status, r.Raw)
	}
}

func TestSecurityKeyRefusals(t *testing.T) {
	tn := emutest.Start(t, emutest.Config())
	mgmt := bearer(managementToken(t, tn))
	key := newSoftKey(t)
	good := key.createBody(t, "")
	with := func(k, v string) map[string]string {
		b := map[string]string{}
		for kk, vv := range good {
			b[kk] = vv
		}
		if v == "" {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	for name, tc := range map[string]struct {
		body map[string]string
		want string
	}{
		"no key_id":            {with("key_id", ""), "needs key_id"},
		"key_id not base64url": {with("key_id", "a+b/c=="), "key_id must be base64url"},
		"short key_id":         {with("key_id", "AAAA"), "16 to 1023 bytes"},
		"no public_key":        {with("public_key", ""), "needs public_key"},
		"public key not COSE":  {with("public_key", base64.StdEncoding.EncodeToString([]byte("not a key"))), "not a COSE key"},
		"other relying party":  {with("relying_party_identifier", "example.com"), "tenant's domain"},
		"a TOTP secret":        {with("totp_secret", seededSecret), "totp_secret does not apply"},
	} {
		t.Run(name, func(t *testing.T) {
			r := tn.Do(t, "POST", methodsPath(emutest.UserID), tc.body, mgmt)
			assertRefused(t, r, tc.want)
		})
	}
	put := tn.Do(t, "PUT", methodsPath(emutest.UserID), []map[string]string{good}, mgmt)
	assertRefused(t, put, "phone, email or totp")
}

func assertRefused(t *testing.T, r emutest.Response, want string) {
	t.Helper()
	if r.Status != http.StatusBadRequest || r.Object(t)["errorCode"] != "invalid_body" || !strings.Contains(r.Object(t)["message"].(string), want) {
		t.Fatalf("%d %s, want 400 invalid_body with %q", r.Status, r.Raw, want)
	}
}
