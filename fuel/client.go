package fuel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// responseLimits bound the decoding of one SOAP answer. They are wider than
// the server's request limits: a Retrieve page holds up to 2500 objects.
var responseLimits = soap.Limits{MaxDepth: 64, MaxElements: 4 << 20, MaxText: 4 << 20}

// Client calls the SFMC SOAP API of one business unit. It is safe for
// concurrent use; clients for other business units come from ForAccount.
type Client struct {
	cfg       Config
	pool      *pool          // nil in API-user mode
	src       *CachedSource  // nil in API-user mode
	endpoints *endpointCache // legacy discovery, shared by the family
	mid       int64
}

// NewClient returns a Client for cfg.AccountID. It reports a Config that
// lacks a required field of its mode (wrapping ErrConfig).
func NewClient(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c := &Client{cfg: cfg, endpoints: &endpointCache{}, mid: cfg.AccountID}
	if !cfg.userMode() {
		c.pool = newPool(cfg)
		c.src = c.pool.source(cfg.AccountID)
	}
	return c, nil
}

// ForAccount returns a client for business unit mid that shares the
// credentials, the HTTP client and the token caches of c (one token per
// MID). In API-user mode the user's default business unit decides where
// calls run, so the returned client differs from c only in AccountID; in
// legacy mode every MID shares the package's one token.
func (c *Client) ForAccount(mid int64) *Client {
	n := *c
	n.mid = mid
	if c.pool != nil {
		n.src = c.pool.source(mid)
	}
	return &n
}

// AccountID returns the MID the client was made for.
func (c *Client) AccountID() int64 { return c.mid }

// TokenSource returns the client's token cache, or nil in API-user mode.
func (c *Client) TokenSource() *CachedSource { return c.src }

// Call sends one SOAP request: action is the operation ("Retrieve") sent as
// SOAPAction, request the Body payload (its empty namespace becomes the
// partnerAPI namespace). It returns the Body payload of the answer.
//
// A Security fault (or an HTTP 401) on a token-authenticated call drops the
// token, fetches a new one and sends the request once more; a second failure
// is returned. Errors are *Fault, *HTTPError, *AuthError or transport
// errors.
func (c *Client) Call(ctx context.Context, action string, request *soap.Element) (*soap.Element, error) {
	if request == nil {
		return nil, errors.New("fuel: Call: nil request")
	}
	for attempt := 0; ; attempt++ {
		hdr, tok, endpoint, err := c.credentials(ctx)
		if err != nil {
			return nil, err
		}
		body, err := c.post(ctx, endpoint, action, hdr, request, tok)
		if attempt == 0 && tok != nil && rejected(err) {
			c.src.Invalidate(tok)
			continue
		}
		return body, err
	}
}

// rejected reports an answer that says the credentials were refused.
func rejected(err error) bool {
	var f *Fault
	if errors.As(err, &f) {
		return f.IsSecurity()
	}
	var h *HTTPError
	return errors.As(err, &h) && h.StatusCode == http.StatusUnauthorized
}

// credentials returns the SOAP header and endpoint of one attempt, and the
// token used (nil in API-user mode).
func (c *Client) credentials(ctx context.Context) (soap.RequestHeader, *Token, string, error) {
	if c.src == nil {
		ut, err := c.usernameToken()
		return soap.RequestHeader{UsernameToken: ut}, nil, c.cfg.SOAPEndpoint, err
	}
	tok, err := c.src.Token(ctx)
	if err != nil {
		return soap.RequestHeader{}, nil, "", err
	}
	endpoint, err := c.endpoint(ctx, tok)
	return soap.RequestHeader{FuelOAuth: tok.AccessToken}, tok, endpoint, err
}

// endpoint returns the SOAP URL for tok.
func (c *Client) endpoint(ctx context.Context, tok *Token) (string, error) {
	switch {
	case c.cfg.SOAPEndpoint != "":
		return c.cfg.SOAPEndpoint, nil
	case tok.SOAPInstanceURL != "":
		return joinURL(tok.SOAPInstanceURL, "Service.asmx"), nil
	case c.cfg.Legacy:
		return c.pool.legacyEndpoint(ctx, c.endpoints, tok)
	}
	return "", errors.New("fuel: token answer has no soap_instance_url and Config.SOAPEndpoint is empty")
}

// post sends one envelope and interprets the answer.
func (c *Client) post(ctx context.Context, endpoint, action string, hdr soap.RequestHeader, request *soap.Element, tok *Token) (*soap.Element, error) {
	var buf bytes.Buffer
	if err := soap.WriteRequest(&buf, soap.V11, hdr, request); err != nil {
		return nil, fmt.Errorf("fuel: %s: encoding request: %w", action, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, &buf)
	if err != nil {
		return nil, fmt.Errorf("fuel: %s: %w", action, err)
	}
	req.Header.Set("Content-Type", soap.V11.ContentType())
	req.Header.Set("SOAPAction", action)
	req.Header.Set("Accept", "text/xml")
	req.Header.Set("User-Agent", c.cfg.userAgent())
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fuel: %s: %w", action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.maxBytes()+1))
	if err != nil {
		return nil, fmt.Errorf("fuel: %s: reading answer: %w", action, err)
	}
	if int64(len(raw)) > c.cfg.maxBytes() {
		return nil, fmt.Errorf("fuel: %s: answer larger than %d bytes", action, c.cfg.maxBytes())
	}
	return c.interpret(action, resp.StatusCode, raw, tok)
}

// interpret turns an HTTP answer into the Body payload or an error.
func (c *Client) interpret(action string, status int, raw []byte, tok *Token) (*soap.Element, error) {
	env, derr := soap.Decode(bytes.NewReader(raw), soap.HTTPInfo{}, responseLimits)
	switch {
	case derr == nil && env.Fault != nil:
		return nil, newFault(env.Fault, status)
	case status != http.StatusOK:
		return nil, &HTTPError{StatusCode: status, Body: excerpt(raw, c.secrets(tok)...)}
	case derr != nil:
		return nil, fmt.Errorf("fuel: %s: undecodable answer: %w", action, derr)
	case env.Body == nil:
		return nil, fmt.Errorf("fuel: %s: answer with an empty Body", action)
	}
	return env.Body, nil
}

// secrets lists what must never appear in an error.
func (c *Client) secrets(tok *Token) []string {
	s := []string{c.cfg.ClientSecret}
	if c.cfg.Password != "" {
		s = append(s, c.cfg.Password)
	}
	if tok != nil {
		s = append(s, tok.AccessToken, tok.LegacyToken)
	}
	return s
}

// expect checks the local name of an answer's Body payload.
func expect(body *soap.Element, op string, names ...string) error {
	for _, n := range names {
		if body.Name.Local == n {
			return nil
		}
	}
	return fmt.Errorf("fuel: %s: unexpected answer element %s", op, strings.TrimSpace(body.Name.Local))
}
