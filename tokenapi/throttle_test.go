package tokenapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

// TestThrottleFailedClientAuth: failures from one address are throttled
// (429 with Retry-After, in the OAuth error shape), a correct client from
// another address is not slowed, and the throttle lifts by itself.
func TestThrottleFailedClientAuth(t *testing.T) {
	e := fgtest.New(t)
	post := func(ip, secret string) *httptest.ResponseRecorder {
		body := `{"grant_type":"client_credentials","client_id":"` + e.ClientID + `","client_secret":"` + secret + `"}`
		req := httptest.NewRequest(http.MethodPost, "/v2/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		rec := httptest.NewRecorder()
		e.Server.Handler.ServeHTTP(rec, req)
		return rec
	}
	for i := range 10 {
		if rec := post("10.0.0.1", "wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401 before the throttle starts", i, rec.Code)
		}
	}
	rec := post("10.0.0.1", "wrong")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(rec.Body.String(), `"error":"temporarily_unavailable"`) {
		t.Fatalf("11th failure: %d %q Retry-After %q; want 429 in the OAuth shape with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	if rec := post("10.0.0.1", e.ClientSecret); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("right secret from the throttled address: %d, want 429 (the address is throttled)", rec.Code)
	}
	if rec := post("10.0.0.2", e.ClientSecret); rec.Code != http.StatusOK {
		t.Fatalf("right secret from another address: %d %s, want 200: someone else's failures must not slow a client", rec.Code, rec.Body)
	}
	e.Clock.Advance(7 * time.Second)
	if rec := post("10.0.0.1", e.ClientSecret); rec.Code != http.StatusOK {
		t.Fatalf("after the refill interval: %d, want 200: the throttle must lift by itself", rec.Code)
	}
}
