package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing the
// test that runs Check, so the test can assert on them.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// check runs Check on a recorder in its own goroutine, as Fatalf ends it.
func check(t *testing.T, name string, got []byte) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, name, got)
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "answer.golden"), []byte("HTTP 200\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	if r := check(t, "answer", []byte("HTTP 200\n")); len(r.errors)+len(r.fatals) != 0 {
		t.Errorf("same bytes: got failures %q %q, want none", r.errors, r.fatals)
	}
	r := check(t, "answer", []byte("HTTP 500\n"))
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "differs from testdata/answer.golden") || !strings.Contains(r.errors[0], "HTTP 500") {
		t.Errorf("different bytes: got errors %q, want one naming the file and showing the output", r.errors)
	}
	r = check(t, "missing", []byte("x"))
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "-update") {
		t.Errorf("missing file: got fatals %q, want one that says how to create it", r.fatals)
	}
}

func TestCheckUpdate(t *testing.T) {
	t.Chdir(t.TempDir())
	*update = true
	t.Cleanup(func() { *update = false })
	if !Updating() {
		t.Fatal("Updating() = false with -update set")
	}
	if r := check(t, "fresh", []byte("new answer\n")); len(r.errors)+len(r.fatals) != 0 {
		t.Fatalf("-update: got failures %q %q, want none", r.errors, r.fatals)
	}
	got, err := os.ReadFile(Path("fresh"))
	if err != nil || string(got) != "new answer\n" {
		t.Fatalf("after -update: file holds %q, %v; want the output", got, err)
	}
}
