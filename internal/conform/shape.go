package conform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// enumFields are the fields whose values are kept: small vocabularies that say what kind of
// answer it was (never a token, secret, code, id or destination).
var enumFields = map[string]bool{
	"authenticator_type": true, "oob_channel": true, "active": true, "challenge_type": true,
	"binding_method": true, "token_type": true,
}

// errorFields are recorded as Step.Error and Step.ErrorDescription, not as shape.
var errorFields = map[string]bool{"error": true, "error_description": true}

// rootPath names the body itself in a shape.
const rootPath = "(body)"

// shapeOf maps every JSON path of body to its type: "string", "number", "boolean", "null",
// "object", "array of N", or the quoted value of an enumeration field. Array elements share
// the path "name[]"; when elements differ, the types are joined with " | ".
func shapeOf(body []byte) map[string]string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return map[string]string{rootPath: "empty"}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return map[string]string{rootPath: "not JSON"}
	}
	seen := map[string]map[string]bool{}
	walkShape(v, rootPath, "", seen)
	out := make(map[string]string, len(seen))
	for path, types := range seen {
		list := make([]string, 0, len(types))
		for t := range types {
			list = append(list, t)
		}
		sort.Strings(list)
		out[path] = strings.Join(list, " | ")
	}
	return out
}

func walkShape(v any, path, field string, seen map[string]map[string]bool) {
	add := func(t string) {
		if seen[path] == nil {
			seen[path] = map[string]bool{}
		}
		seen[path][t] = true
	}
	switch x := v.(type) {
	case map[string]any:
		add("object")
		for k, child := range x {
			if path == rootPath && errorFields[k] {
				continue
			}
			walkShape(child, childPath(path, k), k, seen)
		}
	case []any:
		add(fmt.Sprintf("array of %d", len(x)))
		for _, child := range x {
			walkShape(child, path+"[]", field, seen)
		}
	case string:
		if enumFields[field] {
			add(fmt.Sprintf("%q", x))
			return
		}
		add("string")
	case bool:
		if enumFields[field] {
			add(fmt.Sprint(x))
			return
		}
		add("boolean")
	case float64:
		add("number")
	case nil:
		add("null")
	}
}

func childPath(parent, key string) string {
	if parent == rootPath {
		return key
	}
	return parent + "." + key
}
