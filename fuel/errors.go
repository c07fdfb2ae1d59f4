package fuel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fuelgate/fuelgate/soap"
)

// AuthError is a refused token request (/v2/token or /v1/requestToken).
// The OAuth shape fills Code, Description and URI; the API-gateway shape
// fills Message and ErrorCode; an answer in neither shape fills Body with a
// short excerpt.
type AuthError struct {
	StatusCode  int    // HTTP status
	Code        string // OAuth error, e.g. "invalid_client"
	Description string // OAuth error_description
	URI         string // OAuth error_uri
	Message     string // gateway message, e.g. "Unauthorized"
	ErrorCode   int    // gateway errorcode
	Body        string // excerpt of an unrecognised answer
}

func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fuel: token request refused: HTTP %d", e.StatusCode)
	switch {
	case e.Code != "":
		b.WriteString(": " + e.Code)
		if e.Description != "" {
			b.WriteString(": " + e.Description)
		}
	case e.Message != "":
		b.WriteString(": " + e.Message + " (errorcode " + strconv.Itoa(e.ErrorCode) + ")")
	case e.Body != "":
		b.WriteString(": " + strconv.Quote(e.Body))
	}
	return b.String()
}

// Fault is a SOAP fault answered by the service. It wraps the decoded
// *soap.Fault (errors.As reaches either).
type Fault struct {
	Code       string        // qualified code as sent: "q0:Security", "soap:Server"
	String     string        // faultstring: "Token Expired", "Login Failed", …
	Actor      string        // faultactor: usually the endpoint URL
	Detail     *soap.Element // apifault detail of server faults, else nil
	StatusCode int           // HTTP status (500)

	wire *soap.Fault
}

func newFault(f *soap.Fault, status int) *Fault {
	return &Fault{Code: f.Code, String: f.String, Actor: f.Actor, Detail: f.Detail, StatusCode: status, wire: f}
}

func (e *Fault) Error() string {
	return "fuel: SOAP fault " + e.Code + ": " + e.String
}

// Unwrap returns the wire-level *soap.Fault.
func (e *Fault) Unwrap() error {
	if e.wire == nil {
		return nil
	}
	return e.wire
}

// IsSecurity reports a fault whose code has the local name Security: the
// answer to an expired, unknown or revoked token or bad user credentials.
func (e *Fault) IsSecurity() bool {
	code := e.Code
	if i := strings.LastIndexByte(code, ':'); i >= 0 {
		code = code[i+1:]
	}
	return code == "Security"
}

// TokenExpired reports the Security fault "Token Expired".
func (e *Fault) TokenExpired() bool {
	return e.IsSecurity() && e.String == soap.FaultTokenExpired
}

// StatusError is a business-level failure answered with HTTP 200: a
// Retrieve OverallStatus "Error: …", or a Create, Update, Delete or
// Configure OverallStatus "Error" or "Has Errors". Results holds every
// per-object result, the successful ones too.
type StatusError struct {
	Op            string // "Retrieve", "Create", …
	OverallStatus string // as sent
	Message       string // the text after "Error:" or OverallStatusMessage
	RequestID     string
	Results       []Result
}

func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString("fuel: " + e.Op + ": " + e.OverallStatus)
	if e.Message != "" && !strings.Contains(e.OverallStatus, e.Message) {
		b.WriteString(": " + e.Message)
	}
	failed := e.Failed()
	if len(failed) > 0 {
		fmt.Fprintf(&b, " (%d of %d failed", len(failed), len(e.Results))
		r := failed[0]
		fmt.Fprintf(&b, "; #%d: %s", r.OrdinalID, r.StatusMessage)
		if r.ErrorCode != 0 {
			fmt.Fprintf(&b, " [%d]", r.ErrorCode)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Failed returns the results whose StatusCode is not OK.
func (e *StatusError) Failed() []Result {
	var out []Result
	for _, r := range e.Results {
		if !r.OK() {
			out = append(out, r)
		}
	}
	return out
}

// HTTPError is an HTTP answer that carries no SOAP envelope (or, from the
// endpoint discovery, no usable JSON). Body is a short excerpt with any
// token or secret the request carried removed.
type HTTPError struct {
	StatusCode int
	Body       string
}

func (e *HTTPError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("fuel: HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("fuel: HTTP %d: %q", e.StatusCode, e.Body)
}

// maxExcerpt is the length of a body excerpt in an error.
const maxExcerpt = 200

// minSecret is the length from which a secret is redacted from excerpts
// (shorter strings would blank out ordinary words; real secrets are long).
const minSecret = 6

// excerpt returns the start of raw as printable text, with every secret
// replaced by "[redacted]".
func excerpt(raw []byte, secrets ...string) string {
	s := string(raw)
	for _, sec := range secrets {
		if len(sec) >= minSecret {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxExcerpt {
		cut := maxExcerpt
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
