package fuelgate_test

import (
	"testing"
	"unicode/utf8"

	"github.com/fuelgate/fuelgate"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc…"},
		{"ééééé", 2, "éé…"},    // two-byte runes are never cut in half
		{"日本語テキスト", 3, "日本語…"}, // nor three-byte ones
		{"a😀b", 2, "a😀…"},
	}
	for _, tt := range tests {
		got := fuelgate.Truncate(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
