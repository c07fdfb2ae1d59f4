package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// FuzzAuthorize sends arbitrary query strings to GET /v2/authorize. No
// input gives a 5xx, and a redirect only ever goes to a redirect URI the
// app registered (RFC 6749 §4.1.2.1): an unknown client or an unregistered
// redirect URI gets a page. CLIENT_ID in the input is replaced by a web
// app's client ID, so that the redirect paths are reached.
func FuzzAuthorize(f *testing.F) {
	e := fgtest.New(f)
	const registered = "https://app.example.com/cb?tenant=1"
	pkg, _, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID, Name: "Fuzz App",
		Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{registered}, Scopes: []string{"users_read"}})
	if err != nil {
		f.Fatal(err)
	}
	ok := url.Values{"response_type": {"code"}, "client_id": {"CLIENT_ID"}, "redirect_uri": {registered}, "state": {"s"}}
	for _, seed := range []string{
		ok.Encode(),
		ok.Encode() + "&response_type=token",
		strings.Replace(ok.Encode(), "response_type=code", "response_type=token", 1),
		ok.Encode() + "&scope=email_read",
		ok.Encode() + "&code_challenge=abc&code_challenge_method=plain",
		"client_id=CLIENT_ID&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
		"client_id=CLIENT_ID&redirect_uri=https%3A%2F%2Fevil.example.com%2F&response_type=token",
		"client_id=%ff&redirect_uri=%zz",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		query = strings.ReplaceAll(query, "CLIENT_ID", pkg.ClientID)
		r := httptest.NewRequest(http.MethodGet, "/v2/authorize", nil)
		r.URL.RawQuery = query
		w := httptest.NewRecorder()
		e.Server.Handler.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q", w.Code, query)
		}
		if loc := w.Header().Get("Location"); w.Code == http.StatusFound && !strings.HasPrefix(loc, registered+"&") {
			t.Fatalf("redirect to %q for %q: not the registered redirect URI", loc, query)
		}
		if w.Code != http.StatusFound && w.Header().Get("X-Frame-Options") != "DENY" {
			t.Fatalf("a page without X-Frame-Options for %q", query)
		}
	})
}
