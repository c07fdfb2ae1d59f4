package console_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/console"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

func TestPagesAndHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	pages := []struct {
		path string
		want string
	}{
		{"/console/", "Tokens issued"},
		{"/console/business-units", "Child BU"},
		{"/console/business-units/" + itoa(e.Child.MID), "Grandchild BU"},
		{"/console/users", "api_user"},
		{"/console/users?q=vic", "viewer"},
		{"/console/users/new", "Create user"},
		{"/console/users/" + itoa(e.APIUser.ID), "API User"},
		{"/console/roles", "Email | Admin | API Access | WebServices API"},
		{"/console/roles/new", "Installed Package | Administer"},
		{"/console/packages", "Test Package"},
		{"/console/packages/new", "data_extensions_read"},
		{"/console/packages/" + e.ClientID, e.URL + "/Service.asmx"},
		{"/console/settings", "Lockout duration"},
		{"/console/audit", "package.create"},
		{"/console/audit?action=user.&outcome=success", "user.create"},
	}
	for _, tt := range pages {
		p := b.get(tt.path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200\n%s", tt.path, p.status, p.body)
			continue
		}
		if !strings.Contains(p.body, tt.want) {
			t.Errorf("GET %s: page lacks %q", tt.path, tt.want)
		}
		for h, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
			"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
			if got := p.header.Get(h); got != want {
				t.Errorf("GET %s: %s = %q, want %q", tt.path, h, got, want)
			}
		}
		if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: Content-Security-Policy = %q", tt.path, csp)
		}
		if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
			t.Errorf("GET %s: inline script or style in page", tt.path)
		}
	}
	if p := b.get("/console/no-such-page"); p.status != http.StatusNotFound {
		t.Errorf("unknown page: got %d, want 404", p.status)
	}
	if p := b.get("/console/static/"); p.status != http.StatusNotFound {
		t.Errorf("static directory listing: got %d, want 404", p.status)
	}
	if p := b.get("/console/static/console.css"); p.status != http.StatusOK || !strings.Contains(p.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: got %d %q", p.status, p.header.Get("Content-Type"))
	}
}

func TestSignInRequired(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	p := b.get("/console/users?q=x")
	if p.status != http.StatusSeeOther || p.location() != "/console/signin?next=%2Fconsole%2Fusers%3Fq%3Dx" {
		t.Fatalf("got %d to %q, want 303 to the sign-in page", p.status, p.location())
	}
	form := b.get(p.location())
	if !strings.Contains(form.body, `name="next" value="/console/users?q=x"`) {
		t.Fatalf("sign-in form does not carry next:\n%s", form.body)
	}
	p = b.post("/console/signin", url.Values{"csrf": {b.field(form, csrfRE)}, "username": {"admin"},
		"password": {fgtest.Password}, "next": {"/console/users?q=x"}})
	if p.status != http.StatusSeeOther || p.location() != "/console/users?q=x" {
		t.Fatalf("got %d to %q, want 303 back to the page asked for", p.status, p.location())
	}
	cookie := p.header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/console/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q is Secure on plain HTTP", cookie)
	}
	// Sign-out ends the session.
	if p := b.post("/console/signout", url.Values{"csrf": {b.csrf()}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign-out: got %d", p.status)
	}
	if p := b.get("/console/"); p.status != http.StatusSeeOther {
		t.Fatalf("after sign-out: got %d, want 303 to sign-in", p.status)
	}
}

func TestSecureCookiesUnderTLS(t *testing.T) {
	e := &env{Env: fgtest.New(t, fgtest.Options{Configure: func(c *server.Config) { c.TLS = &tls.Config{} }})}
	e.CreateUser(manage.NewUser{Username: "admin", Roles: []string{"Administrator"}})
	b := e.browser(t)
	form := b.get("/console/signin")
	if c := form.header.Get("Set-Cookie"); !strings.Contains(c, "; Secure") {
		t.Errorf("sign-in form cookie under TLS: %q lacks Secure", c)
	}
	p := b.post("/console/signin", url.Values{"csrf": {b.field(form, csrfRE)}, "username": {"admin"}, "password": {fgtest.Password}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign-in: got %d", p.status)
	}
	for _, c := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "fuelgate_console=") && !strings.Contains(c, "; Secure") {
			t.Errorf("session cookie under TLS: %q lacks Secure", c)
		}
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	for range 3 { // activity keeps the session alive past 30 minutes in all
		e.Clock.Advance(29 * time.Minute)
		if p := b.get("/console/"); p.status != http.StatusOK {
			t.Fatalf("after 29 idle minutes: got %d, want 200", p.status)
		}
	}
	e.Clock.Advance(console.DefaultIdleTimeout)
	if p := b.get("/console/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/console/signin") {
		t.Fatalf("after 30 idle minutes: got %d to %q, want 303 to sign-in", p.status, p.location())
	}
	e.Clock.Advance(-console.DefaultIdleTimeout) // a session once expired stays gone
	if p := b.get("/console/"); p.status != http.StatusSeeOther {
		t.Fatalf("expired session came back: got %d", p.status)
	}
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	step := 25 * time.Minute
	elapsed := time.Duration(0)
	for elapsed+step < console.DefaultAbsoluteTimeout {
		e.Clock.Advance(step)
		elapsed += step
		if p := b.get("/console/"); p.status != http.StatusOK {
			t.Fatalf("after %v of activity: got %d, want 200", elapsed, p.status)
		}
	}
	e.Clock.Advance(step)
	if p := b.get("/console/"); p.status != http.StatusSeeOther {
		t.Fatalf("after %v: got %d, want 303 to sign-in", elapsed+step, p.status)
	}
}

