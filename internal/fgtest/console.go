package fgtest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser drives the admin console over HTTP with a cookie jar, as a
// signed-in user would, without following redirects.
type Browser struct {
	t    testing.TB
	base string // the server's base URL
	http *http.Client
	csrf string // the session's CSRF token, read from the last page that had one
}

// Page is a console response with its body read.
type Page struct {
	Status   int
	Location string
	Body     string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Browser returns a new browser of e with an empty cookie jar.
func (e *Env) Browser(t testing.TB) *Browser { return NewBrowser(t, e.URL) }

// NewBrowser returns a browser with an empty cookie jar for the fuelgate at
// base (a URL without a trailing slash), e.g. one started as a process.
func NewBrowser(t testing.TB, base string) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *Browser) do(req *http.Request) *Page {
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
	p := &Page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(body)}
	if m := csrfField.FindStringSubmatch(p.Body); m != nil {
		b.csrf = html.UnescapeString(m[1])
	}
	return p
}

// Get fetches a console path.
func (b *Browser) Get(path string) *Page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// Post submits form to a console path with the session's CSRF token (read
// from the console's overview when no page has shown it yet).
func (b *Browser) Post(path string, form url.Values) *Page {
	b.t.Helper()
	if b.csrf == "" {
		b.Get("/console/")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// SignIn submits the sign-in form and reports whether it started a session.
func (b *Browser) SignIn(username, password string) bool {
	b.t.Helper()
	b.csrf = ""
	b.Get("/console/signin")
	p := b.Post("/console/signin", url.Values{"username": {username}, "password": {password}})
	b.csrf = ""
	return p.Status == http.StatusSeeOther && p.Location == "/console/"
}
