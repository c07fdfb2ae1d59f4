package console_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

var ctx = context.Background()

const appCallback = "http://127.0.0.1:8765/cb"

// webApp creates a web app whose tokens may also act in mids.
func (e *env) webApp(t *testing.T, mids ...int64) (*fuelgate.Package, string) {
	t.Helper()
	p, sec, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID, Name: "Console Web App",
		Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{appCallback, "https://app.example.com/cb?tenant=7"},
		MIDs: mids, Scopes: []string{"users_read", "accounts_read"}})
	if err != nil {
		t.Fatal(err)
	}
	return p, sec
}

func authorizeQuery(clientID, redirectURI string, extra ...string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI}, "state": {"st-1"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/v2/authorize?" + q.Encode()
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// hiddenFields returns the hidden fields of a page (the last value of each name).
func hiddenFields(p *page) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(p.body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// backAt parses a redirect back to the app and checks it goes to redirectURI.
func backAt(t *testing.T, p *page, redirectURI string) url.Values {
	t.Helper()
	if p.status != http.StatusFound || !strings.HasPrefix(p.location(), redirectURI) {
		t.Fatalf("got %d to %q, want 302 to %s\n%s", p.status, p.location(), redirectURI, p.body)
	}
	u, err := url.Parse(p.location())
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// exchange trades a code at /v2/token and returns the answer.
func (e *env) exchange(t *testing.T, clientID, secret, code, redirectURI string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "client_id": clientID,
		"client_secret": secret, "code": code, "redirect_uri": redirectURI})
	resp, err := http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("exchange: %d %v %v", resp.StatusCode, m, err)
	}
	resp.Body.Close()
	return m
}

func TestAuthorizeRefusedWithoutRedirect(t *testing.T) {
	e := newEnv(t)
	pkg, _ := e.webApp(t)
	b := e.browser(t)
	tests := []struct {
		name, path string
	}{
		{"unknown client", authorizeQuery("nosuchclient000000000000", appCallback)},
		{"server-to-server package", authorizeQuery(e.ClientID, appCallback)},
		{"unregistered redirect URI", authorizeQuery(pkg.ClientID, "https://evil.example.com/cb")},
		{"no redirect URI", "/v2/authorize?response_type=code&client_id=" + pkg.ClientID},
		{"redirect URI twice", authorizeQuery(pkg.ClientID, appCallback) + "&redirect_uri=" + url.QueryEscape("https://evil.example.com/cb")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.get(tt.path)
			if p.status != http.StatusBadRequest || p.location() != "" || strings.Contains(p.body, "evil.example.com") {
				t.Fatalf("got %d, Location %q; want a 400 page and no redirect\n%s", p.status, p.location(), p.body)
			}
		})
	}
}

func TestAuthorizeErrorsGoBackToTheApp(t *testing.T) {
	e := newEnv(t)
	pkg, _ := e.webApp(t)
	b := e.browser(t)
	tests := []struct {
		name, path, want string
	}{
		{"response_type token", authorizeQuery(pkg.ClientID, appCallback, "response_type", "token"), "unsupported_response_type"},
		{"scope not granted", authorizeQuery(pkg.ClientID, appCallback, "scope", "email_send"), "invalid_scope"},
		{"plain PKCE", authorizeQuery(pkg.ClientID, appCallback, "code_challenge", strings.Repeat("a", 43), "code_challenge_method", "plain"), "invalid_request"},
		{"state twice", authorizeQuery(pkg.ClientID, appCallback) + "&state=again", "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := backAt(t, b.get(tt.path), appCallback)
			if q.Get("error") != tt.want || q.Get("error_description") == "" || q.Get("code") != "" {
				t.Fatalf("got %v, want error %s", q, tt.want)
			}
			if tt.name != "state twice" && q.Get("state") != "st-1" {
				t.Errorf("state %q, want st-1", q.Get("state"))
			}
		})
	}
	// The redirect URI's own query is kept.
	q := backAt(t, b.get(authorizeQuery(pkg.ClientID, "https://app.example.com/cb?tenant=7", "response_type", "token")), "https://app.example.com/cb?tenant=7&")
	if q.Get("tenant") != "7" || q.Get("error") != "unsupported_response_type" {
		t.Errorf("got %v", q)
	}
}

