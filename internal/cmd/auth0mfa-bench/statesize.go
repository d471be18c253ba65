package main

import (
	"bytes"
	"encoding/json"
	"os"
)

// bytesPerResourceByType is how many bytes of a state file each resource instance of a type
// takes, on average, as Terraform wrote them: Terraform rewrites the whole file after every resource it
// creates or deletes, so these bytes are paid once per resource and per write
// (bench/README.md). A resource's share is its entry of the "resources" array as it appears in
// the file (indentation included), which is re-encoded the way Terraform writes state (two
// spaces, nested two levels deep) to measure it.
func bytesPerResourceByType(statePath string) (map[string]int, error) {
	raw, err := os.ReadFile(statePath)
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, err
	}
	total, count := map[string]int{}, map[string]int{}
	for _, r := range state.Resources {
		var head struct {
			Type      string            `json:"type"`
			Instances []json.RawMessage `json:"instances"`
		}
		if err := json.Unmarshal(r, &head); err != nil {
			return nil, err
		}
		var entry bytes.Buffer
		// Terraform's MarshalIndent(state, "", "  ") puts each entry at depth 2 (four spaces),
		// and "\n" plus the separating comma between entries.
		if err := json.Indent(&entry, r, "    ", "  "); err != nil {
			return nil, err
		}
		// A resource with count or for_each is one entry holding all its instances.
		total[head.Type] += entry.Len() + len("    ,\n")
		count[head.Type] += max(1, len(head.Instances))
	}
	out := map[string]int{}
	for t, n := range total {
		out[t] = n / count[t]
	}
	return out, nil
}
