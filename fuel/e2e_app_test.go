package fuel_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

const appRedirect = "http://127.0.0.1:9/callback" // never contacted: the test reads the redirect

// appPackage creates a web or public app in the env's enterprise reaching the child BU.
func appPackage(t *testing.T, e *e2e, typ fuelgate.IntegrationType, pkce bool) (*fuelgate.Package, string) {
	t.Helper()
	p, sec, err := e.env.Manage.CreatePackage(context.Background(), manage.Operator(), manage.NewPackage{
		MID: e.env.Enterprise.MID, Name: "App " + string(typ), Type: typ, RedirectURIs: []string{appRedirect}, RequirePKCE: pkce,
		MIDs: []int64{e.env.Child.MID}, Scopes: []string{"accounts_read", "users_read", "offline"}})
	if err != nil {
		t.Fatal(err)
	}
	return p, sec
}

// savedTokens is a TokenStore in memory.
type savedTokens struct {
	mu   sync.Mutex
	toks []*fuel.Token
	fail error
}

func (s *savedTokens) SaveToken(ctx context.Context, tok *fuel.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.toks = append(s.toks, tok)
	return nil
}

func (s *savedTokens) last() *fuel.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.toks) == 0 {
		return nil
	}
	return s.toks[len(s.toks)-1]
}

// TestE2EPublicApp: authorize with PKCE in a browser (over HTTP), exchange,
// call SOAP with the user's token, refresh with rotation through a store,
// and see a retired refresh token end the authorization.
func TestE2EPublicApp(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()
	pkg, _ := appPackage(t, e, fuelgate.IntegrationPublicApp, true)
	app := fuel.PublicApp{AuthBaseURL: e.env.URL + "/", ClientID: pkg.ClientID, RedirectURL: appRedirect,
		Scopes: []string{"accounts_read", "offline"}, HTTPClient: e.opts.HTTPClient, Now: e.sdkClock.Now}

	verifier := fuel.GenerateVerifier()
	back := e.env.Browser(t).Authorize(app.AuthCodeURL("st-42", fuel.S256ChallengeOption(verifier)), "api_user", fgtest.Password, e.env.Child.MID)
	q := back.Query()
	if q.Get("state") != "st-42" || q.Get("code") == "" || !strings.HasPrefix(back.String(), appRedirect+"?") {
		t.Fatalf("back at %s, want the redirect URI with a code and the state", back)
	}
	// Without the verifier the code is refused (and not spent).
	if _, err := app.Exchange(ctx, q.Get("code")); !isAuthError(err, "invalid_grant") {
		t.Fatalf("exchange without the verifier: %v, want invalid_grant", err)
	}
	tok, err := app.Exchange(ctx, q.Get("code"), fuel.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Scope != "accounts_read offline" || tok.SOAPInstanceURL != e.env.URL+"/" {
		t.Fatalf("token %v: refresh token %t, SOAP URL %q", tok, tok.RefreshToken != "", tok.SOAPInstanceURL)
	}
	for _, x := range tokenRequests(e.wire.since(0)) {
		if strings.Contains(x.reqBody, "client_secret") {
			t.Errorf("a public app sent a client_secret: %s", x.reqBody)
		}
	}

	store := &savedTokens{}
	src := app.TokenSource(tok, store)
	c := e.sourceClient(t, src)
	bus, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID", "Name"}})
	if err != nil {
		t.Fatal(err)
	}
	// The token acts in the chosen BU only: the child.
	if id, _ := firstID(bus.Objects); len(bus.Objects) != 1 || id != strconv.FormatInt(e.env.Child.MID, 10) {
		t.Errorf("Retrieve BusinessUnit with the app's token: %v, want the child BU only", bus.Objects)
	}

	// Past the refresh margin: one refresh, saved, with a new refresh token.
	mark := e.wire.mark()
	e.sdkClock.Advance(tok.Lifetime)
	e.env.Clock.Advance(tok.Lifetime)
	if _, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}); err != nil {
		t.Fatal(err)
	}
	refreshes := tokenRequests(e.wire.since(mark))
	saved := store.last()
	if len(refreshes) != 1 || !strings.Contains(refreshes[0].reqBody, `"grant_type":"refresh_token"`) ||
		!strings.Contains(refreshes[0].reqBody, tok.RefreshToken) {
		t.Fatalf("refresh requests %v, want one refresh_token grant spending the first refresh token", paths(refreshes))
	}
	if saved == nil || saved.RefreshToken == tok.RefreshToken || saved.AccessToken == tok.AccessToken {
		t.Fatalf("saved %v: want the new token with a new refresh token", saved)
	}

	// Someone presents the first, retired refresh token: the server ends the
	// whole authorization, and the app's source has to ask the user again.
	stale := app.TokenSource(&fuel.Token{RefreshToken: tok.RefreshToken}, nil)
	if _, err := stale.Token(ctx); !isAuthError(err, "invalid_grant") {
		t.Fatalf("a retired refresh token: %v, want invalid_grant", err)
	}
	_, err = c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	if !isAuthError(err, "invalid_grant") {
		t.Fatalf("Retrieve after the family was revoked: %v, want the refresh refused (invalid_grant)", err)
	}
	if _, err := src.Token(ctx); !errors.Is(err, fuel.ErrReauthorize) {
		t.Errorf("the source afterwards: %v, want ErrReauthorize", err)
	}
}