// TestAuthorizeOneBU: when the app may act in one BU of the user's, signing
// in sends the browser straight back with a code.
func TestAuthorizeOneBU(t *testing.T) {
	e := newEnv(t)
	pkg, sec := e.webApp(t) // the enterprise only
	b := e.browser(t)
	form := b.get(authorizeQuery(pkg.ClientID, appCallback))
	if form.status != http.StatusOK {
		t.Fatalf("authorize page: %d\n%s", form.status, form.body)
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if got := form.header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := form.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1:8765;") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q: want form-action to allow the redirect URI's origin and no framing", csp)
	}
	if !strings.Contains(form.body, "Console Web App") || !strings.Contains(form.body, `action="/console/authorize"`) {
		t.Errorf("the page does not name the app or post to /console/authorize:\n%s", form.body)
	}
	fields := hiddenFields(form)

	// A form token from elsewhere is refused; a wrong password re-renders.
	bad := url.Values{}
	for k, v := range fields {
		bad[k] = v
	}
	bad.Set("csrf", "forged")
	bad.Set("username", "admin")
	bad.Set("password", "x")
	if p := b.post("/console/authorize", bad); p.status != http.StatusForbidden {
		t.Errorf("forged form token: got %d, want 403", p.status)
	}
	form = b.get(authorizeQuery(pkg.ClientID, appCallback))
	fields = hiddenFields(form)
	fields.Set("username", "admin")
	fields.Set("password", "wrong-password")
	p := b.post("/console/authorize", fields)
	if p.status != http.StatusUnauthorized || errorParagraph(t, p) == "" || p.location() != "" {
		t.Fatalf("wrong password: got %d to %q, want 401 with an error", p.status, p.location())
	}

	// The viewer reaches only the enterprise, which the app reaches too.
	fields = hiddenFields(p)
	fields.Set("username", "viewer")
	fields.Set("password", fgtest.Password)
	q := backAt(t, b.post("/console/authorize", fields), appCallback)
	if q.Get("state") != "st-1" || q.Get("code") == "" {
		t.Fatalf("got %v, want a code and the state", q)
	}
	tok := e.exchange(t, pkg.ClientID, sec, q.Get("code"), appCallback)
	if tok["refresh_token"] == "" || tok["scope"] != "accounts_read users_read" {
		t.Errorf("token answer %v", tok)
	}
	// The sign-in started a console session.
	if p := b.get("/console/apps"); p.status != http.StatusOK || !strings.Contains(p.body, "Console Web App") {
		t.Errorf("the viewer's apps page: %d, want the app listed\n%s", p.status, p.body)
	}
}

// TestAuthorizeChooseBU: with several BUs, the user chooses one; a forged
// choice or a denial goes back as access_denied.
func TestAuthorizeChooseBU(t *testing.T) {
	e := newEnv(t)
	pkg, sec := e.webApp(t, e.Child.MID)
	b := e.browser(t)
	fields := hiddenFields(b.get(authorizeQuery(pkg.ClientID, appCallback, "scope", "users_read")))
	fields.Set("username", "admin")
	fields.Set("password", fgtest.Password)
	choose := b.post("/console/authorize", fields)
	if choose.status != http.StatusOK || !strings.Contains(choose.body, `name="mid" value="`+itoa(e.Child.MID)+`"`) ||
		strings.Contains(choose.body, `value="`+itoa(e.Grandchild.MID)+`"`) {
		t.Fatalf("BU page: %d, want the enterprise and child BUs (not the grandchild, which the app does not reach)\n%s", choose.status, choose.body)
	}
	if strings.Contains(choose.body, `<nav aria-label="Main">`) {
		t.Error("the BU page shows the console's navigation")
	}
	pick := func(mid int64, decision string) *page {
		f := hiddenFields(choose)
		f.Set("mid", itoa(mid))
		f.Set("decision", decision)
		return b.post("/console/authorize/business-unit", f)
	}
	if q := backAt(t, pick(e.Grandchild.MID, "allow"), appCallback); q.Get("error") != "access_denied" {
		t.Errorf("a forged BU: got %v, want access_denied", q)
	}
	if q := backAt(t, pick(e.Child.MID, "deny"), appCallback); q.Get("error") != "access_denied" || q.Get("state") != "st-1" {
		t.Errorf("deny: got %v, want access_denied with the state", q)
	}
	q := backAt(t, pick(e.Child.MID, "allow"), appCallback)
	tok := e.exchange(t, pkg.ClientID, sec, q.Get("code"), appCallback)
	if tok["scope"] != "users_read" {
		t.Errorf("scope %v", tok["scope"])
	}
	info := bearerJSON(t, e, "/v2/userinfo", tok["access_token"].(string))
	if org := info["organization"].(map[string]any); org["member_id"] != float64(e.Child.MID) {
		t.Errorf("userinfo organization %v, want member_id %d", org, e.Child.MID)
	}

	// Without the session's form token, or without a session, nothing is issued.
	f := hiddenFields(choose)
	f.Set("csrf", "forged")
	f.Set("mid", itoa(e.Child.MID))
	if p := b.post("/console/authorize/business-unit", f); p.status != http.StatusForbidden {
		t.Errorf("forged session token: got %d, want 403", p.status)
	}
	if p := e.browser(t).post("/console/authorize/business-unit", hiddenFields(choose)); p.status != http.StatusSeeOther ||
		!strings.HasPrefix(p.location(), "/console/signin") {
		t.Errorf("no session: got %d to %q, want the sign-in page", p.status, p.location())
	}
}

