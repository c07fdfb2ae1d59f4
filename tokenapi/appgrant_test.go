package tokenapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/internal/golden"
	"github.com/fuelgate/fuelgate/manage"
)

const appRedirect = "https://app.example.com/cb"

// appEnv adds a web app and a public app to env, and a code factory for
// the env's API user (signed in through auth, as the authorize page does).
type appEnv struct {
	*env
	web, public *fuelgate.Package
	webSecret   string
}

func newAppEnv(t *testing.T) *appEnv {
	t.Helper()
	e := &appEnv{env: newEnv(t)}
	var err error
	np := manage.NewPackage{MID: e.Enterprise.MID, Name: "Web App", Type: fuelgate.IntegrationWebApp,
		RedirectURIs: []string{appRedirect}, MIDs: []int64{e.Child.MID}, Scopes: []string{"users_read", "accounts_read", "offline"}}
	if e.web, e.webSecret, err = e.Manage.CreatePackage(ctx, manage.Operator(), np); err != nil {
		t.Fatal(err)
	}
	np.Name, np.Type = "Public App", fuelgate.IntegrationPublicApp
	if e.public, _, err = e.Manage.CreatePackage(ctx, manage.Operator(), np); err != nil {
		t.Fatal(err)
	}
	return e
}

// code returns a fresh authorization code of pkg for the API user.
func (e *appEnv) code(t *testing.T, pkg *fuelgate.Package, challenge string) string {
	t.Helper()
	req := auth.AuthorizeRequest{ResponseType: "code", ClientID: pkg.ClientID, RedirectURI: appRedirect}
	if challenge != "" {
		req.CodeChallenge, req.CodeChallengeMethod = challenge, "S256"
	}
	az, err := e.Server.Auth.Authorize(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	user, err := e.Server.Auth.SignIn(ctx, "api_user", fgtest.Password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Server.Auth.IssueCode(ctx, user, az, e.Enterprise.MID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// renderApp renders a reply for a golden file, with the web and public
// apps' client IDs replaced too.
func (e *appEnv) renderApp(t *testing.T, rep reply) []byte {
	t.Helper()
	b := e.render(t, rep)
	var m map[string]any
	if json.Unmarshal(rep.body, &m) == nil {
		if v, ok := m["refresh_token"].(string); ok {
			checkToken(t, "refresh_token", v)
			b = []byte(strings.ReplaceAll(string(b), v, "REFRESH_TOKEN"))
		}
	}
	return []byte(strings.NewReplacer(e.web.ClientID, "WEB_CLIENT_ID", e.public.ClientID, "PUBLIC_CLIENT_ID").Replace(string(b)))
}

// TestAppGrantsOverHTTP drives the authorization_code and refresh_token
// grants over HTTP in the body shapes clients send: JSON as the FuelSDKs
// send it, a form with HTTP Basic as golang.org/x/oauth2 sends it, and a
// public app's form without a secret.
func TestAppGrantsOverHTTP(t *testing.T) {
	e := newAppEnv(t)
	const verifier = "dBjftJeZ4CVP-mJ92K5ZFwE-gFRjjxz5ZNZkjqUyD0I"
	const challenge = "X151-Hw53agxJFi97rZKwzgd1fPWHxySLZBxss-165Q"
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	jsonBody := func(kv ...string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		b, _ := json.Marshal(m)
		return string(b)
	}

	tests := []struct {
		name   string
		golden string
		req    func() request
	}{
		{"web app JSON (fuel-auth)", "app-token", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.web.ClientID, "client_secret", e.webSecret,
				"grant_type", "authorization_code", "code", e.code(t, e.web, ""), "redirect_uri", appRedirect)}
		}},
		{"web app form with Basic and PKCE (x/oauth2)", "app-token", func() request {
			return request{path: "/v2/token", contentType: formCT, basic: []string{e.web.ClientID, e.webSecret},
				body: form("grant_type", "authorization_code", "code", e.code(t, e.web, challenge), "redirect_uri", appRedirect, "code_verifier", verifier)}
		}},
		{"public app form, Basic with an empty password (x/oauth2)", "app-token", func() request {
			return request{path: "/v2/token", contentType: formCT, basic: []string{e.public.ClientID, ""},
				body: form("grant_type", "authorization_code", "code", e.code(t, e.public, challenge), "redirect_uri", appRedirect, "code_verifier", verifier)}
		}},
		{"public app JSON without client_secret (fuel-auth)", "app-token", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.public.ClientID,
				"grant_type", "authorization_code", "code", e.code(t, e.public, ""), "redirect_uri", appRedirect, "account_id", itoa(e.Enterprise.MID))}
		}},
		{"wrong redirect_uri", "invalid-grant", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.web.ClientID, "client_secret", e.webSecret,
				"grant_type", "authorization_code", "code", e.code(t, e.web, ""), "redirect_uri", appRedirect+"?x")}
		}},
		{"missing code_verifier", "invalid-grant", func() request {
			return request{path: "/v2/token", contentType: formCT, basic: []string{e.public.ClientID, ""},
				body: form("grant_type", "authorization_code", "code", e.code(t, e.public, challenge), "redirect_uri", appRedirect)}
		}},
		{"unknown refresh token", "invalid-grant", func() request {
			return request{path: "/v2/token", contentType: formCT, basic: []string{e.web.ClientID, e.webSecret},
				body: form("grant_type", "refresh_token", "refresh_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}
		}},
		{"missing code", "invalid-request-missing-code", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.web.ClientID, "client_secret", e.webSecret,
				"grant_type", "authorization_code", "redirect_uri", appRedirect)}
		}},
		{"web app without its secret", "invalid-client", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.web.ClientID,
				"grant_type", "authorization_code", "code", e.code(t, e.web, ""), "redirect_uri", appRedirect)}
		}},
		{"web app asking for client_credentials", "unauthorized-client-web-app", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.web.ClientID, "client_secret", e.webSecret,
				"grant_type", "client_credentials")}
		}},
		{"public app asking for client_credentials", "invalid-client", func() request {
			return request{path: "/v2/token", contentType: jsonCT, body: jsonBody("client_id", e.public.ClientID, "grant_type", "client_credentials")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.Check(t, tt.golden, e.renderApp(t, e.do(t, tt.req())))
		})
	}
}

