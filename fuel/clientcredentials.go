package fuel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// ClientCredentials is the server-to-server API integration of an installed
// package: tokens come from POST {AuthBaseURL}/v2/token with grant_type
// client_credentials, one per business unit (MID). Its zero value plus
// AuthBaseURL, ClientID and ClientSecret is ready to use.
type ClientCredentials struct {
	// AuthBaseURL is the package's "Authentication Base URI", e.g.
	// "https://SUBDOMAIN.auth.marketingcloudapis.com/" or a fuelgate URL.
	// /v2/token is joined to it without producing "//".
	AuthBaseURL  string
	ClientID     string
	ClientSecret string
	// AccountID is the MID of the business unit the source returned by
	// TokenSource acts in (sent as account_id). Zero omits account_id: the
	// BU where the package was created.
	AccountID int64
	// Scopes are sent space-joined as scope; none omits scope (every scope
	// of the package).
	Scopes []string

	// HTTPClient sends the token requests. Nil means a client of its own
	// with DefaultHTTPTimeout (never http.DefaultClient).
	HTTPClient *http.Client
	// RefreshMargin is how long before expiry a cached token is replaced
	// (DefaultRefreshMargin when zero, no margin when negative), at most
	// half the token's lifetime so that short-lived tokens stay usable.
	RefreshMargin time.Duration
	// Now is the clock (time.Now when nil). Expiry is the receive time plus
	// expires_in on this clock; time.Now carries a monotonic reading, so
	// wall-clock jumps do not matter.
	Now func() time.Time
	// UserAgent is sent with every token request (DefaultUserAgent when
	// empty).
	UserAgent string
}

// TokenSource returns the cached source of AccountID. Its ForAccount method
// gives the sources of other business units; they share the credentials,
// the HTTP client and the per-MID caches. Each call of TokenSource starts
// empty caches, so call it once and share the source.
//
// A missing AuthBaseURL, ClientID or ClientSecret, or a negative MID, is
// reported by Token (wrapping ErrConfig).
func (c ClientCredentials) TokenSource() *AccountSource {
	c.Scopes = slices.Clone(c.Scopes)
	c.Now = orNow(c.Now)
	a := &accounts{
		cfg:   c,
		http:  newTokenClient(c.HTTPClient, c.UserAgent, c.Now, c.ClientSecret),
		err:   missing("AuthBaseURL", c.AuthBaseURL, "ClientID", c.ClientID, "ClientSecret", c.ClientSecret),
		byMID: make(map[int64]*AccountSource),
	}
	return a.source(c.AccountID)
}

// accounts is the family of per-MID sources of one ClientCredentials.
type accounts struct {
	cfg  ClientCredentials
	http tokenClient
	err  error // configuration error returned by every Token call

	mu    sync.Mutex
	byMID map[int64]*AccountSource
}

// source returns the source of mid, creating it on first use.
func (a *accounts) source(mid int64) *AccountSource {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.byMID[mid]
	if s == nil {
		s = &AccountSource{accounts: a, mid: mid, err: a.err}
		if s.err == nil && mid < 0 {
			s.err = configError("AccountID must not be negative")
		}
		s.cache = newCachedSource(nil, v2Grant{a, mid}, refreshMargin(a.cfg.RefreshMargin), a.cfg.Now)
		a.byMID[mid] = s
	}
	return s
}

// AccountSource is the token cache of one business unit of an installed
// package (ClientCredentials.TokenSource). It behaves as a CachedSource:
// one request at a time, refresh before the margin, the cached token kept
// through transient outages, Invalidate for a refused token. 200
// goroutines on a cold cache make one /v2/token request.
type AccountSource struct {
	accounts *accounts
	mid      int64
	err      error
	cache    *CachedSource
}

// AccountID returns the MID this source fetches tokens for.
func (s *AccountSource) AccountID() int64 { return s.mid }

// ForAccount returns the source of business unit mid. It shares the
// credentials, the HTTP client and the per-MID caches with s: asking twice
// for one MID gives the same source.
func (s *AccountSource) ForAccount(mid int64) *AccountSource {
	return s.accounts.source(mid)
}

// Token returns the cached token of the business unit, fetching one when
// needed.
func (s *AccountSource) Token(ctx context.Context) (*Token, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.cache.Token(ctx)
}

// Invalidate drops tok from the cache (see CachedSource.Invalidate).
func (s *AccountSource) Invalidate(tok *Token) { s.cache.Invalidate(tok) }

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

// v2Grant is the uncached source of one MID: every Token call is one
// client_credentials request.
type v2Grant struct {
	a   *accounts
	mid int64
}

func (g v2Grant) Token(ctx context.Context) (*Token, error) {
	cfg := g.a.cfg
	body := v2Request{
		GrantType: "client_credentials", ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		AccountID: g.mid, Scope: strings.Join(cfg.Scopes, " "),
	}
	status, raw, received, err := g.a.http.postJSON(ctx, joinURL(cfg.AuthBaseURL, "/v2/token"), body)
	if err != nil {
		return nil, err
	}
	var r v2Response
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.AccessToken == "" {
		return nil, g.a.http.authError(status, raw)
	}
	if r.ExpiresIn <= 0 {
		return nil, fmt.Errorf("fuel: token response without a positive expires_in")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	return &Token{
		AccessToken: r.AccessToken, TokenType: r.TokenType, Scope: r.Scope,
		Expiry: received.Add(life), Lifetime: life,
		SOAPInstanceURL: r.SOAPInstanceURL, RESTInstanceURL: r.RESTInstanceURL, AccountID: g.mid,
	}, nil
}
