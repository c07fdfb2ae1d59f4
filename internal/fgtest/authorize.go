package fgtest

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// hiddenFields returns the hidden inputs of a page.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// Authorize walks the authorization pages as a browser would, over HTTP:
// it opens authURL (a /v2/authorize URL of this server), signs in as
// username with password, chooses business unit mid when the page asks
// (0: the first offered), and returns where the server sends the browser
// back: the app's redirect URI with code and state, or with error. It fails
// the test when a page answers anything else.
func (b *Browser) Authorize(authURL, username, password string, mid int64) *url.URL {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, authURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	page := b.do(req)
	if page.Status == http.StatusFound {
		return b.back(page)
	}
	if page.Status != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", authURL, page.Status, page.Body)
	}
	form := hiddenFields(page.Body)
	form.Set("username", username)
	form.Set("password", password)
	page = b.Post("/console/authorize", form)
	if page.Status == http.StatusFound {
		return b.back(page)
	}
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="mid"`) {
		b.t.Fatalf("sign-in on the authorization page: %d\n%s", page.Status, page.Body)
	}
	form = hiddenFields(page.Body)
	if mid != 0 {
		form.Set("mid", strconv.FormatInt(mid, 10))
	} else if m := regexp.MustCompile(`name="mid" value="(\d+)"`).FindStringSubmatch(page.Body); m != nil {
		form.Set("mid", m[1])
	}
	form.Set("decision", "allow")
	page = b.Post("/console/authorize/business-unit", form)
	if page.Status != http.StatusFound {
		b.t.Fatalf("business-unit choice: %d\n%s", page.Status, page.Body)
	}
	return b.back(page)
}

func (b *Browser) back(p *Page) *url.URL {
	b.t.Helper()
	u, err := url.Parse(p.Location)
	if err != nil || u.Scheme == "" {
		b.t.Fatalf("redirect back to the app: %q (%v)", p.Location, err)
	}
	return u
}
