package userkey

import (
	"testing"
	"unicode"
)

func TestOf(t *testing.T) {
	tests := []struct {
		name, a, b string
		same       bool
	}{
		{"ASCII case", "Viewer", "vIEWER", true},
		{"full width", "ｖｉｅｗｅｒ", "viewer", true},
		{"full width capitals", "ＶＩＥＷＥＲ", "Viewer", true},
		{"Kelvin sign", "\u212Aim", "kim", true},
		{"sharp s folds to ss", "straße", "STRASSE", true},
		{"composed and decomposed é", "jos\u00e9", "jose\u0301", true},
		{"ligature ﬁ", "\ufb01nance", "finance", true},
		{"final and medial sigma", "ΟΔΥΣΣΕΥΣ", "οδυσσευς", true},
		{"different letters", "viewer", "viewers", false},
		{"Cherokee small and capital", "\uab91", "\u13c1", true},
		{"Cherokee small letter mv", "\u13f8", "\u13f0", true},
		{"dotless i stays apart", "v\u0131ewer", "viewer", false},
		{"surrounding space is not trimmed here", " viewer", "viewer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := Of(tt.a), Of(tt.b)
			if (ka == kb) != tt.same {
				t.Errorf("Of(%q) = %q, Of(%q) = %q; want same %t", tt.a, ka, tt.b, kb, tt.same)
			}
		})
	}
}

// TestOfIsIdempotent: a key is its own key, so keys computed at different
// times (stored, then looked up) always agree.
func TestOfIsIdempotent(t *testing.T) {
	for _, s := range []string{"Viewer", "ＶＩＥＷＥＲ", "straße", "\u212A", "jose\u0301", "ǅemal", "ΐ", "ﬃ", "\u1E9E", "İstanbul", "\u13c1", "\uab91", "\u13f0", "\u13f8"} {
		k := Of(s)
		if again := Of(k); again != k {
			t.Errorf("Of(%q) = %q but Of(%q) = %q", s, k, k, again)
		}
	}
}

// TestOfIsIdempotentOnEveryRune: every code point, alone and after a
// capital A, keys to a key whose key is itself.
func TestOfIsIdempotentOnEveryRune(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue // surrogates are not runes of valid UTF-8
		}
		for _, s := range []string{string(r), "A" + string(r), "\xf1" + string(r)} {
			k := Of(s)
			if again := Of(k); again != k {
				t.Fatalf("Of(%+q) = %+q but Of(%+q) = %+q", s, k, k, again)
			}
		}
	}
}

func FuzzOf(f *testing.F) {
	for _, s := range []string{"Viewer", "ＶＩＥＷＥＲ", "straße", "\u212A", "\xff", "\u13c1", "\xf1\u0140"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Of(s)
		if Of(k) != k {
			t.Errorf("Of is not idempotent on %q", s)
		}
	})
}
