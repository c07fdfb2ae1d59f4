package fuel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// LegacyPackage is the API integration of a legacy installed package:
// tokens come from POST {AuthBaseURL}/v1/requestToken, each with a
// single-use refresh token that the next request spends, and the SOAP
// endpoint from GET {RESTBaseURL}/platform/v1/endpoints/soap. Legacy tokens
// carry no account_id: they act in the package's business unit. Its zero
// value plus AuthBaseURL, ClientID and ClientSecret is ready to use.
type LegacyPackage struct {
	// AuthBaseURL is the auth service, e.g.
	// "https://auth.exacttargetapis.com/" or a fuelgate URL.
	AuthBaseURL  string
	ClientID     string
	ClientSecret string
	// Scopes are sent space-joined as scope on requests without a refresh
	// token; none omits scope.
	Scopes []string
	// LegacyToken appends ?legacy=1 so that the answer also carries a
	// legacyToken (Token.LegacyToken). SOAP calls send the accessToken in
	// fueloauth either way.
	LegacyToken bool
	// RESTBaseURL is where the SOAP endpoint is discovered, once per
	// source, with the first token. Empty means AuthBaseURL (fuelgate
	// serves both on one host; SFMC does not).
	RESTBaseURL string

	// HTTPClient, RefreshMargin, Now and UserAgent are as in
	// ClientCredentials.
	HTTPClient    *http.Client
	RefreshMargin time.Duration
	Now           func() time.Time
	UserAgent     string
}

// TokenSource returns a cached source of the package's tokens. Its tokens
// carry the discovered SOAP endpoint in SOAPInstanceURL. When the service
// refuses the held refresh token, the source forgets it and asks once more
// with the client credentials alone.
//
// A missing AuthBaseURL, ClientID or ClientSecret is reported by Token
// (wrapping ErrConfig).
func (p LegacyPackage) TokenSource() *CachedSource {
	p.Scopes = slices.Clone(p.Scopes)
	p.Now = orNow(p.Now)
	p.RESTBaseURL = orDefault(p.RESTBaseURL, p.AuthBaseURL)
	g := &legacyGrant{
		cfg:      p,
		http:     newTokenClient(p.HTTPClient, p.UserAgent, p.Now, p.ClientSecret),
		err:      missing("AuthBaseURL", p.AuthBaseURL, "ClientID", p.ClientID, "ClientSecret", p.ClientSecret),
		rotation: newRotation(""),
	}
	return newCachedSource(nil, g, refreshMargin(p.RefreshMargin), p.Now)
}

// legacyRequest is the /v1/requestToken body.
type legacyRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	RefreshToken string `json:"refreshToken,omitempty"`
	AccessType   string `json:"accessType"`
	Scope        string `json:"scope,omitempty"`
}

// legacyResponse is the /v1/requestToken success body.
type legacyResponse struct {
	AccessToken  string  `json:"accessToken"`
	ExpiresIn    seconds `json:"expiresIn"`
	LegacyToken  string  `json:"legacyToken"`
	RefreshToken string  `json:"refreshToken"`
}

// legacyGrant is the uncached source of a legacy package.
type legacyGrant struct {
	cfg      LegacyPackage
	http     tokenClient
	err      error // configuration error returned by every Token call
	rotation *rotation
	soapURL  string // discovered SOAP instance URL; guarded by rotation's turn
}

func (g *legacyGrant) Token(ctx context.Context) (*Token, error) {
	if g.err != nil {
		return nil, g.err
	}
	return g.rotation.do(ctx, g.fetch)
}

// fetch asks for a token with refresh, or with the credentials alone when
// refresh is empty or refused, and adds the SOAP instance URL.
func (g *legacyGrant) fetch(ctx context.Context, refresh string) (*Token, error) {
	tok, err := g.request(ctx, refresh)
	var ae *AuthError
	if refresh != "" && errors.As(err, &ae) {
		tok, err = g.request(ctx, "") // refused: spent or revoked
	}
	if err != nil {
		return nil, err
	}
	if g.soapURL == "" {
		if g.soapURL, err = g.discover(ctx, tok); err != nil {
			return nil, err
		}
	}
	tok.SOAPInstanceURL = g.soapURL
	return tok, nil
}

func (g *legacyGrant) request(ctx context.Context, refresh string) (*Token, error) {
	url := joinURL(g.cfg.AuthBaseURL, "/v1/requestToken")
	if g.cfg.LegacyToken {
		url += "?legacy=1"
	}
	body := legacyRequest{ClientID: g.cfg.ClientID, ClientSecret: g.cfg.ClientSecret, RefreshToken: refresh, AccessType: "offline"}
	if refresh == "" {
		body.Scope = strings.Join(g.cfg.Scopes, " ")
	}
	status, raw, received, err := g.http.postJSON(ctx, url, body)
	if err != nil {
		return nil, err
	}
	var r legacyResponse
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.AccessToken == "" {
		return nil, g.http.authError(status, raw)
	}
	if r.ExpiresIn <= 0 {
		return nil, fmt.Errorf("fuel: legacy token response without a positive expiresIn")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	return &Token{
		AccessToken: r.AccessToken, TokenType: "Bearer", Expiry: received.Add(life), Lifetime: life,
		LegacyToken: r.LegacyToken, RefreshToken: r.RefreshToken,
	}, nil
}

// discover returns the SOAP instance URL from GET
// {RESTBaseURL}/platform/v1/endpoints/soap: the answered URL without its
// final "Service.asmx".
func (g *legacyGrant) discover(ctx context.Context, tok *Token) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, joinURL(g.cfg.RESTBaseURL, "/platform/v1/endpoints/soap"), nil)
	if err != nil {
		return "", fmt.Errorf("fuel: SOAP endpoint discovery: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	status, raw, _, err := g.http.do(req)
	if err != nil {
		return "", err
	}
	var r struct {
		URL string `json:"url"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.URL == "" {
		return "", &HTTPError{StatusCode: status, Body: excerpt(raw, tok.AccessToken, tok.LegacyToken, tok.RefreshToken)}
	}
	const service = "/Service.asmx"
	n := len(r.URL) - len(service)
	if n <= 0 || !strings.EqualFold(r.URL[n:], service) {
		return "", fmt.Errorf("fuel: SOAP endpoint discovery: %q does not end in %s", r.URL, service)
	}
	return r.URL[:n+1], nil
}
