package tokenapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// params are the decoded parameters of a token request.
type params map[string]string

// errBadRequest carries an invalid_request description.
type errBadRequest string

func (e errBadRequest) Error() string { return string(e) }

// readParams decodes a JSON object or a form body, rejecting duplicates,
// nested values and oversized bodies. JSON numbers are kept as their literal
// text (account_id may be a number or a string).
func readParams(w http.ResponseWriter, r *http.Request) (params, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBadRequest("The request body is larger than 16 KiB.")
		}
		return nil, errBadRequest("The request body could not be read.")
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return params{}, nil
	case mt == "application/x-www-form-urlencoded":
		return formParams(string(body))
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || (mt == "" && trimmed[0] == '{'):
		return jsonParams(trimmed)
	default:
		return nil, errBadRequest("Unsupported Content-Type: use application/json or application/x-www-form-urlencoded.")
	}
}

func formParams(body string) (params, error) {
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, errBadRequest("The form body is malformed.")
	}
	p := params{}
	for k, vals := range v {
		if len(vals) != 1 {
			return nil, errBadRequest("The parameter " + safeName(k) + " appears more than once.")
		}
		p[k] = vals[0]
	}
	return p, nil
}

func jsonParams(body []byte) (params, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	bad := errBadRequest("The request body is not a valid JSON object.")
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, bad
	}
	p := params{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		key, _ := t.(string)
		v, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		var val string
		switch x := v.(type) {
		case string:
			val = x
		case json.Number:
			val = x.String()
		case nil:
			continue // null is the same as absent
		case bool:
			return nil, errBadRequest("The parameter " + safeName(key) + " must be a string.")
		default: // a nested object or array
			return nil, errBadRequest("The parameter " + safeName(key) + " must be a string.")
		}
		if _, dup := p[key]; dup {
			return nil, errBadRequest("The parameter " + safeName(key) + " appears more than once.")
		}
		p[key] = val
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad
	}
	return p, nil
}

// safeName quotes a parameter name for an error message, truncated.
func safeName(k string) string {
	b, _ := json.Marshal(fuelgate.Truncate(k, 40))
	return string(b)
}

// clientCredentials extracts client_id and client_secret from HTTP Basic or
// the body (not both). Basic values are form-decoded (RFC 6749 §2.3.1).
func clientCredentials(r *http.Request, p params, idKey, secretKey string) (id, secret string, basic bool, err error) {
	bid, bsecret, hasBasic := r.BasicAuth()
	if !hasBasic {
		if h := r.Header.Get("Authorization"); h != "" && !strings.HasPrefix(strings.ToLower(h), "bearer ") {
			return "", "", false, errBadRequest("The Authorization header is malformed.")
		}
		return p[idKey], p[secretKey], false, nil
	}
	if _, ok := p[secretKey]; ok {
		return "", "", true, errBadRequest("Use only one client authentication method: HTTP Basic or the request body.")
	}
	id, err1 := url.QueryUnescape(bid)
	secret, err2 := url.QueryUnescape(bsecret)
	if err1 != nil || err2 != nil {
		return "", "", true, errBadRequest("The HTTP Basic credentials are malformed.")
	}
	if bodyID, ok := p[idKey]; ok && bodyID != id {
		return "", "", true, errBadRequest("The client_id in the body differs from the HTTP Basic client.")
	}
	return id, secret, true, nil
}