// TestRefreshOverHTTP rotates a refresh token twice over HTTP, then shows
// that presenting a retired one ends the family, and that userinfo
// describes the user behind an app's token.
func TestRefreshOverHTTP(t *testing.T) {
	e := newAppEnv(t)
	post := func(body string) (reply, map[string]any) {
		t.Helper()
		rep := e.do(t, request{path: "/v2/token", contentType: formCT, basic: []string{e.web.ClientID, e.webSecret}, body: body})
		var m map[string]any
		json.Unmarshal(rep.body, &m)
		return rep, m
	}
	rep, first := post("grant_type=authorization_code&redirect_uri=" + url.QueryEscape(appRedirect) + "&code=" + e.code(t, e.web, ""))
	if rep.status != http.StatusOK {
		t.Fatalf("exchange: %d %s", rep.status, rep.body)
	}
	rep, second := post("grant_type=refresh_token&refresh_token=" + first["refresh_token"].(string))
	if rep.status != http.StatusOK || second["refresh_token"] == first["refresh_token"] {
		t.Fatalf("refresh: %d %s", rep.status, rep.body)
	}
	golden.Check(t, "app-token", e.renderApp(t, rep))

	info := e.do(t, request{method: http.MethodGet, path: "/v2/userinfo", header: map[string]string{"Authorization": "Bearer " + second["access_token"].(string)}})
	golden.Check(t, "userinfo-app", e.renderApp(t, info))

	rep, _ = post("grant_type=refresh_token&refresh_token=" + first["refresh_token"].(string))
	golden.Check(t, "invalid-grant", e.renderApp(t, rep))
	rep, _ = post("grant_type=refresh_token&refresh_token=" + second["refresh_token"].(string))
	if rep.status != http.StatusBadRequest {
		t.Errorf("the newest refresh token after a retired one was presented: %d %s, want 400 invalid_grant", rep.status, rep.body)
	}
	info = e.do(t, request{method: http.MethodGet, path: "/v2/userinfo", header: map[string]string{"Authorization": "Bearer " + second["access_token"].(string)}})
	golden.Check(t, "bearer-unauthorized", e.renderApp(t, info))
}
