package provider

import (
	"fmt"
	"regexp"
	"strings"
)

// importID is what `terraform import` gives for an authenticator:
// "USERNAME:AUTHENTICATOR_ID" or "REALM/USERNAME:AUTHENTICATOR_ID". The authenticator id is
// after the last ":" (Auth0 ids contain none); a realm (an Auth0 connection name) contains no
// "/". An import by identity gives the same three parts (identity.go).
type importID struct {
	realm, username, authenticatorID string
}

var authenticatorIDPattern = regexp.MustCompile(`^([a-z-]+)\|[A-Za-z0-9_]+$`)

const importIDFormat = `expected "USERNAME:AUTHENTICATOR_ID" or "REALM/USERNAME:AUTHENTICATOR_ID", for example "ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F"`

func parseImportID(raw string, kinds ...string) (importID, error) {
	raw = strings.TrimSpace(raw)
	i := strings.LastIndex(raw, ":")
	if i <= 0 || i == len(raw)-1 {
		return importID{}, fmt.Errorf("the import ID %q is not valid: %s", raw, importIDFormat)
	}
	id := importID{username: raw[:i], authenticatorID: raw[i+1:]}
	if realm, user, ok := strings.Cut(id.username, "/"); ok {
		if !connectionName.MatchString(realm) {
			return importID{}, fmt.Errorf("the import ID %q is not valid: %q is not an Auth0 connection name; %s", raw, realm, importIDFormat)
		}
		id.realm, id.username = realm, user
	}
	if strings.TrimSpace(id.username) == "" {
		return importID{}, fmt.Errorf("the import ID %q has no username: %s", raw, importIDFormat)
	}
	if err := id.checkKind(kinds...); err != nil {
		return importID{}, fmt.Errorf("the import ID %q %w: %s", raw, err, importIDFormat)
	}
	return id, nil
}

// checkIdentity validates the parts of an import by identity, with the attribute names of the
// identity block in its messages.
func (id importID) checkIdentity(kinds ...string) error {
	switch {
	case strings.TrimSpace(id.username) == "":
		return fmt.Errorf("identity.username is empty: give the user's username or email")
	case id.realm != "" && !connectionName.MatchString(id.realm):
		return fmt.Errorf("identity.realm %q is not an Auth0 connection name (letters, digits and dashes, such as Username-Password-Authentication)", id.realm)
	}
	if err := id.checkKind(kinds...); err != nil {
		return fmt.Errorf("identity.id %w", err)
	}
	return nil
}

// checkKind reports an authenticator id that is malformed or of a kind this resource does
// not manage; the message continues a sentence that names where the id came from.
func (id importID) checkKind(kinds ...string) error {
	m := authenticatorIDPattern.FindStringSubmatch(id.authenticatorID)
	if m == nil {
		return fmt.Errorf("does not end in an Auth0 authenticator id such as totp|dev_WzMZ2sZbUw1wbC2F")
	}
	for _, k := range kinds {
		if m[1] == k {
			return nil
		}
	}
	return fmt.Errorf("names %q, a %s authenticator; this resource manages %s authenticators",
		id.authenticatorID, m[1], strings.Join(kinds, " or "))
}