// TestE2EWebAppStoreFailure: a web app sends its secret; when the store
// cannot save a refreshed token, the token is not handed out, and the next
// call refreshes with the newest refresh token (not the spent one).
func TestE2EWebAppStoreFailure(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()
	pkg, secret := appPackage(t, e, fuelgate.IntegrationWebApp, false)
	app := fuel.WebApp{AuthBaseURL: e.env.URL + "/", ClientID: pkg.ClientID, ClientSecret: secret, RedirectURL: appRedirect,
		HTTPClient: e.opts.HTTPClient, Now: e.sdkClock.Now}
	back := e.env.Browser(t).Authorize(app.AuthCodeURL("s"), "api_user", fgtest.Password, e.env.Enterprise.MID)
	tok, err := app.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if x := tokenRequests(e.wire.since(0)); len(x) != 1 || !strings.Contains(x[0].reqBody, `"client_secret":"`+secret+`"`) {
		t.Fatalf("the exchange did not send the web app's secret")
	}
	store := &savedTokens{fail: errors.New("disk full")}
	src := app.TokenSource(tok, store)
	src.Invalidate(nil)
	if _, err := src.Token(ctx); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Token with a failing store: %v, want the store's error", err)
	}
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	got, err := src.Token(ctx)
	if err != nil {
		t.Fatalf("Token once the store works: %v (the source must spend the newest refresh token)", err)
	}
	if store.last() != got {
		t.Error("the handed-out token was not saved first")
	}
	if n := len(tokenRequests(e.wire.since(0))); n != 3 {
		t.Errorf("%d token requests, want 3 (exchange, refresh not saved, refresh)", n)
	}
}

func TestAppSettings(t *testing.T) {
	ctx := context.Background()
	for name, src := range map[string]fuel.TokenSource{
		"web app without a secret":    fuel.WebApp{AuthBaseURL: "http://x/", ClientID: "c", RedirectURL: "http://127.0.0.1/cb"}.TokenSource(nil, nil),
		"public app without redirect": fuel.PublicApp{AuthBaseURL: "http://x/", ClientID: "c"}.TokenSource(nil, nil),
		"negative account":            fuel.PublicApp{AuthBaseURL: "http://x/", ClientID: "c", RedirectURL: "http://127.0.0.1/cb", AccountID: -1}.TokenSource(nil, nil),
	} {
		if _, err := src.Token(ctx); !errors.Is(err, fuel.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
	if _, err := (fuel.PublicApp{AuthBaseURL: "http://x/", ClientID: "c", RedirectURL: "http://127.0.0.1/cb"}).TokenSource(nil, nil).Token(ctx); !errors.Is(err, fuel.ErrReauthorize) {
		t.Errorf("no token to start from: %v, want ErrReauthorize", err)
	}
	u := fuel.WebApp{AuthBaseURL: "https://auth.example.com/", ClientID: "cid", RedirectURL: "https://app.example.com/cb",
		Scopes: []string{"users_read", "offline"}}.AuthCodeURL("st", fuel.S256ChallengeOption("dBjftJeZ4CVP-mJ92K5ZFwE-gFRjjxz5ZNZkjqUyD0I"), fuel.SetAuthParam("prompt", "login"))
	want := "https://auth.example.com/v2/authorize?client_id=cid&code_challenge=X151-Hw53agxJFi97rZKwzgd1fPWHxySLZBxss-165Q&" +
		"code_challenge_method=S256&prompt=login&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=users_read+offline&state=st"
	if u != want {
		t.Errorf("AuthCodeURL:\n got %s\nwant %s", u, want)
	}
	if v := fuel.GenerateVerifier(); len(v) != 43 || v == fuel.GenerateVerifier() {
		t.Errorf("GenerateVerifier: %q", v)
	}
}

func firstID(objs []fuel.Object) (string, bool) {
	if len(objs) == 0 {
		return "", false
	}
	return objs[0].Get("ID")
}

func isAuthError(err error, code string) bool {
	var ae *fuel.AuthError
	return errors.As(err, &ae) && ae.Code == code
}
