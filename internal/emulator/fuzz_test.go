package emulator

import (
	"testing"
)

// FuzzParseBody feeds arbitrary bodies and content types to the request parser every endpoint
// uses. It must never panic, and what it accepts must be strings only.
func FuzzParseBody(f *testing.F) {
	f.Add("application/json", []byte(`{"authenticator_types":["otp"],"client_id":"x"}`))
	f.Add("application/x-www-form-urlencoded", []byte(`grant_type=password&username=a%40b&password=p`))
	f.Add("", []byte(`{"grant_type": 7}`))
	f.Add("application/json; charset=utf-8", []byte(`{"a":null,"b":[1,2]}`))
	f.Add("text/plain", []byte(`x`))
	f.Add("application/x-www-form-urlencoded", []byte(`%zz=1&a=%`))
	f.Fuzz(func(t *testing.T, contentType string, raw []byte) {
		p, err := parseBody(contentType, raw)
		if err != nil {
			if _, ok := err.(errBadBody); !ok {
				t.Fatalf("unexpected error type %T", err)
			}
			return
		}
		for k := range p {
			_ = p.get(k)
			_ = p.list(k)
		}
		_ = p.missing("grant_type", "username")
	})
}
