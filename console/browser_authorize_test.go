package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// TestBrowserAuthorize drives a web app's authorization in headless
// chromium: the app's link opens the sign-in page, the user signs in and
// chooses a business unit, and the browser lands on the app's redirect URI
// (a real listener) with a code and the state, which the app trades for
// tokens. The user then finds the app on their apps page and revokes it.
func TestBrowserAuthorize(t *testing.T) {
	ctx := newChrome(t)
	e := newEnv(t)
	shots := newScreenshots(t)

	// The app: a listener on a loopback port that records its callbacks.
	var mu sync.Mutex
	var landed []url.Values
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" { // the browser also asks for /favicon.ico
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		landed = append(landed, r.URL.Query())
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>Callback</title><p id="landed">The app got the callback.</p>`))
	}))
	t.Cleanup(app.Close)
	redirectURI := app.URL + "/callback"
	pkg, secret, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID,
		Name: "Campaign Planner", Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{redirectURI},
		MIDs: []int64{e.Child.MID}, Scopes: []string{"accounts_read", "users_read", "offline"}})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"response_type": {"code"}, "client_id": {pkg.ClientID}, "redirect_uri": {redirectURI},
		"scope": {"accounts_read users_read"}, "state": {"from-chromium"}}

	run(t, ctx, "authorization page",
		chromedp.Navigate(e.URL+"/v2/authorize?"+q.Encode()),
		chromedp.WaitVisible(chromedp.ID("#username")),
		shots.take("authorize-signin"),
		chromedp.SendKeys(chromedp.ID("#username"), "admin"),
		chromedp.SendKeys(chromedp.ID("#password"), fgtest.Password),
		chromedp.Click(chromedp.CSS("main button.primary")),
		chromedp.WaitVisible(chromedp.ID("#bu-"+itoa(e.Child.MID))),
		shots.take("authorize-business-unit"),
		chromedp.Click(chromedp.ID("#bu-"+itoa(e.Child.MID))),
		chromedp.Click(chromedp.ID("#allow")),
		chromedp.WaitVisible(chromedp.ID("#landed")),
	)
	loc := read(t, ctx, "location", chromedp.Location())
	if !strings.HasPrefix(loc, redirectURI+"?") {
		t.Fatalf("landed at %s, want the redirect URI", loc)
	}
	mu.Lock()
	got := landed
	mu.Unlock()
	if len(got) != 1 || got[0].Get("state") != "from-chromium" || got[0].Get("code") == "" {
		t.Fatalf("the app's callbacks: %v, want one with a code and the state", got)
	}
	tok := e.exchange(t, pkg.ClientID, secret, got[0].Get("code"), redirectURI)
	info := bearerJSON(t, e, "/v2/userinfo", tok["access_token"].(string))
	if org := info["organization"].(map[string]any); org["member_id"] != float64(e.Child.MID) {
		t.Errorf("the token acts in %v, want the chosen BU %d", org["member_id"], e.Child.MID)
	}

	// The sign-in started a console session: the user's apps page lists the
	// app, and revoking it ends the app's tokens.
	run(t, ctx, "apps page",
		chromedp.Navigate(e.URL+"/console/apps"),
		chromedp.WaitVisible(chromedp.ID("#app-grants")),
		shots.take("apps"),
		chromedp.Click(chromedp.CSS("#app-grants button.danger")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if got := bearerStatus(t, e, tok["access_token"].(string)); got != http.StatusUnauthorized {
		t.Errorf("the app's token after revocation in the browser: %d, want 401", got)
	}

	// The package page shows the type and the redirect URI.
	run(t, ctx, "package page",
		chromedp.Navigate(e.URL+"/console/packages/"+pkg.ClientID),
		chromedp.WaitVisible(chromedp.ID("#redirect-uris")),
		shots.take("package-web-app"),
	)
	if typ := read(t, ctx, "integration type", chromedp.Text(chromedp.ID("#integration-type"))); typ != "Web App" {
		t.Errorf("integration type on the package page: %q", typ)
	}
}
