package mfaapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator/emutest"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

func TestRetriesOnInjectedFaults(t *testing.T) {
	for _, f := range []emulator.Fault{
		{Endpoint: "POST /oauth/token", Status: 429, RetryAfter: 1, Count: 2},
		{Endpoint: "POST /oauth/token", Status: 429, ResetAfter: 1},
		{Endpoint: "POST /oauth/token", Status: 503, Count: 3},
		{Endpoint: "POST /oauth/token", Drop: true, Count: 2},
		{Endpoint: "GET /mfa/authenticators", Status: 500, Count: 2},
		{Endpoint: "GET /mfa/authenticators", Drop: true},
		{Endpoint: "POST /mfa/associate", Status: 429, RetryAfter: 1},
		{Endpoint: "POST /mfa/associate", Drop: true},            // nothing reached the tenant: the session checks, then repeats
		{Endpoint: "POST /mfa/associate", Status: 503, Count: 2}, // likewise
	} {
		t.Run(f.Endpoint+" "+faultName(f), func(t *testing.T) {
			tn := newTenant(t)
			tn.InjectFault(f)
			e, err := newClient(t, tn).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
			if err != nil {
				t.Fatalf("enrollment should survive %+v: %v", f, err)
			}
			got := activeIDs(t, tn)
			if len(got) != 2 || !got[e.ID] {
				t.Fatalf("exactly the new factor and its recovery code, all active: %v", got)
			}
		})
	}
}

func faultName(f emulator.Fault) string {
	switch {
	case f.Drop:
		return "drop"
	case f.RetryAfter > 0:
		return "429 Retry-After"
	case f.ResetAfter > 0:
		return "429 x-ratelimit-reset"
	}
	return http.StatusText(f.Status)
}

func TestRetriesAreBounded(t *testing.T) {
	tn := newTenant(t)
	tn.InjectFault(emulator.Fault{Endpoint: "POST /oauth/token", Status: 503, Count: 100})
	_, err := newClient(t, tn).Session(alice()).List(ctx(t))
	var e *mfaapi.Error
	if !errors.As(err, &e) || e.StatusCode != 503 || e.Code != "temporarily_unavailable" || e.Endpoint != "POST /oauth/token" {
		t.Fatalf("want the final 503 with its endpoint, got %v", err)
	}
	if n := tn.Stats()["POST /oauth/token"]; n != fastRetry.MaxRetries+1 {
		t.Fatalf("%d attempts, want %d", n, fastRetry.MaxRetries+1)
	}
}

// An associate whose answer is lost after the tenant acted is never repeated blindly: the
// session lists, removes the pending authenticator it left (or, for a first factor, which no
// MFA can delete yet, sweeps it right after the confirmation) and associates again, so a flaky
// network costs a retry, not the run, and leaves nothing pending.
func TestAmbiguousAssociateIsSettledThenRepeated(t *testing.T) {
	t.Run("first factor", func(t *testing.T) {
		tenant := newTenant(t)
		tenant.InjectFault(emulator.Fault{Endpoint: "POST /mfa/associate", Status: 500, After: true})
		e, err := newClient(t, tenant).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
		if err != nil {
			t.Fatalf("the enrollment failed on one lost answer: %v", err)
		}
		if n := tenant.Stats()["POST /mfa/associate"]; n != 2 {
			t.Fatalf("associate sent %d times, want 2 (the lost one and the repeat after the check)", n)
		}
		assertOnlyActive(t, tenant, e.ID)
	})
	t.Run("with MFA", func(t *testing.T) {
		tenant := newTenant(t)
		first, err := newClient(t, tenant).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
		if err != nil {
			t.Fatal(err)
		}
		l := alice()
		l.OTPSecret = first.Association.Secret
		tenant.InjectFault(emulator.Fault{Endpoint: "POST /mfa/associate", Drop: true, After: true})
		second, err := newClient(t, tenant).Session(l).EnrollOTP(ctx(t), mfaapi.StepUp{})
		if err != nil {
			t.Fatalf("the enrollment failed on one lost answer: %v", err)
		}
		assertOnlyActive(t, tenant, first.ID, second.ID)
	})
}

