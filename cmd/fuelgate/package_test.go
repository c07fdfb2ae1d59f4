package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageTypes creates a package of each integration type with the CLI.
func TestPackageTypes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	mid := jsonNumber(t, runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Ent"), "mid")
	create := func(args ...string) map[string]any {
		t.Helper()
		return runJSON(t, nil, "", append([]string{"package", "create", "--db", db, "--mid", mid, "--scopes", "users_read"}, args...)...)
	}
	web := create("--name", "Web", "--type", "web", "--redirect-uri", "http://127.0.0.1:8080/cb", "--redirect-uri", "https://app.example.com/cb")
	if web["type"] != "web" || web["client_secret"] == nil || web["client_id"] == nil || jsonNumber(t, web, "mid") != mid {
		t.Errorf("web app: %v; want type web with a client secret", web)
	}
	public := create("--name", "Public", "--type", "public", "--redirect-uri", "http://[::1]:9000/cb", "--require-pkce")
	if _, ok := public["client_secret"]; ok || public["type"] != "public" {
		t.Errorf("public app: %v; want type public and no client_secret", public)
	}
	server := create("--name", "Server")
	if server["type"] != "server" || server["client_secret"] == nil {
		t.Errorf("default: %v; want type server with a client secret", server)
	}
	list := runJSON(t, nil, "", "package", "list", "--db", db)
	items, _ := list["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("package list: %v", list)
	}
	pub := items[1].(map[string]any)
	if pub["type"] != "public" || pub["require_pkce"] != true || len(pub["redirect_uris"].([]any)) != 1 {
		t.Errorf("package list, the public app: %v", pub)
	}

	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--name", "X", "--type", "mobile"}, 2, "--type must be server, web or public"},
		{[]string{"--name", "X", "--type", "web"}, 1, "needs at least one"},
		{[]string{"--name", "X", "--type", "web", "--redirect-uri", "http://app.example.com/cb"}, 1, "must use https"},
		{[]string{"--name", "X", "--redirect-uri", "https://app.example.com/cb"}, 1, "not server-to-server"},
	} {
		code, _, errs := run(t, nil, "", append([]string{"package", "create", "--db", db, "--mid", mid, "--scopes", "users_read"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("package create %v: exit %d %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.msg)
		}
	}
}
