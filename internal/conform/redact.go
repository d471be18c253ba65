package conform

import (
	"sort"
	"strings"
	"sync"
)

// redactor knows every secret and personal value a run handled (the password, the client
// secret, tokens, OTP secrets, codes, the destination) and removes them from any text the
// run keeps or prints, such as an error_description that quotes what was sent.
type redactor struct {
	mu     sync.Mutex
	values map[string]string // value -> placeholder
}

func newRedactor() *redactor { return &redactor{values: map[string]string{}} }

// add registers values under a placeholder such as "<password>"; short values (under 4
// characters) are not registered, so "<otp>" never eats ordinary words.
func (r *redactor) add(placeholder string, values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 {
			r.values[v] = placeholder
		}
	}
}

// clean replaces every registered value in s, longest first (a token may contain a shorter one).
func (r *redactor) clean(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.values))
	for k := range r.values {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, r.values[k])
	}
	return s
}
