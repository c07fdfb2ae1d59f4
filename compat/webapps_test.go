package compat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

var fuelAuthAppChecks = []string{
	"fuel-auth web app: authorization_code gives an access token and a refresh token",
	"fuel-auth web app: the token works in fueloauth",
	"fuel-auth web app: refresh_token rotates the refresh token",
	"fuel-auth public app: no client_secret, authorization_code then refresh_token",
	"fuel-auth: a retired refresh token is refused (invalid_grant) and ends the authorization",
	"fuel-auth: a code used twice is refused (invalid_grant)",
}

// appRedirect is the redirect URI of the apps: never contacted, the test
// reads the redirect.
const appRedirect = "http://127.0.0.1:9/callback"

// TestFuelAuthWebAndPublicApps runs fuel_auth_apps.js (npm fuel-auth 3.x in
// its web and public app modes). The CLI provisions a user, a web app and
// a public app on the running server; the test signs the user in on the
// authorization pages over HTTP to get each app a code.
func TestFuelAuthWebAndPublicApps(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		fgtest.Missing(t, "node is not installed; install Node.js, then run `cd compat && npm ci`")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "fuel-auth", "package.json")); err != nil {
		fgtest.Missing(t, "compat/node_modules/fuel-auth is missing; run `cd compat && npm ci`")
	}
	s := startServer(t)
	mid := s.vars["FUELGATE_MID"]
	must := func(v map[string]any, err error) map[string]any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	must(s.cli(nil, "role", "create", "--mid", mid, "--name", "Compat Apps", "--permission", "administration.business_units.view"))
	must(s.cli([]string{"FUELGATE_PASSWORD=" + apiPassword}, "user", "create", "--mid", mid, "--username", "compat_web",
		"--name", "Compat Web User", "--email", "compat_web@example.com", "--role", "Compat Apps"))
	web := must(s.cli(nil, "package", "create", "--mid", mid, "--name", "Compat Web App", "--type", "web",
		"--redirect-uri", appRedirect, "--scopes", "accounts_read offline"))
	public := must(s.cli(nil, "package", "create", "--mid", mid, "--name", "Compat Public App", "--type", "public",
		"--redirect-uri", appRedirect, "--scopes", "accounts_read offline"))
	if _, ok := public["client_secret"]; ok || web["client_secret"] == nil {
		t.Fatalf("package create: web %v, public %v; want a secret for the web app only", web, public)
	}
	code := func(clientID string) string {
		t.Helper()
		u := s.base + "/v2/authorize?response_type=code&client_id=" + clientID + "&redirect_uri=" + appRedirect + "&state=compat"
		back := fgtest.NewBrowser(t, s.base).Authorize(u, "compat_web", apiPassword, 0)
		if back.Query().Get("code") == "" || !strings.HasPrefix(back.String(), appRedirect) {
			t.Fatalf("authorization of %s: back at %s, want a code", clientID, back)
		}
		return back.Query().Get("code")
	}
	vars := map[string]string{
		"FUELGATE_APP_MID": mid, "FUELGATE_REDIRECT_URI": appRedirect,
		"FUELGATE_WEB_CLIENT_ID": jsonString(web, "client_id"), "FUELGATE_WEB_CLIENT_SECRET": jsonString(web, "client_secret"),
		"FUELGATE_WEB_CODE":         code(jsonString(web, "client_id")),
		"FUELGATE_PUBLIC_CLIENT_ID": jsonString(public, "client_id"), "FUELGATE_PUBLIC_CODE": code(jsonString(public, "client_id")),
	}
	ws := *s // the scripts of other tests share s: this one gets its own variables
	ws.vars = map[string]string{}
	for k, v := range s.vars {
		ws.vars[k] = v
	}
	for k, v := range vars {
		ws.vars[k] = v
	}
	runScript(t, &ws, fuelAuthAppChecks, node, "fuel_auth_apps.js")
}
