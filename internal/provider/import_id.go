package provider

import (
	"fmt"
	"regexp"
	"strings"
)

// importID is what `terraform import` gives for an authenticator:
// "USERNAME:AUTHENTICATOR_ID" or "REALM/USERNAME:AUTHENTICATOR_ID". The authenticator id is
// after the last ":" (Auth0 ids contain none); a realm (an Auth0 connection name) contains no
// "/".
type importID struct {
	realm, username, authenticatorID string
}

var authenticatorIDPattern = regexp.MustCompile(`^([a-z-]+)\|[A-Za-z0-9_]+$`)

func parseImportID(raw string, kinds ...string) (importID, error) {
	const format = `expected "USERNAME:AUTHENTICATOR_ID" or "REALM/USERNAME:AUTHENTICATOR_ID", for example "ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F"`
	raw = strings.TrimSpace(raw)
	i := strings.LastIndex(raw, ":")
	if i <= 0 || i == len(raw)-1 {
		return importID{}, fmt.Errorf("the import ID %q is not valid: %s", raw, format)
	}
	id := importID{username: raw[:i], authenticatorID: raw[i+1:]}
	if realm, user, ok := strings.Cut(id.username, "/"); ok {
		if !connectionName.MatchString(realm) {
			return importID{}, fmt.Errorf("the import ID %q is not valid: %q is not an Auth0 connection name; %s", raw, realm, format)
		}
		id.realm, id.username = realm, user
	}
	if strings.TrimSpace(id.username) == "" {
		return importID{}, fmt.Errorf("the import ID %q has no username: %s", raw, format)
	}
	m := authenticatorIDPattern.FindStringSubmatch(id.authenticatorID)
	if m == nil {
		return importID{}, fmt.Errorf("the import ID %q does not end in an Auth0 authenticator id such as totp|dev_WzMZ2sZbUw1wbC2F: %s", raw, format)
	}
	for _, k := range kinds {
		if m[1] == k {
			return id, nil
		}
	}
	return importID{}, fmt.Errorf("the authenticator %q is a %s authenticator; this resource manages %s authenticators",
		id.authenticatorID, m[1], strings.Join(kinds, " or "))
}
