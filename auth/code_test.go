package auth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

const redirectURI = "https://app.example.com/cb"

// apps is an env with a web app and a public app reaching the enterprise
// and the child BU, and a signed-in user assigned to both.
type apps struct {
	*fgtest.Env
	web, public *fuelgate.Package
	webSecret   string
	user        *manage.Actor
}

func newApps(t *testing.T) *apps {
	t.Helper()
	e := newEnv(t)
	a := &apps{Env: e}
	scopes := []string{"accounts_read", "users_read", "users_write", "offline"}
	a.web, a.webSecret = newPackage(t, e, manage.NewPackage{Name: "Web", Type: fuelgate.IntegrationWebApp,
		RedirectURIs: []string{redirectURI, "http://127.0.0.1:9999/cb"}, MIDs: []int64{e.Child.MID}, Scopes: scopes})
	a.public, _ = newPackage(t, e, manage.NewPackage{Name: "Public", Type: fuelgate.IntegrationPublicApp,
		RedirectURIs: []string{redirectURI}, MIDs: []int64{e.Child.MID}, Scopes: scopes})
	var err error
	if a.user, err = e.Server.Auth.SignIn(ctx, "api_user", fgtest.Password, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	return a
}

// verifier and its S256 challenge: BASE64URL(SHA-256(verifier)).
const (
	verifier  = "dBjftJeZ4CVP-mJ92K5ZFwE-gFRjjxz5ZNZkjqUyD0I"
	challenge = "X151-Hw53agxJFi97rZKwzgd1fPWHxySLZBxss-165Q"
)

// code authorizes pkg for the signed-in user in mid with req's extras.
func (a *apps) code(t *testing.T, pkg *fuelgate.Package, mid int64, req auth.AuthorizeRequest) string {
	t.Helper()
	req.ResponseType, req.ClientID = "code", pkg.ClientID
	if req.RedirectURI == "" {
		req.RedirectURI = redirectURI
	}
	az, err := a.Server.Auth.Authorize(ctx, req)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	c, err := a.Server.Auth.IssueCode(ctx, a.user, az, mid)
	if err != nil {
		t.Fatalf("IssueCode: %v", err)
	}
	return c
}

func TestChallengeOfVerifier(t *testing.T) {
	sum := sha256.Sum256([]byte(verifier))
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != challenge {
		t.Fatalf("S256(%s) = %s, want %s", verifier, got, challenge)
	}
}

func TestAuthorize(t *testing.T) {
	a := newApps(t)
	s2s := a.Package // fgtest's server-to-server package
	off, _ := newPackage(t, a.Env, manage.NewPackage{Name: "Off", Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{redirectURI}})
	if _, err := a.Manage.SetPackageEnabled(ctx, manage.Operator(), off.ClientID, false); err != nil {
		t.Fatal(err)
	}
	pkce, _ := newPackage(t, a.Env, manage.NewPackage{Name: "PKCE", Type: fuelgate.IntegrationPublicApp, RedirectURIs: []string{redirectURI}, RequirePKCE: true})
	base := func(pkg *fuelgate.Package) auth.AuthorizeRequest {
		return auth.AuthorizeRequest{ResponseType: "code", ClientID: pkg.ClientID, RedirectURI: redirectURI, State: "xyz"}
	}
	with := func(r auth.AuthorizeRequest, f func(*auth.AuthorizeRequest)) auth.AuthorizeRequest { f(&r); return r }
	tests := []struct {
		name string
		req  auth.AuthorizeRequest
		page error  // a refusal shown on a page (never a redirect)
		code string // the error code sent back by redirect
	}{
		{"web app", base(a.web), nil, ""},
		{"public app with PKCE", with(base(a.public), func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = challenge, "S256" }), nil, ""},
		{"second registered redirect URI", with(base(a.web), func(r *auth.AuthorizeRequest) { r.RedirectURI = "http://127.0.0.1:9999/cb" }), nil, ""},
		{"unknown client", with(base(a.web), func(r *auth.AuthorizeRequest) { r.ClientID = "nosuchclient000000000000" }), auth.ErrUnknownApp, ""},
		{"empty client", with(base(a.web), func(r *auth.AuthorizeRequest) { r.ClientID = "" }), auth.ErrUnknownApp, ""},
		{"disabled app", base(off), auth.ErrUnknownApp, ""},
		{"server-to-server package", base(s2s), auth.ErrNotAnApp, ""},
		{"unregistered redirect URI", with(base(a.web), func(r *auth.AuthorizeRequest) { r.RedirectURI = "https://evil.example.com/cb" }), auth.ErrRedirectURI, ""},
		{"redirect URI with a suffix", with(base(a.web), func(r *auth.AuthorizeRequest) { r.RedirectURI = redirectURI + "/x" }), auth.ErrRedirectURI, ""},
		{"redirect URI in another case", with(base(a.web), func(r *auth.AuthorizeRequest) { r.RedirectURI = strings.ToUpper(redirectURI) }), auth.ErrRedirectURI, ""},
		{"no redirect URI", with(base(a.web), func(r *auth.AuthorizeRequest) { r.RedirectURI = "" }), auth.ErrRedirectURI, ""},
		{"repeated redirect_uri", with(base(a.web), func(r *auth.AuthorizeRequest) { r.Repeated = "redirect_uri" }), auth.ErrUnknownApp, ""},
		{"repeated state", with(base(a.web), func(r *auth.AuthorizeRequest) { r.Repeated = "state" }), nil, "invalid_request"},
		{"response_type token", with(base(a.web), func(r *auth.AuthorizeRequest) { r.ResponseType = "token" }), nil, "unsupported_response_type"},
		{"scope not on the package", with(base(a.web), func(r *auth.AuthorizeRequest) { r.Scope = ptr("email_read") }), nil, "invalid_scope"},
		{"plain challenge", with(base(a.public), func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = verifier, "plain" }), nil, "invalid_request"},
		{"challenge without method", with(base(a.public), func(r *auth.AuthorizeRequest) { r.CodeChallenge = challenge }), nil, "invalid_request"},
		{"method without challenge", with(base(a.public), func(r *auth.AuthorizeRequest) { r.CodeChallengeMethod = "S256" }), nil, "invalid_request"},
		{"short challenge", with(base(a.public), func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = "abc", "S256" }), nil, "invalid_request"},
		{"PKCE required and absent", base(pkce), nil, "invalid_request"},
		{"PKCE required and sent", with(base(pkce), func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = challenge, "S256" }), nil, ""},
		{"state too long", with(base(a.web), func(r *auth.AuthorizeRequest) { r.State = strings.Repeat("s", 2049) }), nil, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			az, err := a.Server.Auth.Authorize(ctx, tt.req)
			var ae *auth.AuthorizeError
			switch {
			case tt.page != nil:
				if !errors.Is(err, tt.page) {
					t.Fatalf("got %v, want the page error %v", err, tt.page)
				}
			case tt.code != "":
				if !errors.As(err, &ae) || ae.Code != tt.code {
					t.Fatalf("got %v, want a redirect with error %s", err, tt.code)
				}
			case err != nil:
				t.Fatalf("got %v, want success", err)
			case az.State != tt.req.State || az.RedirectURI != tt.req.RedirectURI || az.Challenge != tt.req.CodeChallenge:
				t.Fatalf("got %+v for %+v", az, tt.req)
			}
		})
	}
}

