package fgtest

import (
	"os"
	"testing"
)

// Missing skips t because something it needs is absent (a tool, a package,
// a database server), and says what to install or set in msg. Under
// CI=true it fails t instead: .ci/run provides everything the tests need, so
// a skip there would hide a test that never ran.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run must provide it)")
	}
	t.Skip(msg)
}
