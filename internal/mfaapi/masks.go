package mfaapi

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
