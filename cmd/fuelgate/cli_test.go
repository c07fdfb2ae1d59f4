package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestGlobalFlagsBeforeTheCommand runs the binary with --db and --json
// before the command, as well as after it.
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	db := filepath.Join(t.TempDir(), "f.db")
	code, out, errs := runBinary(t, nil, "--db", db, "--json", "bu", "create", "--name", "Global Ent")
	if code != 0 || !strings.Contains(out, `"mid":`) {
		t.Fatalf("fuelgate --db DB --json bu create: exit %d, stdout %q, stderr %q; want a JSON object with the MID", code, out, errs)
	}
	for _, args := range [][]string{
		{"--db", db, "--json", "bu", "list"},
		{"--db=" + db, "bu", "list", "--json"},
		{"bu", "list", "--db", db, "--json"},
	} {
		code, out, errs := runBinary(t, nil, args...)
		var list struct {
			Items []buJSON `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Items) != 1 || list.Items[0].Name != "Global Ent" {
			t.Errorf("fuelgate %s: exit %d, stdout %q, stderr %q; want the one business unit", strings.Join(args, " "), code, out, errs)
		}
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--name", "x", "bu", "create"}, "put it after the command"},
		{[]string{"--db"}, "needs a value"},
	} {
		code, _, errs := runBinary(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("fuelgate %s: exit %d, stderr %q; want exit 2 saying %q", strings.Join(tt.args, " "), code, errs, tt.msg)
		}
	}
}

// TestPackageCreateNeedsScopes checks that a package without scopes, which
// could call nothing, is refused with the scopes to choose from, and that
// nothing is created.
func TestPackageCreateNeedsScopes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	db := filepath.Join(t.TempDir(), "f.db")
	ent := jsonNumber(t, runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Ent"), "mid")
	for _, args := range [][]string{
		{"package", "create", "--db", db, "--mid", ent, "--name", "P"},
		{"package", "create", "--db", db, "--mid", ent, "--name", "P", "--scopes", " "},
	} {
		code, out, errs := runBinary(t, nil, args...)
		if code != 2 || out != "" {
			t.Errorf("fuelgate %s: exit %d, stdout %q; want exit 2 and nothing printed", strings.Join(args, " "), code, out)
		}
		for _, want := range []string{"--scopes is required", "API Permission Failed", "accounts_read accounts_write users_read users_write"} {
			if !strings.Contains(errs, want) {
				t.Errorf("fuelgate %s: stderr %q does not say %q", strings.Join(args, " "), errs, want)
			}
		}
	}
	if items := runJSON(t, nil, "", "package", "list", "--db", db)["items"].([]any); len(items) != 0 {
		t.Fatalf("package list after the refusals = %v, want none", items)
	}
}

// TestServePrintsTheConsoleURL checks that serve prints where the admin
// console is, and that a browser sent to / arrives at its sign-in page.
func TestServePrintsTheConsoleURL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	srv := startServe(t, nil, "--db", filepath.Join(t.TempDir(), "f.db"))
	console := match(t, srv.stdout.String(), `(?m)^Admin console: (\S+)$`)
	if console != srv.base+"/console/" {
		t.Fatalf("printed console URL %q, want %q", console, srv.base+"/console/")
	}
	req, _ := http.NewRequest("GET", srv.base+"/", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.String() != console+"signin" || !strings.Contains(string(body), "<form") {
		t.Fatalf("GET / as a browser ended at %s with %d; want the sign-in page %ssignin", resp.Request.URL, resp.StatusCode, console)
	}
}
