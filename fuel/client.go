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

// ClientOptions are a Client's HTTP settings. The zero value is ready to
// use.
type ClientOptions struct {
	// HTTPClient sends the SOAP requests. Nil means a client of its own with
	// DefaultHTTPTimeout (never http.DefaultClient).
	HTTPClient *http.Client
	// SOAPEndpoint is the SOAP URL. A token client uses the token's
	// SOAPInstanceURL + "Service.asmx" when it is empty; a UsernameToken
	// client requires it.
	SOAPEndpoint string
	// UserAgent is sent on every request (DefaultUserAgent when empty).
	UserAgent string
	// MaxResponseBytes caps one response body (DefaultMaxResponseBytes
	// when zero).
	MaxResponseBytes int64
}

// withDefaults fills the zero fields.
func (o ClientOptions) withDefaults() ClientOptions {
	o.HTTPClient = orDefaultHTTP(o.HTTPClient)
	o.UserAgent = orDefault(o.UserAgent, DefaultUserAgent)
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	return o
}

// Client calls the SFMC SOAP API. It is safe for concurrent use.
type Client struct {
	opts ClientOptions
	src  TokenSource    // token clients
	user *UsernameToken // UsernameToken clients
}

// NewClient returns a client whose calls carry a token from src in the
// fueloauth header: ClientCredentials.TokenSource for an installed
// package, LegacyPackage.TokenSource for a legacy one, or any TokenSource.
//
// When the service refuses a token (a Security fault or HTTP 401) and src
// has a method Invalidate(*Token) (CachedSource and AccountSource do), the
// client invalidates the token and sends the call once more with a new
// one. Without such a method the fault is returned: src would hand out the
// same token again.
//
// Configuration errors of fuel's own sources (a missing ClientSecret …)
// are reported by the first call.
func NewClient(src TokenSource, opts ClientOptions) (*Client, error) {
	if src == nil {
		return nil, configError("NewClient: nil TokenSource")
	}
	return &Client{opts: opts.withDefaults(), src: src}, nil
}

// NewUserClient returns a client whose calls carry a WS-Security
// UsernameToken built from user, sent to opts.SOAPEndpoint (required). A
// refused call is not retried: the same credentials would fail again.
func NewUserClient(user UsernameToken, opts ClientOptions) (*Client, error) {
	if err := user.validate(); err != nil {
		return nil, err
	}
	if err := missing("SOAPEndpoint", opts.SOAPEndpoint); err != nil {
		return nil, err
	}
	return &Client{opts: opts.withDefaults(), user: &user}, nil
}

// ForAccount returns a client for business unit mid that shares c's
// options and the credentials and per-MID token caches of c's
// *AccountSource (one token per MID). Other credentials cannot choose a
// business unit: legacy tokens act in the package's BU, a UsernameToken in
// the user's default BU, other sources in the BU of their tokens. For them
// ForAccount returns an error wrapping ErrConfig.
func (c *Client) ForAccount(mid int64) (*Client, error) {
	as, ok := c.src.(*AccountSource)
	if !ok {
		return nil, configError(fmt.Sprintf("ForAccount(%d): the client's credentials (%s) do not choose a business unit; "+
			"only a ClientCredentials source does", mid, c.credentialKind()))
	}
	n := *c
	n.src = as.ForAccount(mid)
	return &n, nil
}

// credentialKind names c's credentials in errors.
func (c *Client) credentialKind() string {
	if c.user != nil {
		return "UsernameToken"
	}
	return fmt.Sprintf("%T", c.src)
}

// TokenSource returns the client's token source, or nil for a
// UsernameToken client.
func (c *Client) TokenSource() TokenSource { return c.src }

// Call sends one SOAP request: action is the operation ("Retrieve") sent as
// SOAPAction, request the Body payload (its empty namespace becomes the
// partnerAPI namespace). It returns the Body payload of the answer.
//
// A Security fault (or an HTTP 401) on a token-authenticated call drops the
// token, fetches a new one and sends the request once more (see
// NewClient); a second failure is returned. Errors are *Fault, *HTTPError,
// *AuthError or transport errors.
func (c *Client) Call(ctx context.Context, action string, request *soap.Element) (*soap.Element, error) {
	if request == nil {
		return nil, errors.New("fuel: Call: nil request")
	}
	inv, canRetry := c.src.(interface{ Invalidate(*Token) })
	for attempt := 0; ; attempt++ {
		hdr, tok, endpoint, err := c.credentials(ctx)
		if err != nil {
			return nil, err
		}
		body, err := c.post(ctx, endpoint, action, hdr, request, tok)
		if attempt == 0 && canRetry && tok != nil && rejected(err) {
			inv.Invalidate(tok)
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
// token used (nil for a UsernameToken client).
func (c *Client) credentials(ctx context.Context) (soap.RequestHeader, *Token, string, error) {
	if c.user != nil {
		ut, err := c.user.header()
		return soap.RequestHeader{UsernameToken: ut}, nil, c.opts.SOAPEndpoint, err
	}
	tok, err := c.src.Token(ctx)
	if err != nil {
		return soap.RequestHeader{}, nil, "", err
	}
	endpoint, err := c.endpoint(tok)
	return soap.RequestHeader{FuelOAuth: tok.AccessToken}, tok, endpoint, err
}

// endpoint returns the SOAP URL for tok.
func (c *Client) endpoint(tok *Token) (string, error) {
	switch {
	case c.opts.SOAPEndpoint != "":
		return c.opts.SOAPEndpoint, nil
	case tok.SOAPInstanceURL != "":
		return joinURL(tok.SOAPInstanceURL, "Service.asmx"), nil
	}
	return "", errors.New("fuel: the token has no SOAPInstanceURL and ClientOptions.SOAPEndpoint is empty")
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
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fuel: %s: %w", action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fuel: %s: reading answer: %w", action, err)
	}
	if int64(len(raw)) > c.opts.MaxResponseBytes {
		return nil, fmt.Errorf("fuel: %s: answer larger than %d bytes", action, c.opts.MaxResponseBytes)
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

// secrets lists what the request carried, which must never appear in an
// error.
func (c *Client) secrets(tok *Token) []string {
	var s []string
	if c.user != nil {
		s = append(s, c.user.Password)
	}
	if tok != nil {
		s = append(s, tok.AccessToken, tok.LegacyToken, tok.RefreshToken)
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
