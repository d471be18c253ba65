package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxBodyBytes bounds request bodies; Auth0's own bodies are small.
const maxBodyBytes = 64 << 10

// params are the fields of a request body, whether it came as a form or as JSON.
type params map[string][]string

func (p params) get(key string) string {
	if v := p[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (p params) list(key string) []string { return p[key] }

// errBadBody is answered with Auth0's 400 invalid_request.
type errBadBody struct{ msg string }

func (e errBadBody) Error() string { return e.msg }

// readBody reads a request body up to maxBodyBytes.
func readBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
}

// readParams decodes a form or JSON body. JSON values must be strings or arrays of strings,
// which is all any MFA endpoint takes.
func readParams(r *http.Request) (params, error) {
	raw, err := readBody(r)
	if err != nil {
		return nil, errBadBody{"Request body is too large or could not be read."}
	}
	return parseBody(r.Header.Get("Content-Type"), raw)
}

func parseBody(contentType string, raw []byte) (params, error) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch mediaType {
	case "application/json":
		return parseJSONBody(raw)
	case "application/x-www-form-urlencoded", "":
		if mediaType == "" && len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
			return parseJSONBody(raw)
		}
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, errBadBody{"Invalid form body."}
		}
		return params(vals), nil
	default:
		return nil, errBadBody{fmt.Sprintf("Unsupported content type %q; send application/json or application/x-www-form-urlencoded.", mediaType)}
	}
}

func parseJSONBody(raw []byte) (params, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, errBadBody{"Invalid JSON body: expected a JSON object."}
	}
	p := params{}
	for k, v := range obj {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			p[k] = []string{s}
			continue
		}
		var list []string
		if err := json.Unmarshal(v, &list); err == nil {
			p[k] = list
			continue
		}
		if string(v) == "null" {
			continue
		}
		return nil, errBadBody{fmt.Sprintf("Invalid value for %s: expected a string or an array of strings.", k)}
	}
	return p, nil
}

// missing returns the first required field that is absent or blank.
func (p params) missing(keys ...string) string {
	for _, k := range keys {
		if strings.TrimSpace(p.get(k)) == "" {
			return k
		}
	}
	return ""
}

// apiError is an Auth0 Authentication API error: {"error":…, "error_description":…}.
type apiError struct {
	status int
	code   string
	desc   string
	extra  map[string]any
	header http.Header // extra response headers (Retry-After)
}

func (e *apiError) Error() string { return e.code + ": " + e.desc }

func newAPIError(status int, code, desc string) *apiError {
	return &apiError{status: status, code: code, desc: desc}
}

func badRequest(desc string) *apiError {
	return newAPIError(http.StatusBadRequest, "invalid_request", desc)
}

func missingParam(name string) *apiError {
	return badRequest("Missing required parameter: " + name)
}

// asAPIError turns a body error into Auth0's 400.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var bb errBadBody
	if errors.As(err, &bb) {
		return badRequest(bb.msg)
	}
	return newAPIError(http.StatusInternalServerError, "server_error", "Internal error.")
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"error": e.code, "error_description": e.desc}
	for k, v := range e.extra {
		body[k] = v
	}
	for k, v := range e.header {
		w.Header()[k] = v
	}
	writeJSON(w, e.status, body)
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeAPIError(w, newAPIError(status, code, desc))
}

// writeJSON uses the recorded content types: "application/json" on /oauth/token and
// "application/json; charset=utf-8" on /mfa/* (reference §0).
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// bearerToken extracts the token of an "Authorization: Bearer …" header.
func bearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// serveLocked answers a JSON endpoint: read the body, act under the tenant's lock, write the
// answer or Auth0's error.
func (s *Server) serveLocked(w http.ResponseWriter, r *http.Request, act func(params) (any, *apiError)) {
	p, err := readParams(r)
	if err != nil {
		writeAPIError(w, asAPIError(err))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp, aerr := act(p)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
