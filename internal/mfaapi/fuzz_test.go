package mfaapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeResponses feeds arbitrary answers to everything the client decodes: the error
// shapes, the rate-limit headers and every success body. Nothing may panic, and an mfa_token
// must never reach an error's text.
func FuzzDecodeResponses(f *testing.F) {
	f.Add(403, []byte(`{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*x"}`), "", "")
	f.Add(429, []byte(`{"error":"too_many_requests","error_description":"Rate limit exceeded."}`), "3", "1630703629")
	f.Add(400, []byte(`{"name":"BadRequestError","code":"invalid_signup","description":"Invalid sign up","statusCode":400}`), "", "")
	f.Add(401, []byte(`Unauthorized`), "Wed, 21 Oct 2015 07:28:00 GMT", "")
	f.Add(200, []byte(`[{"id":"sms|dev_x","authenticator_type":"oob","active":false,"oob_channel":"sms","name":"XXX9167"}]`), "", "")
	f.Add(404, []byte(`{"statusCode":404,"error":"Not Found","message":"x","errorCode":"inexistent_user"}`), "", "")
	f.Add(500, []byte(`{"error":7,"mfa_token":["a"]}`), "-1", "x")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-Ratelimit-Reset", reset)
		e := decodeError(endpointToken, &http.Response{StatusCode: status, Header: h}, body, time.Unix(1_700_000_000, 0))
		msg := e.Error()
		if e.mfaToken != "" && strings.Contains(msg, e.mfaToken) {
			t.Fatalf("the mfa_token leaked into %q", msg)
		}
		_ = IsNotFound(e) || IsTokenRejected(e) || IsWrongCredentials(e) || IsPushRejected(e) || IsAlreadyEnrolled(e)
		var (
			tok   Tokens
			list  []Authenticator
			assoc Association
			ch    Challenge
		)
		_ = json.Unmarshal(body, &tok)
		_ = json.Unmarshal(body, &list)
		_ = json.Unmarshal(body, &assoc)
		_ = json.Unmarshal(body, &ch)
	})
}