func TestPasswordChangeEndsSession(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("viewer")
	pw := "another-Passw0rd"
	if _, err := e.Manage.UpdateUser(context.Background(), manage.Operator(), e.viewer.ID, manage.UserChange{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/console/"); p.status != http.StatusSeeOther {
		t.Fatalf("after a password change: got %d, want 303 to sign-in", p.status)
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	on := url.Values{"api_password_login": {"1"}, "lockout_threshold": {"6"}, "lockout_duration": {"15m"},
		"token_lifetime": {"20m"}, "permission_model": {"role-based"}}
	for name, token := range map[string]string{"missing": "", "wrong": strings.Repeat("A", 43)} {
		form := url.Values{}
		for k, v := range on {
			form[k] = v
		}
		if token != "" {
			form.Set("csrf", token)
		}
		p := b.post("/console/settings", form)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "could not be verified") {
			t.Errorf("%s CSRF token: got %d, want 403 page\n%s", name, p.status, p.body)
		}
	}
	st, err := e.Store.Settings(context.Background(), e.Enterprise.MID)
	if err != nil || st.APIPasswordLogin {
		t.Fatalf("settings changed by a refused form: %+v, %v", st, err)
	}
	on.Set("csrf", b.csrf())
	if p := b.post("/console/settings", on); p.status != http.StatusSeeOther {
		t.Fatalf("with the CSRF token: got %d, want 303\n%s", p.status, p.body)
	}
	// The sign-in form has its own token.
	other := e.browser(t)
	other.get("/console/signin")
	p := other.post("/console/signin", url.Values{"username": {"admin"}, "password": {fgtest.Password}})
	if p.status != http.StatusForbidden || strings.Contains(p.header.Get("Set-Cookie"), "fuelgate_console=") {
		t.Fatalf("sign-in without its token: got %d, want 403 and no session", p.status)
	}
}

func TestPermissionRefused(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("viewer")
	list := b.get("/console/packages")
	if list.status != http.StatusOK || !strings.Contains(list.body, "Test Package") {
		t.Fatalf("viewer's package list: got %d", list.status)
	}
	if strings.Contains(list.body, "/console/packages/new") {
		t.Errorf("viewer sees the New package action")
	}
	if p := b.get("/console/packages/" + e.ClientID); strings.Contains(p.body, "/rotate") || strings.Contains(p.body, "Disable package") {
		t.Errorf("viewer sees package actions")
	}
	if p := b.get("/console/packages/new"); p.status != http.StatusForbidden {
		t.Errorf("viewer opens the new-package form: got %d, want 403", p.status)
	}
	csrf := b.csrf()
	posts := []struct {
		path string
		form url.Values
	}{
		{"/console/packages", url.Values{"name": {"Forged"}, "mid": {itoa(e.Enterprise.MID)}, "scopes": {"email_read"}}},
		{"/console/packages/" + e.ClientID + "/rotate", url.Values{"overlap": {"0"}}},
		{"/console/packages/" + e.ClientID + "/enabled", url.Values{"enabled": {"false"}}},
		{"/console/users", url.Values{"username": {"forged"}, "name": {"F"}, "email": {"f@example.com"}, "password": {"long-enough-1"}, "default_mid": {itoa(e.Enterprise.MID)}}},
		{"/console/users/" + itoa(e.APIUser.ID), url.Values{"action": {"unlock"}}},
		{"/console/roles", url.Values{"name": {"Forged"}, "perms": {fuelgate.PermPackageAdminister}}},
		{"/console/business-units", url.Values{"parent": {itoa(e.Enterprise.MID)}, "name": {"Forged"}}},
		{"/console/settings", url.Values{"api_password_login": {"1"}, "lockout_threshold": {"6"}, "lockout_duration": {"15m"}, "token_lifetime": {"20m"}, "permission_model": {"role-based"}}},
	}
	for _, tt := range posts {
		tt.form.Set("csrf", csrf)
		if p := b.post(tt.path, tt.form); p.status != http.StatusForbidden || !strings.Contains(p.body, "permission") {
			t.Errorf("viewer POST %s: got %d, want 403 permission page\n%s", tt.path, p.status, p.body)
		}
	}
	pkgs, _ := e.Store.Packages(context.Background(), fuelgate.PackageFilter{})
	if len(pkgs) != 1 || !pkgs[0].Enabled {
		t.Errorf("refused posts changed packages: %d packages", len(pkgs))
	}
	events, _ := e.Store.AuditEvents(context.Background(), fuelgate.AuditFilter{Action: "package.create", Outcome: fuelgate.OutcomeFailure})
	if len(events) == 0 || events[0].Actor != "user:viewer" {
		t.Errorf("the refused package.create was not audited: %+v", events)
	}
}

func TestSignInLockout(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	unknown := b.signIn("nobody", "whatever-password")
	want := errorParagraph(t, unknown)
	if !strings.Contains(want, console.SignInFailed) {
		t.Fatalf("unknown user: error %q, want %q", want, console.SignInFailed)
	}
	for i := range fuelgate.DefaultLockoutThreshold {
		p := b.signIn("viewer", "wrong-password")
		if got := errorParagraph(t, p); got != want || p.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: got %d %q, want 401 %q", i+1, p.status, got, want)
		}
	}
	e.Server.Auth.Settle() // failure counts are written in the background
	u, _ := e.Store.User(context.Background(), e.viewer.ID)
	if !u.IsLocked(e.Clock.Now()) {
		t.Fatalf("viewer not locked after %d failures", fuelgate.DefaultLockoutThreshold)
	}
	p := b.signIn("viewer", fgtest.Password) // the right password while locked
	if got := errorParagraph(t, p); got != want || p.status != http.StatusUnauthorized {
		t.Fatalf("locked user with the right password: got %d %q, want the same 401 %q", p.status, got, want)
	}
	// An admin unlocks the user from the console.
	a := e.browser(t).mustSignIn("admin")
	if p := a.get("/console/users/" + itoa(e.viewer.ID)); !strings.Contains(p.body, "Unlock") {
		t.Fatalf("admin does not see Unlock for a locked user")
	}
	if p := a.post("/console/users/"+itoa(e.viewer.ID), url.Values{"csrf": {a.csrf()}, "action": {"unlock"}}); p.status != http.StatusSeeOther {
		t.Fatalf("unlock: got %d\n%s", p.status, p.body)
	}
	b.mustSignIn("viewer")
}

