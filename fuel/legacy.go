package fuel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

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

// fetchLegacy asks POST {AuthBaseURL}/v1/requestToken[?legacy=1]. With a
// refresh token held it sends that token (single use) and keeps the new one
// from the answer; when the server refuses it, it tries once more with the
// client credentials alone.
func (p *pool) fetchLegacy(ctx context.Context, mid int64, refresh *string) (*Token, error) {
	tok, err := p.requestLegacy(ctx, mid, *refresh)
	var ae *AuthError
	if *refresh != "" && errors.As(err, &ae) {
		*refresh = "" // refused: spent or revoked
		tok, err = p.requestLegacy(ctx, mid, "")
	}
	if err != nil {
		return nil, err
	}
	*refresh = tok.refreshToken
	return tok, nil
}

func (p *pool) requestLegacy(ctx context.Context, mid int64, refresh string) (*Token, error) {
	url := joinURL(p.cfg.AuthBaseURL, "/v1/requestToken")
	if p.cfg.LegacyToken {
		url += "?legacy=1"
	}
	body := legacyRequest{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RefreshToken: refresh, AccessType: "offline"}
	if refresh == "" {
		body.Scope = strings.Join(p.cfg.Scopes, " ")
	}
	status, raw, received, err := p.postJSON(ctx, url, body)
	if err != nil {
		return nil, err
	}
	var r legacyResponse
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.AccessToken == "" {
		return nil, p.authError(status, raw)
	}
	if r.ExpiresIn <= 0 {
		return nil, fmt.Errorf("fuel: legacy token response without a positive expiresIn")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	return &Token{
		AccessToken: r.AccessToken, TokenType: "Bearer", Expiry: received.Add(life), Lifetime: life,
		AccountID: mid, LegacyToken: r.LegacyToken, refreshToken: r.RefreshToken,
	}, nil
}

// endpointCache remembers the SOAP URL discovered in legacy mode.
type endpointCache struct {
	mu  sync.Mutex
	url string
}

// legacyEndpoint returns the SOAP URL from GET
// {RESTBaseURL}/platform/v1/endpoints/soap, asked once per Client family.
func (p *pool) legacyEndpoint(ctx context.Context, c *endpointCache, tok *Token) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.url != "" {
		return c.url, nil
	}
	base := p.cfg.RESTBaseURL
	if base == "" {
		base = p.cfg.AuthBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, joinURL(base, "/platform/v1/endpoints/soap"), nil)
	if err != nil {
		return "", fmt.Errorf("fuel: SOAP endpoint discovery: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", p.cfg.userAgent())
	status, raw, _, err := p.do(req)
	if err != nil {
		return "", err
	}
	var r struct {
		URL string `json:"url"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.URL == "" {
		return "", &HTTPError{StatusCode: status, Body: excerpt(raw, tok.AccessToken)}
	}
	c.url = r.URL
	return c.url, nil
}
