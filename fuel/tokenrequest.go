package fuel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxTokenResponse caps a token-service answer.
const maxTokenResponse = 1 << 20

// tokenClient sends the HTTP requests of one token source: to the auth
// service, and for legacy packages to the SOAP endpoint discovery.
type tokenClient struct {
	hc        *http.Client
	userAgent string
	now       func() time.Time
	secret    string // the client secret, never shown in an error
}

func newTokenClient(hc *http.Client, userAgent string, now func() time.Time, secret string) tokenClient {
	return tokenClient{hc: orDefaultHTTP(hc), userAgent: orDefault(userAgent, DefaultUserAgent), now: orNow(now), secret: secret}
}

// seconds decodes a JSON number, or a string holding one.
type seconds int64

func (s *seconds) UnmarshalJSON(b []byte) error {
	str := strings.Trim(string(b), `"`)
	if str == "" || str == "null" {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return fmt.Errorf("expires_in %q is not a number", str)
	}
	*s = seconds(f)
	return nil
}

// postJSON sends body as JSON and returns the status, the (capped) answer
// and the time the answer arrived.
func (c tokenClient) postJSON(ctx context.Context, url string, body any) (int, []byte, time.Time, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, time.Time{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("fuel: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

// do sends req and reads at most maxTokenResponse bytes of the answer.
func (c tokenClient) do(req *http.Request) (int, []byte, time.Time, error) {
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("fuel: token request: %w", err)
	}
	defer resp.Body.Close()
	received := c.now()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("fuel: token request: reading answer: %w", err)
	}
	return resp.StatusCode, raw, received, nil
}

// authError decodes a failed token answer: the OAuth shape
// {error, error_description, error_uri} or the gateway shape
// {message, errorcode, documentation}.
func (c tokenClient) authError(status int, raw []byte) *AuthError {
	var b struct {
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
		URI         string          `json:"error_uri"`
		Message     string          `json:"message"`
		ErrorCode   json.RawMessage `json:"errorcode"`
	}
	e := &AuthError{StatusCode: status}
	if json.Unmarshal(raw, &b) == nil && (b.Error != "" || b.Message != "") {
		e.Code, e.Description, e.URI, e.Message = b.Error, b.Description, b.URI, b.Message
		if n, err := strconv.Atoi(strings.Trim(string(b.ErrorCode), `"`)); err == nil {
			e.ErrorCode = n
		}
		return e
	}
	e.Body = excerpt(raw, c.secret)
	return e
}
