package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSignInThrottled: once failed sign-ins from an address have used up
// their allowance (20 by default), the form says so clearly, with HTTP 429
// and Retry-After, and the same text for a known and an unknown username.
func TestSignInThrottled(t *testing.T) {
	e := newEnv(t)
	e.Clock.Set(time.Now()) // frozen: the allowance does not refill while the test runs
	b := e.browser(t)
	for i := range 20 {
		if p := b.signIn("nobody"+itoa(int64(i)), "wrong-password"); p.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: got %d, want 401 before the throttle", i+1, p.status)
		}
	}
	var texts []string
	for _, user := range []string{"viewer", "nobody-at-all"} {
		p := b.signIn(user, "wrong-password")
		msg := errorParagraph(t, p)
		if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" ||
			!strings.HasPrefix(msg, "Too many failed sign-ins from this address or for this username. Try again in ") {
			t.Fatalf("%s after the allowance: %d Retry-After %q %q; want 429 with the throttle message", user, p.status, p.header.Get("Retry-After"), msg)
		}
		texts = append(texts, msg)
	}
	if texts[0] != texts[1] {
		t.Errorf("throttle message differs for a known (%q) and an unknown (%q) username", texts[0], texts[1])
	}
}
