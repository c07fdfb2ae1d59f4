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

// v2Request is the /v2/token body. Field order is fixed by the struct; SFMC
// and fuelgate accept any order.
type v2Request struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AccountID    int64  `json:"account_id,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// v2Response is the /v2/token success body. A refresh_token, should a
// server send one with client_credentials, is ignored on purpose.
type v2Response struct {
	AccessToken     string  `json:"access_token"`
	TokenType       string  `json:"token_type"`
	ExpiresIn       seconds `json:"expires_in"`
	Scope           string  `json:"scope"`
	SOAPInstanceURL string  `json:"soap_instance_url"`
	RESTInstanceURL string  `json:"rest_instance_url"`
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

// fetchV2 asks POST {AuthBaseURL}/v2/token for a client_credentials token.
func (p *pool) fetchV2(ctx context.Context, mid int64, _ *string) (*Token, error) {
	body := v2Request{
		GrantType: "client_credentials", ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret,
		AccountID: mid, Scope: strings.Join(p.cfg.Scopes, " "),
	}
	status, raw, received, err := p.postJSON(ctx, joinURL(p.cfg.AuthBaseURL, "/v2/token"), body)
	if err != nil {
		return nil, err
	}
	var r v2Response
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.AccessToken == "" {
		return nil, p.authError(status, raw)
	}
	if r.ExpiresIn <= 0 {
		return nil, fmt.Errorf("fuel: token response without a positive expires_in")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	return &Token{
		AccessToken: r.AccessToken, TokenType: r.TokenType, Scope: r.Scope,
		Expiry: received.Add(life), Lifetime: life,
		SOAPInstanceURL: r.SOAPInstanceURL, RESTInstanceURL: r.RESTInstanceURL, AccountID: mid,
	}, nil
}

// postJSON sends body as JSON and returns the status, the (capped) answer
// and the time the answer arrived.
func (p *pool) postJSON(ctx context.Context, url string, body any) (int, []byte, time.Time, error) {
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
	req.Header.Set("User-Agent", p.cfg.userAgent())
	return p.do(req)
}

// do sends req and reads at most maxTokenResponse bytes of the answer.
func (p *pool) do(req *http.Request) (int, []byte, time.Time, error) {
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("fuel: token request: %w", err)
	}
	defer resp.Body.Close()
	received := p.cfg.now()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("fuel: token request: reading answer: %w", err)
	}
	return resp.StatusCode, raw, received, nil
}

// authError decodes a failed token answer: the OAuth shape
// {error, error_description, error_uri} or the gateway shape
// {message, errorcode, documentation}.
func (p *pool) authError(status int, raw []byte) *AuthError {
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
	e.Body = excerpt(raw, p.cfg.ClientSecret)
	return e
}
