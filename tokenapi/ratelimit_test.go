package tokenapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/server"
)

// TestTokenRateLimited: past its package's token rate, /v2/token answers
// 429 in SFMC's rate-limit shape (errorcode 50100, retryAfter, Retry-After).
func TestTokenRateLimited(t *testing.T) {
	e := fgtest.New(t, fgtest.Options{Configure: func(c *server.Config) { c.Auth.TokenRate, c.Auth.TokenBurst = 1, 2 }})
	post := func() *httptest.ResponseRecorder {
		body := `{"grant_type":"client_credentials","client_id":"` + e.ClientID + `","client_secret":"` + e.ClientSecret + `"}`
		req := httptest.NewRequest(http.MethodPost, "/v2/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.Server.Handler.ServeHTTP(rec, req)
		return rec
	}
	for i := range 2 {
		if rec := post(); rec.Code != http.StatusOK {
			t.Fatalf("token %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := post()
	var got map[string]any
	json.Unmarshal(rec.Body.Bytes(), &got)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" ||
		got["message"] != "Rate limit exceeded" || got["errorcode"] != 50100.0 || got["retryAfter"] != 1.0 ||
		!strings.HasSuffix(got["documentation"].(string), "error-handling.htm") {
		t.Fatalf("3rd token: %d Retry-After %q %s; want 429 with SFMC's rate-limit body", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}
