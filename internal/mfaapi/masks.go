package mfaapi

import "strings"

// MatchesMasked reports whether Auth0's masked name of a factor ("XXXXXXXX4567",
// "chuc****@exam*******") could stand for value: the same length, and every character either
// masked ('X' or '*') or equal. The masking rules themselves are inferred (reference open
// question 14), so only this weak comparison is relied on.
func MatchesMasked(name, value string) bool {
	if name == "" || len(name) != len(value) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] != 'X' && name[i] != '*' && name[i] != value[i] {
			return false
		}
	}
	return true
}

// TwinIDs are the ids in list that Auth0 created together with id and deletes with it: an
// sms|X and a voice|X share their suffix (reference §5). A push factor's totp companion has an
// id of its own that the listing does not tie to it, so it is not found here.
func TwinIDs(list []Authenticator, id string) []string {
	kind, suffix, ok := strings.Cut(id, "|")
	if !ok || (kind != "sms" && kind != "voice") {
		return nil
	}
	var out []string
	for _, a := range list {
		k, s, _ := strings.Cut(a.ID, "|")
		if s == suffix && k != kind && (k == "sms" || k == "voice") {
			out = append(out, a.ID)
		}
	}
	return out
}
