package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

func TestVersionOf(t *testing.T) {
	stamped := &debug.BuildInfo{Main: debug.Module{Path: "github.com/fuelgate/fuelgate", Version: "v0.0.0-20261204173009-fabe3bbed021+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "fabe3bbed02160996070eb6e429baad3a9a169cf"},
			{Key: "vcs.time", Value: "2026-12-04T17:30:09Z"}, {Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want versionJSON
	}{
		{"stamped", stamped, true, versionJSON{Version: "v0.0.0-20261204173009-fabe3bbed021+dirty",
			Revision: "fabe3bbed02160996070eb6e429baad3a9a169cf", Time: "2026-12-04T17:30:09Z", Modified: true}},
		{"built without VCS", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, versionJSON{Version: "(devel)", Revision: "unknown"}},
		{"no build information", nil, false, versionJSON{Version: "(devel)", Revision: "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionOf(tt.info, tt.ok)
			got.Go = ""
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestVersion checks that "fuelgate version" prints the module version and
// the VCS revision that the go command recorded in the binary, as "go
// version -m" reads them.
func TestVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := buildBinary(t)
	meta := []byte(output(t, "", "go", "version", "-m", bin))
	want := versionJSON{Version: "(devel)", Revision: "unknown"}
	if m := regexp.MustCompile(`(?m)^\tmod\tgithub\.com/fuelgate/fuelgate\t(\S+)`).FindSubmatch(meta); m != nil {
		want.Version = string(m[1])
	}
	if m := regexp.MustCompile(`(?m)^\tbuild\tvcs\.revision=(\S+)`).FindSubmatch(meta); m != nil {
		want.Revision = string(m[1])
	}
	code, out, errs := runBinary(t, nil, "version", "--json")
	var got versionJSON
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("fuelgate version --json: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got.Version != want.Version || got.Revision != want.Revision || !strings.HasPrefix(got.Go, "go1.") {
		t.Fatalf("fuelgate version = %+v; want version %q and revision %q as go version -m reads them:\n%s", got, want.Version, want.Revision, meta)
	}
	code, out, _ = runBinary(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "fuelgate "+want.Version+"\nrevision "+want.Revision) {
		t.Fatalf("fuelgate version: exit %d, %q; want the version and the revision", code, out)
	}
}

// TestVersionReportsTheRevision commits this tree to a fresh git
// repository, builds the binary from it with VCS stamping on, and checks that
// "fuelgate version" names that commit. (The binary the other tests run may
// carry no revision: a build from a git worktree, or with -buildvcs=false in
// GOFLAGS, records none.)
func TestVersionReportsTheRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("git"); err != nil {
		fgtest.Missing(t, "the version test needs git: apt-get install git")
	}
	root := strings.TrimSpace(output(t, "", "go", "list", "-m", "-f", "{{.Dir}}"))
	files := output(t, root, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	repo := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(files, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(repo, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	output(t, repo, "git", "init", "-q")
	output(t, repo, "git", "add", "-A")
	output(t, repo, "git", "-c", "user.name=fuelgate test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "version test")
	rev := strings.TrimSpace(output(t, repo, "git", "rev-parse", "HEAD"))
	bin := filepath.Join(t.TempDir(), "fuelgate")
	output(t, repo, "go", "build", "-buildvcs=true", "-o", bin, "./cmd/fuelgate")

	out := output(t, "", bin, "version", "--json")
	var got versionJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("fuelgate version --json = %q: %v", out, err)
	}
	if got.Revision != rev || got.Modified || got.Time == "" || !strings.HasSuffix(got.Version, "-"+rev[:12]) {
		t.Fatalf("fuelgate version = %+v; want revision %s, unmodified, with its time, and a pseudo-version ending in %s", got, rev, rev[:12])
	}
}

// output runs a command in dir ("" for the test's) and returns its stdout,
// failing t when it fails.
func output(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
