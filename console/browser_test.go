package console_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soap"
)

// chromium is where Debian's chromium package puts the browser.
const chromium = "/usr/bin/chromium"

// newChrome starts a headless chromium for t, or skips the test without one
// (outside CI) — under CI=true a missing browser fails the test.
func newChrome(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		fgtest.Missing(t, "browser tests need chromium at "+chromium+": apt-get install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), // screenshots as wide as the layout
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx); err != nil { // the first run starts the browser; no timeout on it
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 75*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// screenshots writes full-page PNGs: to docs/console/ when
// FUELGATE_UPDATE_SCREENSHOTS=1, else to a temporary directory.
type screenshots struct {
	t   *testing.T
	dir string
}

func newScreenshots(t *testing.T) *screenshots {
	dir := t.TempDir()
	if os.Getenv("FUELGATE_UPDATE_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "docs", "console")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &screenshots{t: t, dir: dir}
}

func (s *screenshots) take(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644)
	})
}

// run runs actions and fails the test with the step's name on error.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// read runs one action that returns a value.
func read[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// fetchStatus POSTs a form from the page with fetch() and returns the status.
func fetchStatus(t *testing.T, ctx context.Context, path, params string) int {
	t.Helper()
	js := `fetch(` + jsString(path) + `, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: ` +
		params + `, redirect: "manual"}).then(r => r.status)`
	return read(t, ctx, "fetch "+path, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func signInBrowser(t *testing.T, ctx context.Context, base, username string, shots *screenshots) {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/console/"),
		chromedp.WaitVisible(chromedp.ID("#username")),
	}
	if shots != nil {
		actions = append(actions, shots.take("signin"))
	}
	actions = append(actions,
		chromedp.SendKeys(chromedp.ID("#username"), username),
		chromedp.SendKeys(chromedp.ID("#password"), fgtest.Password),
		chromedp.Click(chromedp.CSS("main button.primary")),
		chromedp.WaitVisible(chromedp.CSS("form.signout")),
	)
	run(t, ctx, "sign in as "+username, actions...)
}

// TestBrowser drives the console in headless chromium through the whole
// story: sign in, create a package and read its secret once, use it with
// /v2/token, create a role with the WebServices API permission and an API
// user holding it, turn on username/password API logins and see a
// UsernameToken SOAP call succeed; then a viewer, who cannot create packages,
// neither sees the action nor gets a forged POST through.
func TestBrowser(t *testing.T) {
	ctx := newChrome(t)
	e := newEnv(t)
	shots := newScreenshots(t)
	base := e.URL

	signInBrowser(t, ctx, base, "admin", shots)
	run(t, ctx, "overview", chromedp.WaitVisible(chromedp.CSS(".charts")))

	// Installed package: the secret is shown once.
	var secret, clientID string
	run(t, ctx, "create package",
		chromedp.Navigate(base+"/console/packages"),
		chromedp.Click(chromedp.ID("#new-package")),
		chromedp.WaitVisible(chromedp.ID("#name")),
		chromedp.SendKeys(chromedp.ID("#name"), "Browser Package"),
		chromedp.SendKeys(chromedp.ID("#description"), "made by the browser test"),
		chromedp.Click(chromedp.ID("#scope-email_read")),
		chromedp.Click(chromedp.ID("#scope-email_send")),
		chromedp.Click(chromedp.ID("#scope-data_extensions_read")),
		chromedp.Click(chromedp.CSS(`input[name="mids"][value="`+itoa(e.Child.MID)+`"]`)),
		shots.take("package-new"),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.ID("#client-secret")),
		shots.take("package-secret"),
	)
	secret = read(t, ctx, "read secret", chromedp.Value(chromedp.ID("#client-secret")))
	clientID = read(t, ctx, "read client ID", chromedp.Text(chromedp.ID("#client-id")))
	if len(secret) < 40 || clientID == "" {
		t.Fatalf("secret %d chars, client ID %q", len(secret), clientID)
	}
	// Reloading the page re-posts the form: the server recognises the used
	// form and redirects to the package page, which never shows the secret.
	run(t, ctx, "reload package page",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("#client-id")),
		shots.take("package"),
	)
	html := read(t, ctx, "package page HTML", chromedp.OuterHTML(chromedp.CSS("html")))
	if loc := read(t, ctx, "location", chromedp.Location()); loc != base+"/console/packages/"+clientID {
		t.Errorf("after reload: at %s, want the package page", loc)
	}
	if strings.Contains(html, secret) {
		t.Fatal("the package page shows the secret again")
	}
	if !strings.Contains(html, base+"/Service.asmx") || !strings.Contains(html, "/v2/token") {
		t.Error("the package page lacks the SOAP base URL or the curl line")
	}
	if tok := postToken(t, base, clientID, secret); tok == "" {
		t.Fatal("the secret read from the page does not get a token from /v2/token")
	}

	// A role with the WebServices API permission and an API user holding it.
	run(t, ctx, "create role",
		chromedp.Navigate(base+"/console/roles/new"),
		chromedp.WaitVisible(chromedp.ID("#name")),
		chromedp.SendKeys(chromedp.ID("#name"), "SOAP API"),
		chromedp.SendKeys(chromedp.ID("#description"), "Username/password SOAP calls"),
		chromedp.Click(chromedp.CSS(`input[name="perms"][value="`+fuelgate.PermWebServicesAPI+`"]`)),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
		chromedp.Navigate(base+"/console/roles"),
		chromedp.WaitVisible(chromedp.CSS(".role")),
		shots.take("roles"),
	)
	const apiPassword = "browser-Passw0rd!"
	run(t, ctx, "create API user",
		chromedp.Navigate(base+"/console/users/new"),
		chromedp.WaitVisible(chromedp.ID("#username")),
		chromedp.SendKeys(chromedp.ID("#username"), "soap_user"),
		chromedp.SendKeys(chromedp.ID("#name"), "SOAP User"),
		chromedp.SendKeys(chromedp.ID("#email"), "soap@example.com"),
		chromedp.SendKeys(chromedp.ID("#password"), apiPassword),
		chromedp.Click(chromedp.ID("#api_user")),
		chromedp.Click(`//label[normalize-space()="SOAP API"]`),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
		shots.take("user"),
		chromedp.Navigate(base+"/console/users"),
		chromedp.WaitVisible(chromedp.CSS("table")),
		shots.take("users"),
	)
	if code := soapLogin(t, base, "soap_user", apiPassword); code != http.StatusInternalServerError {
		t.Fatalf("UsernameToken call with the setting off: got %d, want 500 (Login Failed)", code)
	}

	// Security Settings: turn username/password API logins on.
	run(t, ctx, "security settings",
		chromedp.Navigate(base+"/console/settings"),
		chromedp.WaitVisible(chromedp.ID("#api_password_login")),
		chromedp.Click(chromedp.ID("#api_password_login")),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
		shots.take("settings"),
	)
	if code := soapLogin(t, base, "soap_user", apiPassword); code != http.StatusOK {
		t.Fatalf("UsernameToken SOAP call: got %d, want 200", code)
	}

	run(t, ctx, "other pages",
		chromedp.Navigate(base+"/console/business-units"),
		chromedp.WaitVisible(chromedp.CSS(".tree")),
		shots.take("business-units"),
		chromedp.Navigate(base+"/console/audit"),
		chromedp.WaitVisible(chromedp.CSS("table")),
		shots.take("audit"),
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(".charts")),
		shots.take("overview"),
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(base+"/console/packages/"+clientID),
		chromedp.WaitVisible(chromedp.ID("#client-id")),
		shots.take("phone-package"),
		chromedp.EmulateViewport(1280, 900),
	)

	// A form posted without its CSRF token is refused.
	if got := fetchStatus(t, ctx, "/console/settings", `new URLSearchParams({lockout_threshold: "3", lockout_duration: "1m", token_lifetime: "1m", permission_model: "legacy"})`); got != http.StatusForbidden {
		t.Errorf("POST without a CSRF token: got %d, want 403", got)
	}

	// A viewer: no New package action, and a forged POST is refused.
	run(t, ctx, "sign out", chromedp.Click(chromedp.CSS(chromedp.ID("form.signout button"))), chromedp.WaitVisible("#username"))
	signInBrowser(t, ctx, base, "viewer", nil)
	run(t, ctx, "viewer's packages",
		chromedp.Navigate(base+"/console/packages"),
		chromedp.WaitVisible(chromedp.CSS("table")),
		shots.take("viewer-packages"),
	)
	absent := read(t, ctx, "look for New package", chromedp.Evaluate[bool](
		`document.querySelector("#new-package") === null && document.querySelector("a[href='/console/packages/new']") === null`))
	if !absent {
		t.Error("a user without Installed Package | Administer sees the New package action")
	}
	forged := `new URLSearchParams({csrf: document.querySelector("input[name=csrf]").value, name: "Forged", mid: "` +
		itoa(e.Enterprise.MID) + `", scopes: "email_read"})`
	if got := fetchStatus(t, ctx, "/console/packages", forged); got != http.StatusForbidden {
		t.Errorf("viewer's forged package POST with a valid CSRF token: got %d, want 403", got)
	}
	run(t, ctx, "forbidden page",
		chromedp.Navigate(base+"/console/packages/new"),
		chromedp.WaitVisible(chromedp.CSS("p.error")),
		shots.take("forbidden"),
	)
	pkgs, err := e.Store.Packages(context.Background(), fuelgate.PackageFilter{})
	if err != nil || len(pkgs) != 2 {
		t.Fatalf("got %d packages (%v), want 2: the fixture's and the browser's", len(pkgs), err)
	}
}

// soapLogin POSTs a Retrieve authenticated by a PasswordText UsernameToken
// and returns the HTTP status.
func soapLogin(t *testing.T, base, username, password string) int {
	t.Helper()
	env := `<soap:Envelope xmlns:soap="` + soap.NSSoap11 + `"><soap:Header>` +
		`<wsse:Security xmlns:wsse="` + soap.NSWSSE + `"><wsse:UsernameToken>` +
		`<wsse:Username>` + username + `</wsse:Username><wsse:Password Type="` + soap.PasswordTextURI + `">` + password +
		`</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body>` +
		`<RetrieveRequestMsg xmlns="` + soap.NSPartner + `"><RetrieveRequest><ObjectType>BusinessUnit</ObjectType>` +
		`<Properties>ID</Properties><Properties>Name</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>`
	req, _ := http.NewRequest(http.MethodPost, base+"/Service.asmx", strings.NewReader(env))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "Retrieve")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
