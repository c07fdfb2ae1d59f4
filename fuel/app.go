package fuel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebApp is the API integration of an installed package of type Web App: a
// Marketing Cloud user authorizes the app in their browser
// (GET {AuthBaseURL}/v2/authorize), the app trades the code it gets back
// for tokens that act for that user (grant_type authorization_code), and
// keeps access with refresh tokens that rotate: each refresh returns a new
// one and retires the old, and presenting a retired one ends the whole
// authorization. Its zero value plus AuthBaseURL, ClientID, ClientSecret and
// RedirectURL is ready to use.
type WebApp struct {
	// AuthBaseURL is the package's "Authentication Base URI"; /v2/authorize
	// and /v2/token are joined to it.
	AuthBaseURL  string
	ClientID     string
	ClientSecret string
	// RedirectURL is the redirect URI registered on the package, sent as
	// redirect_uri (it must match exactly).
	RedirectURL string
	// Scopes are asked for in the authorization URL (space-joined);
	// none omits scope: every scope of the package.
	Scopes []string
	// AccountID, when set, is sent as account_id with the exchange and every
	// refresh: the tokens act in that business unit (which the user and the
	// package must both reach) instead of the one chosen at authorization.
	AccountID int64

	// HTTPClient, RefreshMargin, Now and UserAgent are as in
	// ClientCredentials.
	HTTPClient    *http.Client
	RefreshMargin time.Duration
	Now           func() time.Time
	UserAgent     string
}

// PublicApp is the API integration of an installed package of type Public
// App: as WebApp, for apps that cannot keep a secret (in a browser, on a
// device). It has no client secret; use PKCE (GenerateVerifier,
// S256ChallengeOption, VerifierOption), which the package may require.
type PublicApp struct {
	AuthBaseURL   string
	ClientID      string
	RedirectURL   string
	Scopes        []string
	AccountID     int64
	HTTPClient    *http.Client
	RefreshMargin time.Duration
	Now           func() time.Time
	UserAgent     string
}

// app is what WebApp and PublicApp share.
type app struct {
	cfg    WebApp // ClientSecret empty for a public app
	public bool
}

func (w WebApp) app() app { return app{cfg: w} }

func (p PublicApp) app() app {
	return app{public: true, cfg: WebApp{AuthBaseURL: p.AuthBaseURL, ClientID: p.ClientID, RedirectURL: p.RedirectURL,
		Scopes: p.Scopes, AccountID: p.AccountID, HTTPClient: p.HTTPClient, RefreshMargin: p.RefreshMargin, Now: p.Now,
		UserAgent: p.UserAgent}}
}

// AuthParam is extra parameters of the authorization URL or of the code
// exchange: the PKCE ones, or any other.
type AuthParam struct{ kv [][2]string }

// SetAuthParam returns the parameter key=value.
func SetAuthParam(key, value string) AuthParam { return AuthParam{[][2]string{{key, value}}} }

