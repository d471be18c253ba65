// Package conform runs the MFA flows the provider uses against a tenant (a real Auth0 tenant or
// the emulator), records what each answer looked like without any of its values, and compares
// two records. It is the `auth0mfa-emulator conform` command's engine: the way for a user with
// a test tenant to check that the emulator answers as their tenant does.
package conform

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

// Record is one run: the tenant settings it detected and every step's answer.
type Record struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// Target is "tenant" or "emulator"; the URL and domain are not kept, so a record can be
	// attached to a public issue.
	Target   string   `json:"target"`
	Settings Settings `json:"settings"`
	Steps    []Step   `json:"steps"`
	// Stopped says why the run ended before its last step ("" when it ran them all).
	Stopped string `json:"stopped,omitempty"`
}

// Settings are tenant settings the run detected from the answers (or, for an emulator, was
// started with). An emulator run for a comparison starts with the other record's settings.
type Settings struct {
	// MFAPolicy: "never" when a password login without the MFA audience got tokens for the
	// user with no factor, "always" when it answered mfa_required, "" when neither.
	MFAPolicy string `json:"mfa_policy"`
	// OOBChannel is the out-of-band channel enrolled (sms or email), "" when none was.
	OOBChannel string `json:"oob_channel,omitempty"`
}

// Step is one request and the shape of its answer.
type Step struct {
	Name    string `json:"step"`
	Request string `json:"request"`
	// Status is the HTTP status; 0 when the step was not sent (Skipped says why) or no answer
	// came (Transport says what happened).
	Status           int    `json:"status"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	// Shape maps each JSON path of the body to its type (see shapeOf); values are never kept,
	// except the enumerations in enumFields.
	Shape     map[string]string `json:"shape,omitempty"`
	Skipped   string            `json:"skipped,omitempty"`
	Transport string            `json:"transport_error,omitempty"`
}

// Outcome is the step's result in a few words: "200", "403 invalid_grant", "skipped: why" or
// "no answer: what happened".
func (s Step) Outcome() string {
	switch {
	case s.Skipped != "":
		return "skipped: " + s.Skipped
	case s.Transport != "":
		return "no answer: " + s.Transport
	case s.Error != "":
		return strconv.Itoa(s.Status) + " " + s.Error
	}
	return strconv.Itoa(s.Status)
}

// Load reads a record written by Save.
func Load(path string) (*Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s is not a conform record: %w", path, err)
	}
	if r.Tool != toolName {
		return nil, fmt.Errorf("%s is not a conform record (no \"tool\": %q)", path, toolName)
	}
	return &r, nil
}

// Save writes the record as indented JSON, readable only by its owner.
func (r *Record) Save(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

const toolName = "auth0mfa-emulator conform"