func TestSecretShownOnce(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	form := b.get("/console/packages/new")
	values := url.Values{"csrf": {b.field(form, csrfRE)}, "once": {b.field(form, onceRE)}, "name": {"Console Package"},
		"mid": {itoa(e.Enterprise.MID)}, "mids": {itoa(e.Child.MID)}, "scopes": {"email_read", "data_extensions_read"}}
	created := b.post("/console/packages", values)
	if created.status != http.StatusCreated {
		t.Fatalf("create: got %d\n%s", created.status, created.body)
	}
	if cc := created.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page with the secret: Cache-Control %q, want no-store", cc)
	}
	sec := b.field(created, secretRE)
	clientID := b.field(created, clientIDRE)
	if strings.Contains(created.header.Get("Location")+created.header.Get("Set-Cookie"), sec) {
		t.Errorf("secret in a header")
	}
	// The secret works once fetched.
	if tok := postToken(t, e.URL, clientID, sec); tok == "" {
		t.Fatalf("the shown secret does not get a token")
	}
	// A GET of the package page no longer shows it.
	if p := b.get("/console/packages/" + clientID); p.status != http.StatusOK || strings.Contains(p.body, sec) {
		t.Fatalf("GET of the package page: status %d, shows secret %v", p.status, strings.Contains(p.body, sec))
	}
	// Resubmitting the same form (a browser reload of the POST) does not
	// create a second package and does not show the secret.
	again := b.post("/console/packages", values)
	if again.status != http.StatusSeeOther || again.location() != "/console/packages/"+clientID || strings.Contains(again.body, sec) {
		t.Fatalf("resubmission: got %d to %q", again.status, again.location())
	}
	pkgs, _ := e.Store.Packages(context.Background(), fuelgate.PackageFilter{})
	if len(pkgs) != 2 {
		t.Fatalf("got %d packages, want 2", len(pkgs))
	}
	// Rotation shows the new secret once, too.
	page := b.get("/console/packages/" + clientID)
	rotated := b.post("/console/packages/"+clientID+"/rotate", url.Values{"csrf": {b.field(page, csrfRE)},
		"once": {b.field(page, onceRE)}, "overlap": {"1"}})
	newSec := b.field(rotated, secretRE)
	if newSec == sec || postToken(t, e.URL, clientID, newSec) == "" || postToken(t, e.URL, clientID, sec) == "" {
		t.Fatalf("rotation with overlap: both secrets should work")
	}
	if p := b.get("/console/packages/" + clientID); strings.Contains(p.body, newSec) || !strings.Contains(p.body, "previous secret is accepted until") {
		t.Fatalf("package page after rotation shows the secret or lacks the overlap")
	}
}

