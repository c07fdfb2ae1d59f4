// Package golden compares a test's output with a file under testdata/ and,
// when the tests run with -update, rewrites that file from the output
// instead. It is imported by tests only; its one flag is -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// Updating reports whether this test run rewrites golden files (-update).
func Updating() bool { return *update }

// Path is the file that holds the golden output called name:
// testdata/<name>.golden, relative to the package under test.
func Path(name string) string { return filepath.Join("testdata", name+".golden") }

// Check compares got with the golden file called name and reports a
// difference as a test error. With -update it writes got to the file
// instead (creating testdata/ when needed) and reports nothing.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := Path(name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
