package auth

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"
)

func TestTokenText(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	var prev []byte
	for i := range 1000 {
		text, key := newTokenText(now.Add(time.Duration(i) * time.Millisecond))
		if len(text) != 54 || seen[text] {
			t.Fatalf("token %d: %q (%d chars), want 54 unique characters", i, text, len(text))
		}
		seen[text] = true
		sum := sha256.Sum256([]byte(text))
		if len(key) != 40 || !bytes.Equal(key[8:], sum[:]) {
			t.Fatalf("key of %q is not id ‖ SHA-256(token)", text)
		}
		if strings.Contains(string(key), text) {
			t.Fatal("the key contains the token text")
		}
		if got, ok := tokenKey(text); !ok || !bytes.Equal(got, key) {
			t.Fatalf("tokenKey(%q) = %x, %v; want the minted key", text, got, ok)
		}
		if prev != nil && bytes.Compare(key[:8], prev[:8]) <= 0 {
			t.Fatalf("key prefixes not increasing with time: %x after %x", key[:8], prev[:8])
		}
		prev = key
	}
	for _, bad := range []string{"", "garbage", strings.Repeat("A", 43), strings.Repeat("A", 53), strings.Repeat("A", 55),
		strings.Repeat("*", 54), strings.Repeat("A", 512)} {
		if _, ok := tokenKey(bad); ok {
			t.Errorf("tokenKey(%q) accepted a text that is not a fuelgate token", bad)
		}
	}
}
