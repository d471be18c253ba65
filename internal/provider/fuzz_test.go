package provider

import (
	"strings"
	"testing"
)

// FuzzParseImportID: no input panics, and an accepted ID round-trips.
func FuzzParseImportID(f *testing.F) {
	for _, s := range []string{"ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F", "Username-Password-Authentication/u:sms|dev_a",
		"a:b:c", "/:|", "realm/:push|dev_x", "x:email|dev_", "\x00:totp|dev_a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := parseImportID(raw, "totp", "sms", "voice", "email", "push")
		if err != nil {
			return
		}
		again := id.username + ":" + id.authenticatorID
		if id.realm != "" {
			again = id.realm + "/" + again
		}
		back, err := parseImportID(again, "totp", "sms", "voice", "email", "push")
		if err != nil || back != id {
			t.Fatalf("%q parsed to %+v, which does not round-trip (%+v, %v)", raw, id, back, err)
		}
		if strings.TrimSpace(id.username) == "" {
			t.Fatalf("accepted an empty username from %q", raw)
		}
	})
}