// assertOnlyActive checks that the fixture user has nothing pending and the given factors active.
func assertOnlyActive(t *testing.T, tenant *emutest.Tenant, ids ...string) {
	t.Helper()
	list, _ := tenant.Authenticators(emutest.Username)
	active := map[string]bool{}
	for _, a := range list {
		if !a.Active {
			t.Fatalf("pending authenticator left: %+v", a)
		}
		active[a.ID] = true
	}
	for _, id := range ids {
		if !active[id] {
			t.Fatalf("%s is not active: %+v", id, list)
		}
	}
}

func TestUnreachableTenant(t *testing.T) {
	c, err := mfaapi.New(mfaapi.Config{Domain: "x.test", BaseURL: "http://127.0.0.1:1", ClientID: "a", ClientSecret: "b", Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Session(alice()).List(ctx(t))
	var te *mfaapi.TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "POST /oauth/token: no answer from Auth0") {
		t.Fatalf("got %v", err)
	}
}

func pemKey(t *testing.T) (*rsa.PrivateKey, string, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
}

func TestPrivateKeyJWTClient(t *testing.T) {
	_, privPEM, pubPEM := pemKey(t)
	other, _, _ := pemKey(t)
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "jwt-client", PublicKeyPEM: pubPEM, GrantTypes: emulator.AllGrantTypes})
	tn := emutest.Start(t, cfg)
	key, err := mfaapi.ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range mfaapi.SigningAlgs {
		c := newClient(t, tn, func(c *mfaapi.Config) {
			c.ClientID, c.ClientSecret, c.PrivateKey, c.SigningAlg = "jwt-client", "", key, alg
		})
		// Enrollment makes several token calls; each needs a fresh jti or the tenant refuses it.
		s := c.Session(mfaapi.Login{Username: emutest.Username, Password: emutest.Password})
		if _, err := s.List(ctx(t)); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
	}
	e, err := newClient(t, tn, func(c *mfaapi.Config) { c.ClientID, c.ClientSecret, c.PrivateKey = "jwt-client", "", key }).
		Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil || e.ID == "" {
		t.Fatalf("enrollment with private key JWT: %v", err)
	}
	wrong := newClient(t, tn, func(c *mfaapi.Config) { c.ClientID, c.ClientSecret, c.PrivateKey = "jwt-client", "", other })
	if _, err := wrong.Session(alice()).List(ctx(t)); !mfaapi.IsInvalidClient(err) {
		t.Fatalf("wrong key: %v", err)
	}
	for _, bad := range []string{"", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", pubPEM} {
		if _, err := mfaapi.ParsePrivateKey(bad); err == nil || strings.Contains(err.Error(), "AAAA") {
			t.Errorf("bad key accepted or quoted: %v", err)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	cfg := emutest.Config()
	cfg.Clients = append(cfg.Clients, emulator.ClientConfig{ClientID: "pw-only", ClientSecret: "pw-only-secret", GrantTypes: []string{emulator.GrantPassword}})
	tn := emutest.Start(t, cfg)
	wrongPW := mfaapi.Login{Username: emutest.Username, Password: "hunter2-wrong"}
	_, err := newClient(t, tn).Session(wrongPW).List(ctx(t))
	if !mfaapi.IsWrongCredentials(err) || strings.Contains(err.Error(), "hunter2-wrong") {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = newClient(t, tn, func(c *mfaapi.Config) { c.ClientSecret = "wrong-client-secret" }).Session(alice()).List(ctx(t))
	if !mfaapi.IsInvalidClient(err) || strings.Contains(err.Error(), "wrong-client-secret") {
		t.Fatalf("wrong client secret: %v", err)
	}
	_, err = newClient(t, tn).Session(mfaapi.Login{Username: emutest.Username, Password: emutest.Password, Realm: "Other-DB"}).List(ctx(t))
	if !mfaapi.IsWrongCredentials(err) {
		t.Fatalf("wrong realm: %v", err)
	}
	pwOnly := newClient(t, tn, func(c *mfaapi.Config) { c.ClientID, c.ClientSecret = "pw-only", "pw-only-secret" })
	_, err = pwOnly.Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if !mfaapi.IsUnauthorizedClient(err) {
		t.Fatalf("client without the MFA grant: %v", err)
	}
	_, err = newClient(t, tn).Login(ctx(t), mfaapi.PasswordLogin{Username: emutest.Username, Password: emutest.Password, Audience: "https://" + emutest.Domain + "/mfa/"})
	if tok, ok := mfaapi.MFARequired(err); !ok || tok == "" || strings.Contains(err.Error(), tok) {
		t.Fatalf("mfa_required carries the token but never prints it: %v", err)
	}
}

func TestBaseURLPolicy(t *testing.T) {
	for _, ok := range []string{"https://tenant.eu.auth0.com", "https://login.example.com:8443/", "http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:9"} {
		if _, err := mfaapi.ParseBaseURL(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://tenant.eu.auth0.com", "http://10.0.0.5:8787", "tenant.eu.auth0.com", "ftp://x", "https://x/path", "https://u:p@x", "https://x?a=1", ""} {
		if _, err := mfaapi.ParseBaseURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	_, err := mfaapi.ParseBaseURL("http://tenant.eu.auth0.com")
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("the refusal says why: %v", err)
	}
}

func TestNewValidatesCredentials(t *testing.T) {
	key, _, _ := pemKey(t)
	for name, cfg := range map[string]mfaapi.Config{
		"no domain":         {ClientID: "a", ClientSecret: "b"},
		"domain with path":  {Domain: "https://x.test/", ClientID: "a", ClientSecret: "b"},
		"no client id":      {Domain: "x.test", ClientSecret: "b"},
		"no credential":     {Domain: "x.test", ClientID: "a"},
		"two credentials":   {Domain: "x.test", ClientID: "a", ClientSecret: "b", PrivateKey: key},
		"unsupported alg":   {Domain: "x.test", ClientID: "a", PrivateKey: key, SigningAlg: "HS256"},
		"http non-loopback": {Domain: "x.test", ClientID: "a", ClientSecret: "b", BaseURL: "http://x.test"},
	} {
		if _, err := mfaapi.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The User-Agent is checked on a bare recorder: the emulator does not keep headers.
func TestUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	c, err := mfaapi.New(mfaapi.Config{Domain: "x.test", BaseURL: srv.URL, ClientID: "a", ClientSecret: "b", UserAgent: "terraform-provider-auth0mfa/1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAuthenticators(ctx(t), "tok"); err != nil {
		t.Fatal(err)
	}
	if ua := <-got; ua != "terraform-provider-auth0mfa/1.2.3" {
		t.Fatalf("user agent %q", ua)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	tn := newTenant(t)
	tn.InjectFault(emulator.Fault{Endpoint: "GET /.well-known/jwks.json", Status: 429}) // unused endpoint: keeps Stats honest
	tn.InjectFault(emulator.Fault{Endpoint: "POST /oauth/token", Status: 429, RetryAfter: 1})
	start := time.Now()
	if _, err := newClient(t, tn).Session(alice()).List(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("Retry-After: 1 was not waited for (%v)", d)
	}
}

// A step-up whose answer was lost (before a delete) sends the next code of the same secret
// instead of failing the destroy: a code is never sent twice, and the delete goes through.
func TestLostStepUpAnswerTriesTheNextCode(t *testing.T) {
	tenant := newTenant(t)
	e, err := newClient(t, tenant).Session(alice()).EnrollOTP(ctx(t), mfaapi.StepUp{})
	if err != nil {
		t.Fatal(err)
	}
	// The first token call is the login, the second the step-up with the factor's secret.
	tenant.InjectFault(emulator.Fault{Endpoint: "POST /oauth/token", Skip: 1, Drop: true, After: true})
	if err := newClient(t, tenant).Session(alice()).Delete(ctx(t), e.ID, mfaapi.StepUp{OTPSecrets: []string{e.Association.Secret}}); err != nil {
		t.Fatalf("the delete failed on one lost answer: %v", err)
	}
	if tenant.PendingFaults() != 0 {
		t.Fatal("the fault was never hit")
	}
	if list, _ := tenant.Authenticators(emutest.Username); len(list) != 0 {
		t.Fatalf("left: %+v", list)
	}
}
