package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Two resources of one type and one of another, written the way Terraform writes state.
func TestBytesPerResourceByType(t *testing.T) {
	state := `{
  "version": 4,
  "resources": [
    {
      "mode": "managed",
      "type": "a",
      "name": "x",
      "instances": []
    },
    {
      "mode": "managed",
      "type": "a",
      "name": "yy",
      "instances": []
    },
    {
      "mode": "managed",
      "type": "b",
      "name": "z",
      "instances": [
        {
          "a": 1
        },
        {
          "a": 2
        }
      ]
    }
  ],
  "check_results": null
}
`
	path := filepath.Join(t.TempDir(), "terraform.tfstate")
	if err := os.WriteFile(path, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := bytesPerResourceByType(path)
	if err != nil {
		t.Fatal(err)
	}
	// The entry of "x" in the file, from its "{" to its "}," and newline: 4+1+1 + 4 lines.
	entry := len("    {\n      \"mode\": \"managed\",\n      \"type\": \"a\",\n      \"name\": \"x\",\n      \"instances\": []\n    },\n")
	// "z" holds two instances (count = 2): its entry is shared between them.
	z := len("    {\n      \"mode\": \"managed\",\n      \"type\": \"b\",\n      \"name\": \"z\",\n      \"instances\": [\n" +
		"        {\n          \"a\": 1\n        },\n        {\n          \"a\": 2\n        }\n      ]\n    },\n")
	if got["a"] != entry || got["b"] != z/2 {
		t.Fatalf("got %v, want a %d, b %d", got, entry, z/2)
	}
}
