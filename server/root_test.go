package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

// TestRootSendsBrowsersToTheConsole checks that GET / redirects a browser to
// the admin console and gives API clients the JSON 404 of any unknown path.
func TestRootSendsBrowsersToTheConsole(t *testing.T) {
	e := fgtest.New(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	const notFound = `{"documentation":"https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm","errorcode":404,"message":"Not Found"}`
	tests := []struct {
		name, method, path, accept string
		wantStatus                 int
		wantLocation, wantBody     string
	}{
		{"browser", "GET", "/", chrome, http.StatusFound, "/console/", ""},
		{"html in capitals", "GET", "/", "TEXT/HTML", http.StatusFound, "/console/", ""},
		{"html refused", "GET", "/", "text/html;q=0, application/json", http.StatusNotFound, "", notFound},
		{"curl", "GET", "/", "*/*", http.StatusNotFound, "", notFound},
		{"JSON client", "GET", "/", "application/json", http.StatusNotFound, "", notFound},
		{"no Accept", "GET", "/", "", http.StatusNotFound, "", notFound},
		{"browser POST", "POST", "/", chrome, http.StatusNotFound, "", notFound},
		{"browser, another path", "GET", "/nowhere", chrome, http.StatusNotFound, "", notFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, e.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Location") != tt.wantLocation {
				t.Fatalf("%s %s: got %d Location %q, want %d Location %q", tt.method, tt.path,
					resp.StatusCode, resp.Header.Get("Location"), tt.wantStatus, tt.wantLocation)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Fatalf("%s %s: got body %s, want %s", tt.method, tt.path, body, tt.wantBody)
			}
		})
	}

	// A browser that follows the redirect lands on the console's sign-in page.
	req, _ := http.NewRequest("GET", e.URL+"/", nil)
	req.Header.Set("Accept", chrome)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/console/signin" || !strings.Contains(string(body), "<form") {
		t.Fatalf("following GET / as a browser: got %d at %s; want 200 on /console/signin with a form", resp.StatusCode, resp.Request.URL)
	}
}
