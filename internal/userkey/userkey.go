// Package userkey defines the one canonical key of a username. Usernames are
// unique, and are looked up, cached, locked out and throttled, under this
// key only: the store's unique index and its lookups (internal/sqlstore),
// and every cache, lockout count and throttle bucket of package auth, call
// Of. Two spellings with the same key are the same user, whatever path they
// arrive by (WS-Security UsernameToken, console sign-in, CLI).
//
// The key is the Unicode NFKC normalization of the name, case-folded (full
// Unicode default case folding), then NFKC-normalized again (folding can
// undo a normalization). So "Viewer", "VIEWER", "ｖｉｅｗｅｒ" (full width) and
// "vieweR" share one key, as do "straße" and "STRASSE", and "K" (U+212A
// KELVIN SIGN) is "k". For an ASCII name the key is simply its lower case.
//
// Cherokee is the one script whose folding goes to the capital letters:
// Unicode's CaseFolding.txt maps the small letters (U+AB70–U+ABBF,
// U+13F8–U+13FD) to the capitals (U+13A0–U+13EF, U+13F0–U+13F5). The folder
// of golang.org/x/text maps the capitals to the small letters instead, so
// its output is not its own fold; Of finishes the folding to the capitals,
// which keeps the key a fixed point (Of(Of(s)) == Of(s)).
// Surrounding spaces are not part of the rule: the edges trim them before a
// name gets here, and a stored username never has any.
package userkey

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Of returns the canonical key of a username.
func Of(username string) string {
	if ascii(username) {
		return strings.ToLower(username)
	}
	// Bytes that are not UTF-8 become U+FFFD first: the normalizer leaves
	// the text after such a byte as it is, and the folder then replaces the
	// byte, so without this the key of the key would differ.
	username = strings.ToValidUTF8(username, "\uFFFD")
	// A Caser keeps state: one per call, never shared between goroutines.
	k := norm.NFKC.String(cases.Fold().String(norm.NFKC.String(username)))
	return strings.Map(cherokeeCapital, k)
}

// cherokeeCapital maps a small Cherokee letter to its capital, as Unicode
// case folding does, and leaves every other rune alone. Capitals are NFKC
// stable, so no normalization is needed after it.
func cherokeeCapital(r rune) rune {
	switch {
	case r >= 0xAB70 && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	case r >= 0x13F8 && r <= 0x13FD:
		return r - 0x13F8 + 0x13F0
	}
	return r
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