func TestFieldErrors(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	csrf := b.csrf()
	p := b.post("/console/users", url.Values{"csrf": {csrf}, "username": {"new_user"}, "name": {"N"},
		"email": {"not-an-email"}, "password": {"short"}, "default_mid": {itoa(e.Enterprise.MID)}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="email-error"`) || !strings.Contains(p.body, `aria-invalid="true"`) {
		t.Fatalf("bad email: got %d, want 400 with the error next to the field\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, `value="new_user"`) {
		t.Errorf("the form lost what was typed")
	}
	p = b.post("/console/settings", url.Values{"csrf": {csrf}, "lockout_threshold": {"0"}, "lockout_duration": {"15m"},
		"token_lifetime": {"soon"}, "permission_model": {"role-based"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="token_lifetime-error"`) {
		t.Fatalf("bad duration: got %d\n%s", p.status, p.body)
	}
	p = b.post("/console/settings", url.Values{"csrf": {csrf}, "lockout_threshold": {"0"}, "lockout_duration": {"15m"},
		"token_lifetime": {"20m"}, "permission_model": {"role-based"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="lockout_threshold-error"`) {
		t.Fatalf("bad threshold: got %d\n%s", p.status, p.body)
	}
}

func TestBusinessUnitsRolesUsers(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("admin")
	csrf := b.csrf()
	p := b.post("/console/business-units", url.Values{"csrf": {csrf}, "parent": {itoa(e.Child.MID)}, "name": {"Sales"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create BU: got %d\n%s", p.status, p.body)
	}
	bu := strings.TrimSuffix(strings.TrimPrefix(p.location(), "/console/business-units/"), "?ok=created")
	if p := b.post("/console/business-units/"+bu, url.Values{"csrf": {csrf}, "action": {"rename"}, "name": {"Sales EMEA"}}); p.status != http.StatusSeeOther {
		t.Fatalf("rename: got %d", p.status)
	}
	if p := b.post("/console/business-units/"+bu, url.Values{"csrf": {csrf}, "action": {"deactivate"}}); p.status != http.StatusSeeOther {
		t.Fatalf("deactivate: got %d", p.status)
	}
	if p := b.get("/console/business-units"); !strings.Contains(p.body, "Sales EMEA") || !strings.Contains(p.body, "inactive") {
		t.Fatalf("tree lacks the renamed, inactive BU")
	}
	p = b.post("/console/roles", url.Values{"csrf": {csrf}, "name": {"SOAP"}, "perms": {fuelgate.PermWebServicesAPI}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create role: got %d\n%s", p.status, p.body)
	}
	roleID := strings.TrimSuffix(strings.TrimPrefix(p.location(), "/console/roles/"), "?ok=created")
	p = b.post("/console/roles/"+roleID, url.Values{"csrf": {csrf}, "description": {"d"},
		"perms": {fuelgate.PermWebServicesAPI, fuelgate.PermUsersView}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("update role: got %d\n%s", p.status, p.body)
	}
	p = b.post("/console/users", url.Values{"csrf": {csrf}, "username": {"soap_user"}, "name": {"Soap"},
		"email": {"soap@example.com"}, "password": {"long-enough-1"}, "api_user": {"1"}, "active": {"1"},
		"roles": {roleID}, "default_mid": {itoa(e.Enterprise.MID)}, "mids": {itoa(e.Child.MID)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create user: got %d\n%s", p.status, p.body)
	}
	u, err := e.Store.UserByUsername(context.Background(), "soap_user")
	if err != nil || !u.APIUser || len(u.RoleIDs) != 1 || !u.HasMID(e.Child.MID) {
		t.Fatalf("created user: %+v, %v", u, err)
	}
	reset := url.Values{"csrf": {csrf}, "action": {"password"}, "once": {b.field(b.get("/console/users/"+itoa(u.ID)), onceRE)}}
	p = b.post("/console/users/"+itoa(u.ID), reset)
	if !strings.Contains(p.body, `id="new-password"`) {
		t.Fatalf("generated password not shown")
	}
	if p := b.post("/console/users/"+itoa(u.ID), reset); p.status != http.StatusSeeOther {
		t.Fatalf("resubmitted reset: got %d, want 303 (no second reset)", p.status)
	}
	if p := b.get("/console/users/" + itoa(u.ID)); strings.Contains(p.body, `id="new-password"`) {
		t.Fatalf("generated password shown again")
	}
}

func postToken(t *testing.T, base, clientID, secret string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret})
	resp, err := http.Post(base+"/v2/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	return out.AccessToken
}

func TestAuditPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 60 {
		if err := e.Store.AppendAudit(ctx, &fuelgate.AuditEvent{Time: e.Clock.Now(), EnterpriseMID: e.Enterprise.MID, MID: e.Child.MID, Actor: "operator",
			Action: "test.event", Target: "n" + itoa(int64(i)), Outcome: fuelgate.OutcomeSuccess}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser(t).mustSignIn("admin")
	first := b.get("/console/audit?action=test.&outcome=success")
	if !strings.Contains(first.body, ">n59<") || strings.Contains(first.body, ">n9<") {
		t.Fatalf("first page should hold n59…n10")
	}
	older := b.field(first, regexp.MustCompile(`href="(/console/audit\?[^"]+)" rel="next"`))
	second := b.get(older)
	if second.status != http.StatusOK || !strings.Contains(second.body, ">n9<") || !strings.Contains(second.body, ">n0<") ||
		strings.Contains(second.body, ">n10<") || strings.Contains(second.body, `rel="next"`) {
		t.Fatalf("second page (%s) should hold n9…n0 and no further link\n%s", older, second.body)
	}
	if p := b.get("/console/audit?since=yesterday"); p.status != http.StatusOK || !strings.Contains(p.body, `id="since-error"`) {
		t.Errorf("bad since: got %d without a field error", p.status)
	}
}

func TestViewerPagesReadOnly(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t).mustSignIn("viewer")
	for _, path := range []string{"/console/", "/console/business-units", "/console/business-units/" + itoa(e.Enterprise.MID),
		"/console/users", "/console/users/" + itoa(e.APIUser.ID), "/console/roles", "/console/roles/" + fuelgate.SystemRoles[0].ID,
		"/console/packages", "/console/packages/" + e.ClientID, "/console/settings"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("viewer GET %s: got %d", path, p.status)
			continue
		}
		if strings.Contains(p.body, `method="post"`) && strings.Count(p.body, `method="post"`) > 1 {
			t.Errorf("viewer GET %s: page has a form besides sign-out", path)
		}
	}
	if p := b.get("/console/audit"); p.status != http.StatusForbidden {
		t.Errorf("viewer GET audit: got %d, want 403", p.status)
	}
	if p := b.get("/console/"); strings.Contains(p.body, "Tokens issued") || strings.Contains(p.body, `href="/console/audit"`) {
		t.Errorf("viewer sees audit charts or the audit link")
	}
}

// TestOverviewCountsAggregates: the tokens chart counts every token issued,
// though a burst of issues is audited as one event and an aggregate of the
// rest.
func TestOverviewCountsAggregates(t *testing.T) {
	e := newEnv(t)
	const issued = 7
	for range issued {
		e.Token(0)
	}
	e.Server.Auth.Flush() // ends the aggregation window: the aggregate is written
	evs, err := e.Store.AuditEvents(t.Context(), fuelgate.AuditFilter{Action: "token.issue", Outcome: fuelgate.OutcomeSuccess, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) >= issued {
		t.Fatalf("%d audit events for %d issues: they were not aggregated, the test proves nothing", len(evs), issued)
	}
	p := e.browser(t).mustSignIn("admin").get("/console/")
	want := `<h2 id="tokens-title">Tokens issued <span class="total">` + itoa(issued) + `</span></h2>`
	if !strings.Contains(p.body, want) {
		i := strings.Index(p.body, `id="tokens-title"`)
		t.Errorf("overview: want %s, got %s", want, p.body[max(i-4, 0):min(i+120, len(p.body))])
	}
}