// TestAppGrantsInTheConsole: the user sees and revokes their own grants; an
// administrator sees and revokes them on the user's page.
func TestAppGrantsInTheConsole(t *testing.T) {
	e := newEnv(t)
	pkg, sec := e.webApp(t)
	grant := func(b *browser) map[string]any {
		fields := hiddenFields(b.get(authorizeQuery(pkg.ClientID, appCallback)))
		fields.Set("username", "viewer")
		fields.Set("password", fgtest.Password)
		return e.exchange(t, pkg.ClientID, sec, backAt(t, b.post("/console/authorize", fields), appCallback).Get("code"), appCallback)
	}
	vb := e.browser(t)
	first, second := grant(vb), grant(vb)
	apps := vb.get("/console/apps")
	if n := strings.Count(apps.body, `name="family"`); n != 2 {
		t.Fatalf("apps page lists %d grants, want 2\n%s", n, apps.body)
	}
	f := hiddenFields(apps) // the first grant's form: most recently used first
	if p := vb.post("/console/apps/revoke", url.Values{"csrf": {f.Get("csrf")}, "family": {familyOf(t, apps, 0)}}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", p.status, p.body)
	}
	if got := bearerStatus(t, e, second["access_token"].(string)); got != http.StatusUnauthorized {
		t.Errorf("the revoked grant's token: %d, want 401", got)
	}
	if got := bearerStatus(t, e, first["access_token"].(string)); got != http.StatusOK {
		t.Errorf("the other grant's token: %d, want 200", got)
	}

	// The administrator revokes the other one from the viewer's page.
	ab := e.browser(t).mustSignIn("admin")
	userPage := ab.get("/console/users/" + itoa(e.viewer.ID))
	if !strings.Contains(userPage.body, "Authorized apps") || strings.Count(userPage.body, `name="family"`) != 1 {
		t.Fatalf("the viewer's page does not list the remaining grant\n%s", userPage.body)
	}
	p := ab.post("/console/users/"+itoa(e.viewer.ID)+"/apps/revoke", url.Values{"csrf": {ab.csrf()}, "family": {familyOf(t, userPage, 0)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("admin revoke: %d\n%s", p.status, p.body)
	}
	if got := bearerStatus(t, e, first["access_token"].(string)); got != http.StatusUnauthorized {
		t.Errorf("after the admin's revocation: %d, want 401", got)
	}
	// The viewer may not revoke the admin's grants (nor see them).
	if p := vb.post("/console/users/"+itoa(e.admin.ID)+"/apps/revoke", url.Values{"csrf": {f.Get("csrf")}, "family": {"x"}}); p.status != http.StatusForbidden {
		t.Errorf("the viewer revoking the admin's grants: %d, want 403", p.status)
	}
}

var familyRE = regexp.MustCompile(`name="family" value="([^"]+)"`)

func familyOf(t *testing.T, p *page, i int) string {
	t.Helper()
	m := familyRE.FindAllStringSubmatch(p.body, -1)
	if len(m) <= i {
		t.Fatalf("no grant %d on the page", i)
	}
	return m[i][1]
}

func bearerStatus(t *testing.T, e *env, tok string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/v2/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func bearerJSON(t *testing.T, e *env, path, tok string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
	return m
}

// TestCreateWebAppInTheConsole creates a public app through the form and
// finds its type and redirect URIs on its page, and no secret.
func TestCreateWebAppInTheConsole(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	form := b.get("/console/packages/new")
	p := b.post("/console/packages", url.Values{"csrf": {b.field(form, csrfRE)}, "once": {b.field(form, onceRE)},
		"name": {"Console Public App"}, "mid": {itoa(e.Enterprise.MID)}, "scopes": {"users_read"}, "type": {"public-app"},
		"redirect_uris": {appCallback + "\nhttps://app.example.com/cb"}, "require_pkce": {"1"}})
	if p.status != http.StatusCreated {
		t.Fatalf("create: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{"Public App", appCallback, "https://app.example.com/cb", "required", "/v2/authorize?"} {
		if !strings.Contains(p.body, html.EscapeString(want)) {
			t.Errorf("the package page lacks %q", want)
		}
	}
	if strings.Contains(p.body, `id="client-secret"`) || strings.Contains(p.body, "rotate") {
		t.Error("a public app's page shows a secret or secret rotation")
	}
	form = b.get("/console/packages/new")
	p = b.post("/console/packages", url.Values{"csrf": {b.field(form, csrfRE)}, "once": {b.field(form, onceRE)},
		"name": {"Bad"}, "mid": {itoa(e.Enterprise.MID)}, "type": {"web-app"}, "redirect_uris": {"http://app.example.com/cb"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="redirect_uris-error"`) {
		t.Errorf("http redirect URI on a public host: %d, want 400 with the error at the field\n%s", p.status, p.body)
	}
}
