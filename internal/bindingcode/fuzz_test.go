package bindingcode

import (
	"strings"
	"testing"
)

// FuzzParseCode: whatever a command prints, the parser accepts only 4 to 10 digits, and its
// errors never echo the output.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"123456\n", " 0042 ", "your code is 123456", "", "12345678901", "١٢٣٤٥٦", "123456\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		code, err := ParseCode(out)
		if err != nil {
			trimmed := strings.TrimSpace(string(out))
			if len(trimmed) >= 4 && strings.Contains(err.Error(), trimmed) {
				t.Fatalf("the error echoes the output: %v", err)
			}
			return
		}
		if !codePattern.MatchString(code) {
			t.Fatalf("accepted %q", code)
		}
	})
}
