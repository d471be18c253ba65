package bindingcode

import (
	"testing"
)

// FuzzParseCode: whatever a command prints, the parser accepts only 4 to 10 digits, and its
// errors never echo the output: an error is one of two fixed texts, the same for any input.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"123456\n", " 0042 ", "your code is 123456", "", "12345678901", "١٢٣٤٥٦", "123456\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		code, err := ParseCode(out)
		if err != nil {
			_, empty := ParseCode(nil)
			if err != ErrNotACode && err.Error() != empty.Error() {
				t.Fatalf("the error depends on the output: %v", err)
			}
			return
		}
		if !codePattern.MatchString(code) {
			t.Fatalf("accepted %q", code)
		}
	})
}
