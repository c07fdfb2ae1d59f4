package console_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// env is a running fuelgate with a console administrator and a viewer.
type env struct {
	*fgtest.Env
	admin  *fuelgate.User
	viewer *fuelgate.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{Env: fgtest.New(t, fgtest.Options{DisableAPIPasswordLogin: true})}
	e.admin = e.CreateUser(manage.NewUser{Username: "admin", Name: "Ada Admin", Roles: []string{"Administrator"},
		MIDs: []int64{e.Child.MID, e.Grandchild.MID}})
	e.viewer = e.CreateUser(manage.NewUser{Username: "viewer", Name: "Vic Viewer", Roles: []string{"Viewer"}})
	return e
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
type browser struct {
	t    *testing.T
	e    *env
	http *http.Client
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (p *page) location() string { return p.header.Get("Location") }

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	csrfRE   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	onceRE   = regexp.MustCompile(`name="once" value="([^"]+)"`)
	secretRE = regexp.MustCompile(`id="client-secret" type="text" readonly value="([^"]+)"`)
)

// field returns the first submatch of re in the page, or fails.
func (b *browser) field(p *page, re *regexp.Regexp) string {
	b.t.Helper()
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("%s not found in page (status %d):\n%s", re, p.status, p.body)
	}
	return html.UnescapeString(m[1])
}

// signIn signs in through the form and returns the response to the POST.
func (b *browser) signIn(username, password string) *page {
	b.t.Helper()
	form := b.get("/console/signin")
	return b.post("/console/signin", url.Values{"csrf": {b.field(form, csrfRE)},
		"username": {username}, "password": {password}})
}

// mustSignIn signs in and fails unless it worked.
func (b *browser) mustSignIn(username string) *browser {
	b.t.Helper()
	if p := b.signIn(username, fgtest.Password); p.status != http.StatusSeeOther || p.location() != "/console/" {
		b.t.Fatalf("sign-in as %s: got %d to %q, want 303 to /console/\n%s", username, p.status, p.location(), p.body)
	}
	return b
}

// csrf returns the session's CSRF token from a page.
func (b *browser) csrf() string {
	b.t.Helper()
	return b.field(b.get("/console/"), csrfRE)
}

var (
	clientIDRE = regexp.MustCompile(`<code id="client-id">([^<]+)</code>`)
	alertRE    = regexp.MustCompile(`<p class="error" role="alert"[^>]*>([^<]*)</p>`)
)

// errorParagraph returns the text of the page's form-level error.
func errorParagraph(t *testing.T, p *page) string {
	t.Helper()
	m := alertRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no error on the page (status %d)", p.status)
	}
	return html.UnescapeString(m[1])
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