// exchange trades code as pkg (secret "" for none) with redirectURI and verifier.
func (a *apps) exchange(pkg *fuelgate.Package, secret, code, verifier string, extra func(*auth.AppTokenRequest)) (*auth.IssuedToken, error) {
	req := auth.AppTokenRequest{ClientID: pkg.ClientID, ClientSecret: secret, Code: code, RedirectURI: redirectURI,
		CodeVerifier: verifier, HasVerifier: verifier != ""}
	if extra != nil {
		extra(&req)
	}
	return a.Server.Auth.ExchangeCode(ctx, req)
}

func TestExchangeCode(t *testing.T) {
	a := newApps(t)
	other, otherSecret := newPackage(t, a.Env, manage.NewPackage{Name: "Other", Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{redirectURI}})
	pkce := auth.AuthorizeRequest{CodeChallenge: challenge, CodeChallengeMethod: "S256"}
	tests := []struct {
		name     string
		pkg      *fuelgate.Package // issued to
		by       *fuelgate.Package // traded by
		secret   string
		authz    auth.AuthorizeRequest
		verifier string
		extra    func(*auth.AppTokenRequest)
		advance  time.Duration
		want     error
	}{
		{"web app", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", nil, 0, nil},
		{"web app with PKCE", a.web, a.web, a.webSecret, pkce, verifier, nil, 0, nil},
		{"public app without secret", a.public, a.public, "", auth.AuthorizeRequest{}, "", nil, 0, nil},
		{"public app with PKCE", a.public, a.public, "", pkce, verifier, nil, 0, nil},
		{"web app without its secret", a.web, a.web, "", auth.AuthorizeRequest{}, "", nil, 0, auth.ErrInvalidClient},
		{"web app with a wrong secret", a.web, a.web, "wrong", auth.AuthorizeRequest{}, "", nil, 0, auth.ErrInvalidClient},
		{"public app with a secret", a.public, a.public, a.webSecret, auth.AuthorizeRequest{}, "", nil, 0, auth.ErrInvalidClient},
		{"another client's code", a.web, other, otherSecret, auth.AuthorizeRequest{}, "", nil, 0, auth.ErrInvalidGrant},
		{"server-to-server package", a.web, a.Package, a.ClientSecret, auth.AuthorizeRequest{}, "", nil, 0, auth.ErrUnauthorizedClient},
		{"another redirect URI", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", func(r *auth.AppTokenRequest) { r.RedirectURI = "http://127.0.0.1:9999/cb" }, 0, auth.ErrInvalidGrant},
		{"expired", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", nil, fuelgate.AuthCodeLifetime, auth.ErrInvalidGrant},
		{"just before expiry", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", nil, fuelgate.AuthCodeLifetime - time.Second, nil},
		{"garbage code", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", func(r *auth.AppTokenRequest) { r.Code = "garbage" }, 0, auth.ErrInvalidGrant},
		{"challenge sent, no verifier", a.public, a.public, "", pkce, "", nil, 0, auth.ErrInvalidGrant},
		{"wrong verifier", a.public, a.public, "", pkce, strings.Repeat("v", 43), nil, 0, auth.ErrInvalidGrant},
		{"verifier too short", a.public, a.public, "", pkce, verifier[:42], nil, 0, auth.ErrInvalidGrant},
		{"verifier with a bad character", a.public, a.public, "", pkce, verifier[:42] + "+", nil, 0, auth.ErrInvalidGrant},
		{"verifier without a challenge (downgrade)", a.public, a.public, "", auth.AuthorizeRequest{}, verifier, nil, 0, auth.ErrInvalidGrant},
		{"the challenge as verifier", a.public, a.public, "", pkce, challenge, nil, 0, auth.ErrInvalidGrant},
		{"narrower scope", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", func(r *auth.AppTokenRequest) { r.Scope = ptr("users_read") }, 0, nil},
		{"wider scope", a.web, a.web, a.webSecret, auth.AuthorizeRequest{Scope: ptr("users_read")}, "", func(r *auth.AppTokenRequest) { r.Scope = ptr("users_read users_write") }, 0, auth.ErrInvalidScope},
		{"account_id of another BU both reach", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", func(r *auth.AppTokenRequest) { r.AccountID = a.Child.MID }, 0, nil},
		{"account_id the package does not reach", a.web, a.web, a.webSecret, auth.AuthorizeRequest{}, "", func(r *auth.AppTokenRequest) { r.AccountID = a.Grandchild.MID }, 0, auth.ErrAccountUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.Clock.Set(epoch)
			code := a.code(t, tt.pkg, a.Enterprise.MID, tt.authz)
			a.Clock.Advance(tt.advance)
			tok, err := a.exchange(tt.by, tt.secret, code, tt.verifier, tt.extra)
			wantErr(t, "ExchangeCode", err, tt.want)
			if err != nil {
				return
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || tok.ExpiresIn != 1079 {
				t.Fatalf("got %+v, want an access token, a refresh token and expires_in 1079", tok)
			}
			actor, err := a.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess)
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if actor.Kind() != manage.KindApp || actor.UserID() != a.APIUser.ID || actor.MID() != tok.MID {
				t.Errorf("actor %v: kind %s, user %d, MID %d (token MID %d)", actor, actor.Kind(), actor.UserID(), actor.MID(), tok.MID)
			}
			if _, err := a.Server.Auth.VerifyToken(ctx, tok.RefreshToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
				t.Errorf("the refresh token as an access token: got %v, want Login Failed", err)
			}
		})
	}
}

func TestCodeReuseRevokesItsTokens(t *testing.T) {
	a := newApps(t)
	code := a.code(t, a.web, a.Enterprise.MID, auth.AuthorizeRequest{})
	first, err := a.exchange(a.web, a.webSecret, code, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.exchange(a.web, a.webSecret, code, "", nil); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("second exchange: got %v, want invalid_grant", err)
	}
	if _, err := a.Server.Auth.VerifyToken(ctx, first.AccessToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("the first exchange's access token after the reuse: got %v, want Login Failed", err)
	}
	_, err = a.Server.Auth.Refresh(ctx, auth.AppTokenRequest{ClientID: a.web.ClientID, ClientSecret: a.webSecret, RefreshToken: first.RefreshToken})
	if !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("the first exchange's refresh token after the reuse: got %v, want invalid_grant", err)
	}
}

func TestRefreshRotation(t *testing.T) {
	a := newApps(t)
	refresh := func(pkg *fuelgate.Package, secret, tok string, extra func(*auth.AppTokenRequest)) (*auth.IssuedToken, error) {
		req := auth.AppTokenRequest{ClientID: pkg.ClientID, ClientSecret: secret, RefreshToken: tok}
		if extra != nil {
			extra(&req)
		}
		return a.Server.Auth.Refresh(ctx, req)
	}
	first, err := a.exchange(a.public, "", a.code(t, a.public, a.Enterprise.MID, auth.AuthorizeRequest{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}

	// Each refresh returns a new pair and retires the refresh token presented.
	second, err := refresh(a.public, "", first.RefreshToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("a refresh returned the same tokens")
	}
	// Narrowed scope and another BU, for this access token only.
	third, err := refresh(a.public, "", second.RefreshToken, func(r *auth.AppTokenRequest) {
		r.Scope, r.AccountID = ptr("users_read"), a.Child.MID
	})
	if err != nil {
		t.Fatal(err)
	}
	if third.MID != a.Child.MID || strings.Join(third.Scopes, " ") != "users_read" {
		t.Errorf("narrowed refresh: MID %d scopes %v", third.MID, third.Scopes)
	}
	fourth, err := refresh(a.public, "", third.RefreshToken, nil) // the authorization's scopes again
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(fourth.Scopes, " ") != "accounts_read offline users_read users_write" {
		t.Errorf("after a narrowed refresh, a plain refresh got scopes %v, want the authorization's", fourth.Scopes)
	}
	for name, extra := range map[string]func(*auth.AppTokenRequest){
		"wider scope":         func(r *auth.AppTokenRequest) { r.Scope = ptr("email_read") },
		"another client":      func(r *auth.AppTokenRequest) { r.ClientID, r.ClientSecret = a.web.ClientID, a.webSecret },
		"an access token":     func(r *auth.AppTokenRequest) { r.RefreshToken = fourth.AccessToken },
		"garbage":             func(r *auth.AppTokenRequest) { r.RefreshToken = "garbage" },
		"unreachable account": func(r *auth.AppTokenRequest) { r.AccountID = a.Grandchild.MID },
	} {
		if _, err := refresh(a.public, "", fourth.RefreshToken, extra); err == nil {
			t.Errorf("refresh with %s: got success, want a refusal", name)
		}
	}
	// Those refusals spent nothing: the current refresh token still works.
	fifth, err := refresh(a.public, "", fourth.RefreshToken, nil)
	if err != nil {
		t.Fatalf("the current refresh token after refused attempts: %v", err)
	}

	// A retired refresh token presented again revokes the whole family.
	if _, err := refresh(a.public, "", second.RefreshToken, nil); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("a retired refresh token: got %v, want invalid_grant", err)
	}
	if _, err := a.Server.Auth.VerifyToken(ctx, fifth.AccessToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("the family's newest access token after the reuse: got %v, want Login Failed", err)
	}
	if _, err := refresh(a.public, "", fifth.RefreshToken, nil); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("the family's newest refresh token after the reuse: got %v, want invalid_grant", err)
	}
	events, err := a.Manage.AuditEvents(ctx, manage.Operator(), fuelgate.AuditFilter{Action: "token.revoke_family"})
	if err != nil || len(events) != 1 {
		t.Errorf("token.revoke_family events: got %d, %v; want 1", len(events), err)
	}

	// Expiry: 30 days by default.
	other, err := a.exchange(a.public, "", a.code(t, a.public, a.Enterprise.MID, auth.AuthorizeRequest{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Clock.Advance(30 * 24 * time.Hour)
	if _, err := refresh(a.public, "", other.RefreshToken, nil); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("a refresh token after 30 days: got %v, want invalid_grant", err)
	}
}

func TestConcurrentRefreshes(t *testing.T) {
	a := newApps(t)
	tok, err := a.exchange(a.web, a.webSecret, a.code(t, a.web, a.Enterprise.MID, auth.AuthorizeRequest{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	results := make(chan *auth.IssuedToken, n)
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			got, err := a.Server.Auth.Refresh(ctx, auth.AppTokenRequest{ClientID: a.web.ClientID, ClientSecret: a.webSecret, RefreshToken: tok.RefreshToken})
			if err != nil {
				errs <- err
				return
			}
			results <- got
		})
	}
	wg.Wait()
	close(results)
	close(errs)
	if len(results) != 1 {
		t.Fatalf("%d of %d concurrent refreshes with one refresh token succeeded, want 1", len(results), n)
	}
	for err := range errs {
		if !errors.Is(err, auth.ErrInvalidGrant) {
			t.Errorf("a losing refresh: got %v, want invalid_grant", err)
		}
	}
	// The losers presented a retired token: the family is revoked, the
	// winner's tokens with it.
	for w := range results {
		if _, err := a.Server.Auth.VerifyToken(ctx, w.AccessToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
			t.Errorf("the winner's access token: got %v, want Login Failed", err)
		}
	}
}

func TestAppTokensFollowTheUser(t *testing.T) {
	a := newApps(t)
	tok, err := a.exchange(a.web, a.webSecret, a.code(t, a.web, a.Enterprise.MID, auth.AuthorizeRequest{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	actor, err := a.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess)
	if err != nil {
		t.Fatal(err)
	}
	// api_user's role has Users View and Manage, Roles View, BU View and
	// WebServices API; the scopes give users_*, accounts_read.
	if !actor.Holds(fuelgate.PermUsersManage) || actor.Holds(fuelgate.PermBusinessUnitsManage) {
		t.Errorf("permissions %v", actor.Permissions())
	}
	// A new password revokes the app's tokens.
	pw := "N3w-Passw0rd!"
	if _, err := a.Manage.UpdateUser(ctx, manage.Operator(), a.APIUser.ID, manage.UserChange{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("access token after a password change: got %v, want Login Failed", err)
	}
	_, err = a.Server.Auth.Refresh(ctx, auth.AppTokenRequest{ClientID: a.web.ClientID, ClientSecret: a.webSecret, RefreshToken: tok.RefreshToken})
	if !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("refresh token after a password change: got %v, want invalid_grant", err)
	}
	// A code issued before the change cannot be traded for working tokens
	// of a locked user either.
	code := a.code(t, a.web, a.Enterprise.MID, auth.AuthorizeRequest{})
	if _, err := a.Store.UpdateUser(ctx, a.APIUser.ID, func(u *fuelgate.User) error {
		u.LockedUntil = epoch.Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.exchange(a.web, a.webSecret, code, "", nil); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("exchange for a locked user: got %v, want invalid_grant", err)
	}
}

func TestIssueCodeRefusals(t *testing.T) {
	a := newApps(t)
	az, err := a.Server.Auth.Authorize(ctx, auth.AuthorizeRequest{ResponseType: "code", ClientID: a.web.ClientID, RedirectURI: redirectURI})
	if err != nil {
		t.Fatal(err)
	}
	for name, mid := range map[string]int64{"a BU the package does not reach": a.Grandchild.MID, "an unknown BU": 42} {
		if _, err := a.Server.Auth.IssueCode(ctx, a.user, az, mid); !errors.Is(err, auth.ErrAccessDenied) {
			t.Errorf("%s: got %v, want access_denied", name, err)
		}
	}
}

func TestSweepAuthCodes(t *testing.T) {
	a := newApps(t)
	a.code(t, a.web, a.Enterprise.MID, auth.AuthorizeRequest{})
	a.Clock.Advance(fuelgate.AuthCodeLifetime + fuelgate.TokenGrace)
	r, err := a.Server.Auth.Sweep(ctx)
	if err != nil || r.AuthCodes != 0 {
		t.Fatalf("sweep at the end of the grace: %+v %v, want nothing deleted yet", r, err)
	}
	a.Clock.Advance(time.Second)
	if r, err = a.Server.Auth.Sweep(ctx); err != nil || r.AuthCodes != 1 {
		t.Fatalf("sweep after the grace: %+v %v, want 1 code deleted", r, err)
	}
}

// TestRevokeAppRefreshToken: a public app, with its client ID alone,
// introspects its token and revokes its refresh token (RFC 7009), which
// takes the authorization's access tokens with it.
func TestRevokeAppRefreshToken(t *testing.T) {
	a := newApps(t)
	tok, err := a.exchange(a.public, "", a.code(t, a.public, a.Enterprise.MID, auth.AuthorizeRequest{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := a.Server.Auth.Introspect(ctx, a.public.ClientID, "", tok.AccessToken)
	if err != nil || !info.Active || info.MID != a.Enterprise.MID {
		t.Fatalf("introspection by the public app: %+v %v", info, err)
	}
	if err := a.Server.Auth.Revoke(ctx, a.web.ClientID, a.webSecret, tok.RefreshToken, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess); err != nil {
		t.Fatalf("another client's revocation touched the token: %v", err)
	}
	if err := a.Server.Auth.Revoke(ctx, a.public.ClientID, "", tok.RefreshToken, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess); !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("the access token after its refresh token was revoked: %v, want Login Failed", err)
	}
	if err := a.Server.Auth.Revoke(ctx, a.Package.ClientID, "", tok.RefreshToken, ""); !errors.Is(err, auth.ErrInvalidClient) {
		t.Errorf("a server-to-server client without its secret: %v, want invalid_client", err)
	}
}
