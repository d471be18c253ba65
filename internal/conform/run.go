package conform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// The grant types and scopes are the provider's own (internal/mfaapi), so a run sends what
// the provider sends.
const (
	grantMFAOTP      = mfaapi.GrantMFAOTP
	grantMFAOOB      = mfaapi.GrantMFAOOB
	grantMFARecovery = mfaapi.GrantMFARecoveryCode
	mfaScopes        = mfaapi.MFAScopes
)

// run is one conformance run's working state. The secrets it holds live only here, in memory,
// and in the redactor that keeps them out of everything written.
type run struct {
	t    Target
	w    *wire
	red  *redactor
	rec  *Record
	book *totp.Book

	before    map[string]bool // the user's authenticators before the run: never deleted
	mfaToken  string          // the newest mfa_token
	access    string          // the newest MFA-audience access token
	otpSecret string
	otpID     string
	oobID     string
	recovery  string // the user's current recovery code
	// confirmedCode is the TOTP code that confirmed the OTP factor, sent again once on purpose.
	confirmedCode string
	// mgmtToken and methods are the Management API route's token and the methods it created.
	mgmtToken string
	methods   []string
}

// Run runs every step against t, then deletes every authenticator the run created, also when
// ctx ends early (an interrupt). The record is complete up to where the run stopped; the error
// reports factors that could not be deleted.
func Run(ctx context.Context, t Target) (*Record, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	r := newRun(t)
	r.steps(ctx)
	if ctx.Err() != nil && r.rec.Stopped == "" {
		r.rec.Stopped = "interrupted"
	}
	return r.rec, r.cleanup(context.WithoutCancel(ctx))
}

func newRun(t Target) *run {
	red := newRedactor()
	red.add("<password>", t.Password)
	red.add("<client-secret>", t.ClientSecret)
	red.add("<username>", t.Username)
	red.add("<phone-number>", t.PhoneNumber)
	red.add("<email>", t.Email)
	red.add("<url>", t.URL)
	hc := t.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	kind := t.Kind
	if kind == "" {
		kind = "tenant"
	}
	return &run{
		t:      t,
		w:      &wire{base: t.URL, clientID: t.ClientID, clientSecret: t.ClientSecret, http: hc, red: red},
		red:    red,
		rec:    &Record{Tool: toolName, Version: t.Version, Target: kind},
		book:   totp.NewBook(nil),
		before: map[string]bool{},
	}
}

// record keeps one answer (or the transport error in its place) and prints its line. It
// returns the answer when one came, nil otherwise.
func (r *run) record(name, request string, a *answer) *answer {
	st := Step{Name: name, Request: request}
	if a.err != nil {
		st.Transport = r.red.clean(a.err.Error())
		a = nil
	} else {
		st.Status = a.status
		st.Error = r.red.clean(a.str("error"))
		st.ErrorDescription = r.red.clean(a.str("error_description"))
		st.Shape = shapeOf(a.body)
	}
	r.rec.Steps = append(r.rec.Steps, st)
	r.progress(st)
	return a
}

// skip records a step that could not be sent, and why.
func (r *run) skip(name, request, why string) {
	st := Step{Name: name, Request: request, Skipped: why}
	r.rec.Steps = append(r.rec.Steps, st)
	r.progress(st)
}

func (r *run) progress(st Step) {
	if r.t.Progress != nil {
		fmt.Fprintf(r.t.Progress, "  %-28s %s\n", st.Name, st.Outcome())
	}
}

// passwordLogin is the provider's own login form (mfaapi.PasswordLogin.Form).
func (r *run) passwordLogin(audience, scope string) url.Values {
	return mfaapi.PasswordLogin{
		Username: r.t.Username, Password: r.t.Password, Realm: r.t.Realm, Audience: audience, Scope: scope,
	}.Form()
}

func (r *run) grantName() string {
	if r.t.Realm != "" {
		return "password-realm"
	}
	return "password"
}

// totpCode is the next unused code of the run's OTP secret, after waiting for a new time step
// when both valid ones are used (as the provider does: internal/totp.Book).
func (r *run) totpCode(ctx context.Context, fresh bool) (string, error) {
	next := r.book.Next
	if fresh {
		next = r.book.NextNew
	}
	code, wait, err := next(r.otpSecret)
	if err != nil {
		return "", err
	}
	if wait > 0 {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
	}
	r.red.add("<otp-code>", code)
	return code, nil
}

// wrongCode is a 6-digit code that is none of the secret's codes near now, so the tenant must
// refuse it (a guess would be one of the user's 10 failed attempts an hour either way; this one
// is spent on purpose, once).
func (r *run) wrongCode() string {
	step := totp.Step(time.Now())
	valid := map[string]bool{}
	for s := step - 2; s <= step+2; s++ {
		if c, err := totp.CodeAtStep(r.otpSecret, s); err == nil {
			valid[c] = true
		}
	}
	for n := 123456; ; n = (n + 111111) % 1000000 {
		if c := fmt.Sprintf("%06d", n); !valid[c] {
			return c
		}
	}
}

// stopped reports whether the run must end: ctx is done or a step set Stopped.
func (r *run) stopped(ctx context.Context) bool {
	if ctx.Err() != nil && r.rec.Stopped == "" {
		r.rec.Stopped = "interrupted"
	}
	return r.rec.Stopped != ""
}