// GenerateVerifier returns a new PKCE code verifier: 32 random bytes,
// base64url (43 characters), as RFC 7636 §4.1 recommends. Keep it until the
// exchange, for that one authorization.
func GenerateVerifier() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// S256ChallengeOption returns the authorization-URL parameters of a PKCE
// challenge for verifier: code_challenge (its SHA-256, base64url) and
// code_challenge_method S256.
func S256ChallengeOption(verifier string) AuthParam {
	sum := sha256.Sum256([]byte(verifier))
	return AuthParam{[][2]string{{"code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])}, {"code_challenge_method", "S256"}}}
}

// VerifierOption returns the exchange parameter of a PKCE code verifier.
func VerifierOption(verifier string) AuthParam { return SetAuthParam("code_verifier", verifier) }

// AuthCodeURL returns the URL to send the user's browser to: a sign-in page,
// then the app's redirect URI with code and state. state should be a random
// value the app checks when the browser comes back.
func (w WebApp) AuthCodeURL(state string, params ...AuthParam) string {
	return w.app().authCodeURL(state, params)
}

// AuthCodeURL is WebApp.AuthCodeURL.
func (p PublicApp) AuthCodeURL(state string, params ...AuthParam) string {
	return p.app().authCodeURL(state, params)
}

// Exchange trades the code the redirect brought for a token with a refresh
// token (grant_type authorization_code). With PKCE, pass
// VerifierOption(verifier). Keep the token (Token.RefreshToken) in the
// application's store; TokenSource refreshes it.
func (w WebApp) Exchange(ctx context.Context, code string, params ...AuthParam) (*Token, error) {
	return w.app().exchange(ctx, code, params)
}

// Exchange is WebApp.Exchange, without a client secret.
func (p PublicApp) Exchange(ctx context.Context, code string, params ...AuthParam) (*Token, error) {
	return p.app().exchange(ctx, code, params)
}

// TokenSource returns a cached source of one user's tokens, starting from
// tok (from Exchange, or from the application's store; a token with only a
// RefreshToken is refreshed on first use). When the cached
// token is within the refresh margin of its expiry, the source trades its
// refresh token (grant_type refresh_token), one request at a time, and
// passes the answer to store before handing it out: the answer carries the
// new refresh token, and the old one no longer works. A refused refresh
// (the authorization was revoked, or the refresh token was used elsewhere)
// leaves the source without a refresh token: Token then fails with
// ErrReauthorize. store may be nil when nothing needs keeping.
func (w WebApp) TokenSource(tok *Token, store TokenStore) *CachedSource {
	return w.app().tokenSource(tok, store)
}

// TokenSource is WebApp.TokenSource.
func (p PublicApp) TokenSource(tok *Token, store TokenStore) *CachedSource {
	return p.app().tokenSource(tok, store)
}

// TokenStore keeps the tokens of a web or public app between runs. SaveToken
// is called with every token a refresh returns, before the token is handed
// out; if it fails, the token is not handed out and the next Token call
// refreshes again (the source keeps the newest refresh token in memory).
type TokenStore interface {
	SaveToken(ctx context.Context, tok *Token) error
}

// TokenStoreFunc adapts a function to TokenStore.
type TokenStoreFunc func(ctx context.Context, tok *Token) error

// SaveToken calls f.
func (f TokenStoreFunc) SaveToken(ctx context.Context, tok *Token) error { return f(ctx, tok) }

// ErrReauthorize is returned by the token source of a web or public app
// that holds no usable refresh token: the user must authorize the app
// again.
var ErrReauthorize = errors.New("fuel: no usable refresh token: the user must authorize the app again")

func (a app) authCodeURL(state string, params []AuthParam) string {
	q := url.Values{"response_type": {"code"}, "client_id": {a.cfg.ClientID}, "redirect_uri": {a.cfg.RedirectURL}}
	if state != "" {
		q.Set("state", state)
	}
	if len(a.cfg.Scopes) > 0 {
		q.Set("scope", strings.Join(a.cfg.Scopes, " "))
	}
	for _, p := range params {
		for _, kv := range p.kv {
			q.Set(kv[0], kv[1])
		}
	}
	return joinURL(a.cfg.AuthBaseURL, "/v2/authorize") + "?" + q.Encode()
}

// missingSettings reports unusable settings.
func (a app) missingSettings() error {
	if err := missing("AuthBaseURL", a.cfg.AuthBaseURL, "ClientID", a.cfg.ClientID, "RedirectURL", a.cfg.RedirectURL); err != nil {
		return err
	}
	if !a.public && a.cfg.ClientSecret == "" {
		return configError("ClientSecret required (a public app is a PublicApp)")
	}
	if a.cfg.AccountID < 0 {
		return configError("AccountID must not be negative")
	}
	return nil
}

func (a app) exchange(ctx context.Context, code string, params []AuthParam) (*Token, error) {
	if err := a.missingSettings(); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, configError("Exchange: empty code")
	}
	body := map[string]any{"grant_type": "authorization_code", "code": code, "redirect_uri": a.cfg.RedirectURL}
	for _, p := range params {
		for _, kv := range p.kv {
			body[kv[0]] = kv[1]
		}
	}
	return a.request(ctx, newTokenClient(a.cfg.HTTPClient, a.cfg.UserAgent, a.cfg.Now, a.cfg.ClientSecret), body)
}

// request sends a token request of a web or public app: body plus the
// client (with the secret of a web app) and account_id, as JSON like the
// FuelSDKs (fuel-auth's createPayloadForOauth2).
func (a app) request(ctx context.Context, hc tokenClient, body map[string]any) (*Token, error) {
	body["client_id"] = a.cfg.ClientID
	if !a.public {
		body["client_secret"] = a.cfg.ClientSecret
	}
	if a.cfg.AccountID != 0 {
		body["account_id"] = a.cfg.AccountID
	}
	status, raw, received, err := hc.postJSON(ctx, joinURL(a.cfg.AuthBaseURL, "/v2/token"), body)
	if err != nil {
		return nil, err
	}
	var r struct {
		v2Response
		RefreshToken string `json:"refresh_token"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.AccessToken == "" {
		return nil, hc.authError(status, raw)
	}
	if r.ExpiresIn <= 0 || r.RefreshToken == "" {
		return nil, fmt.Errorf("fuel: token response without a positive expires_in and a refresh_token")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	return &Token{AccessToken: r.AccessToken, TokenType: r.TokenType, Scope: r.Scope, Expiry: received.Add(life),
		Lifetime: life, SOAPInstanceURL: r.SOAPInstanceURL, RESTInstanceURL: r.RESTInstanceURL, AccountID: a.cfg.AccountID,
		RefreshToken: r.RefreshToken}, nil
}

func (a app) tokenSource(tok *Token, store TokenStore) *CachedSource {
	a.cfg.Scopes = slices.Clone(a.cfg.Scopes)
	a.cfg.Now = orNow(a.cfg.Now)
	var refresh string
	if tok != nil {
		refresh = tok.RefreshToken
		if tok.AccessToken == "" { // a stored refresh token alone: refresh first
			tok = nil
		}
	}
	r := &appRefresher{app: a, store: store, err: a.missingSettings(), rotation: newRotation(refresh),
		http: newTokenClient(a.cfg.HTTPClient, a.cfg.UserAgent, a.cfg.Now, a.cfg.ClientSecret)}
	return newCachedSource(tok, r, refreshMargin(a.cfg.RefreshMargin), a.cfg.Now)
}

// appRefresher is the uncached source of a web or public app: every Token
// call spends the held refresh token.
type appRefresher struct {
	app      app
	store    TokenStore
	err      error
	rotation *rotation
	http     tokenClient
}

func (r *appRefresher) Token(ctx context.Context) (*Token, error) {
	if r.err != nil {
		return nil, r.err
	}
	tok, err := r.rotation.do(ctx, func(ctx context.Context, refresh string) (*Token, error) {
		if refresh == "" {
			return nil, ErrReauthorize
		}
		tok, err := r.app.request(ctx, r.http, map[string]any{"grant_type": "refresh_token", "refresh_token": refresh})
		if err != nil || r.store == nil {
			return tok, err
		}
		if err := r.store.SaveToken(ctx, tok); err != nil {
			return tok, fmt.Errorf("fuel: saving the refreshed token: %w", err)
		}
		return tok, nil
	})
	if err != nil {
		return nil, err
	}
	return tok, nil
}
