package fueloauth2_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/fuel/fueloauth2"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

const redirect = "http://127.0.0.1:9/callback" // never contacted: the test reads the redirect

// newApp starts a real fuelgate with a web or public app reaching the
// enterprise and its child BU.
func newApp(t *testing.T, typ fuelgate.IntegrationType) (*fgtest.Env, *fuelgate.Package, string) {
	t.Helper()
	e := fgtest.New(t)
	p, sec, err := e.Manage.CreatePackage(context.Background(), manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID,
		Name: "x/oauth2 app", Type: typ, RedirectURIs: []string{redirect}, RequirePKCE: typ == fuelgate.IntegrationPublicApp,
		MIDs: []int64{e.Child.MID}, Scopes: []string{"accounts_read", "users_read", "offline"}})
	if err != nil {
		t.Fatal(err)
	}
	return e, p, sec
}

// TestOAuth2PublicApp drives golang.org/x/oauth2, unmodified, through the
// whole flow of a public app: the authorization URL with a PKCE challenge,
// the sign-in pages over HTTP, the exchange with the verifier (form body,
// HTTP Basic with an empty password), userinfo, a refresh, a SOAP call with
// the refreshed token, and a retired refresh token refused.
func TestOAuth2PublicApp(t *testing.T) {
	e, pkg, _ := newApp(t, fuelgate.IntegrationPublicApp)
	ctx := context.Background()
	cfg := oauth2.Config{ClientID: pkg.ClientID, Endpoint: fueloauth2.Endpoint(e.URL + "/"), RedirectURL: redirect,
		Scopes: []string{"accounts_read", "users_read", "offline"}}

	verifier := oauth2.GenerateVerifier()
	back := e.Browser(t).Authorize(cfg.AuthCodeURL("state-xyz", oauth2.S256ChallengeOption(verifier)), "api_user", fgtest.Password, e.Child.MID)
	if back.Query().Get("state") != "state-xyz" {
		t.Fatalf("back at %s, want the state", back)
	}
	code := back.Query().Get("code")
	if _, err := cfg.Exchange(ctx, code); !isRetrieveError(err, "invalid_grant") {
		t.Fatalf("exchange without the verifier: %v, want invalid_grant", err)
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Type() != "Bearer" || tok.Extra("soap_instance_url") != e.URL+"/" || time.Until(tok.Expiry) < 17*time.Minute {
		t.Fatalf("token: refresh %t, type %s, SOAP URL %v, expires in %s", tok.RefreshToken != "", tok.Type(), tok.Extra("soap_instance_url"), time.Until(tok.Expiry))
	}
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); !isRetrieveError(err, "invalid_grant") {
		t.Fatalf("the code a second time: %v, want invalid_grant", err)
	}
	// That reuse revoked the tokens issued from the code; authorize again.
	if status, _ := userinfo(t, cfg.Client(ctx, tok), e.URL); status != http.StatusUnauthorized {
		t.Fatalf("userinfo after the code was reused: %d, want 401", status)
	}
	verifier = oauth2.GenerateVerifier()
	back = e.Browser(t).Authorize(cfg.AuthCodeURL("s2", oauth2.S256ChallengeOption(verifier)), "api_user", fgtest.Password, e.Child.MID)
	if tok, err = cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatal(err)
	}

	status, info := userinfo(t, cfg.Client(ctx, tok), e.URL)
	user, _ := info["user"].(map[string]any)
	org, _ := info["organization"].(map[string]any)
	if status != http.StatusOK || user["preferred_username"] != "api_user" || org["member_id"] != float64(e.Child.MID) {
		t.Fatalf("userinfo: %d %v", status, info)
	}
	if perms, _ := info["permissions"].([]any); len(perms) == 0 {
		t.Errorf("userinfo lists no permissions: %v", info)
	}

	// Refresh: x/oauth2 refreshes an expired token and keeps the new
	// refresh token from the answer.
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Minute)
	ts := cfg.TokenSource(ctx, &expired)
	fresh, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken || fresh.RefreshToken == "" {
		t.Fatal("the refresh did not rotate the tokens")
	}

	// A SOAP call through the fuel SDK with the x/oauth2 token source.
	c, err := fuel.NewClient(fueloauth2.TokenSource(ts), fuel.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	if err != nil || len(res.Objects) != 1 {
		t.Fatalf("Retrieve with the app's token: %v, %v", res, err)
	}

	// The retired refresh token is refused, and ends the authorization.
	stale := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)})
	if _, err := stale.Token(); !isRetrieveError(err, "invalid_grant") {
		t.Fatalf("a retired refresh token: %v, want invalid_grant", err)
	}
	if status, _ := userinfo(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(fresh)), e.URL); status != http.StatusUnauthorized {
		t.Errorf("the newest access token after the reuse: %d, want 401", status)
	}
}

// TestOAuth2WebApp exchanges and refreshes a web app's code with the secret
// in the Basic header (auto-detected) and in the form body.
func TestOAuth2WebApp(t *testing.T) {
	e, pkg, secret := newApp(t, fuelgate.IntegrationWebApp)
	ctx := context.Background()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleAutoDetect, oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		ep := fueloauth2.Endpoint(e.URL)
		ep.AuthStyle = style
		cfg := oauth2.Config{ClientID: pkg.ClientID, ClientSecret: secret, Endpoint: ep, RedirectURL: redirect}
		back := e.Browser(t).Authorize(cfg.AuthCodeURL("s"), "api_user", fgtest.Password, e.Enterprise.MID)
		tok, err := cfg.Exchange(ctx, back.Query().Get("code"))
		if err != nil {
			t.Fatalf("auth style %d: %v", style, err)
		}
		tok.Expiry = time.Now().Add(-time.Second)
		if _, err := cfg.TokenSource(ctx, tok).Token(); err != nil {
			t.Fatalf("auth style %d: refresh: %v", style, err)
		}
		wrong := cfg
		wrong.ClientSecret = "wrong"
		wrong.Endpoint.AuthStyle = oauth2.AuthStyleInParams
		back = e.Browser(t).Authorize(cfg.AuthCodeURL("s"), "api_user", fgtest.Password, e.Enterprise.MID)
		if _, err := wrong.Exchange(ctx, back.Query().Get("code")); !isRetrieveError(err, "invalid_client") {
			t.Fatalf("a wrong secret: %v, want invalid_client", err)
		}
	}
}

func userinfo(t *testing.T, hc *http.Client, base string) (int, map[string]any) {
	t.Helper()
	resp, err := hc.Get(base + "/v2/userinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func isRetrieveError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

// TestDependencies keeps the package to fuel, soap, x/oauth2 and the
// standard library: nothing of the server.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		switch {
		case p == "github.com/fuelgate/fuelgate/fuel/fueloauth2", p == "github.com/fuelgate/fuelgate/fuel",
			p == "github.com/fuelgate/fuelgate/soap", strings.HasPrefix(p, "golang.org/x/oauth2"):
		default:
			t.Errorf("fueloauth2 depends on %s", p)
		}
	}
}
