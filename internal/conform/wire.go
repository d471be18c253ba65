package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// wire sends the requests as the provider does (internal/mfaapi): /oauth/token form-encoded
// with client_secret_post, the /mfa/* bodies as JSON. It keeps the raw answers: conform is
// about what the tenant says, so nothing here interprets or retries.
type wire struct {
	base, clientID, clientSecret string
	http                         *http.Client
	red                          *redactor
}

// answer is one response: its status and body, and the body decoded when it is an object; or
// err, when no answer came.
type answer struct {
	status int
	body   []byte
	fields map[string]any
	err    error
}

func (a *answer) str(name string) string {
	if a == nil {
		return ""
	}
	s, _ := a.fields[name].(string)
	return s
}

func (a *answer) strings(name string) []string {
	if a == nil {
		return nil
	}
	list, _ := a.fields[name].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (w *wire) token(ctx context.Context, form url.Values) *answer {
	form.Set("client_id", w.clientID)
	form.Set("client_secret", w.clientSecret)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return &answer{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.send(req)
}

func (w *wire) postJSON(ctx context.Context, path, bearer string, body any) *answer {
	b, err := json.Marshal(body)
	if err != nil {
		return &answer{err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+path, bytes.NewReader(b))
	if err != nil {
		return &answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	return w.sendWith(req, bearer)
}

// clientCredentials is a Management API token for another application than the run's.
func (w *wire) clientCredentials(ctx context.Context, t *Target, audience string) *answer {
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {audience}}
	cred := mfaapi.ClientCredential{ClientID: t.ManagementClientID, Secret: t.ManagementClientSecret, Key: t.ManagementPrivateKey}
	if err := cred.AddTo(form, t.Domain, time.Now()); err != nil {
		return &answer{err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return &answer{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.send(req)
}

// mgmt is one Management API call with a JSON body (nil: none).
func (w *wire) mgmt(ctx context.Context, method, path, bearer string, body any) *answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &answer{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, rd)
	if err != nil {
		return &answer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return w.sendWith(req, bearer)
}

// list is GET /mfa/authenticators.
func (w *wire) list(ctx context.Context, bearer string) *answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/mfa/authenticators", nil)
	if err != nil {
		return &answer{err: err}
	}
	return w.sendWith(req, bearer)
}

func (w *wire) delete(ctx context.Context, path, bearer string) *answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, w.base+path, nil)
	if err != nil {
		return &answer{err: err}
	}
	return w.sendWith(req, bearer)
}

func (w *wire) sendWith(req *http.Request, bearer string) *answer {
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return w.send(req)
}

// maxAnswer bounds what is read of one answer; Auth0's are a few KiB.
const maxAnswer = 1 << 20

func (w *wire) send(req *http.Request) *answer {
	req.Header.Set("Accept", "application/json")
	resp, err := w.http.Do(req)
	if err != nil {
		return &answer{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &answer{err: err}
	}
	a := &answer{status: resp.StatusCode, body: body}
	_ = json.Unmarshal(body, &a.fields) // a non-object body leaves fields nil; its shape says so
	// Every value that could authenticate is registered before anything records or prints.
	w.red.add("<token>", a.str("access_token"), a.str("id_token"), a.str("refresh_token"), a.str("mfa_token"))
	w.red.add("<otp-secret>", a.str("secret"))
	w.red.add("<barcode-uri>", a.str("barcode_uri"))
	w.red.add("<oob-code>", a.str("oob_code"))
	w.red.add("<recovery-code>", a.str("recovery_code"))
	w.red.add("<recovery-code>", a.strings("recovery_codes")...)
	return a
}

// listing decodes a GET /mfa/authenticators answer (nil for any other answer).
func (a *answer) listing() []mfaapi.Authenticator {
	var out []mfaapi.Authenticator
	if a == nil || a.err != nil || a.status != http.StatusOK {
		return nil
	}
	_ = json.Unmarshal(a.body, &out)
	return out
}
