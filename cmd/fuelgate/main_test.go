package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// run runs the CLI in-process and returns its exit status, stdout and stderr.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// runJSON runs a command with --json and decodes its one JSON object.
func runJSON(t *testing.T, env map[string]string, stdin string, args ...string) map[string]any {
	t.Helper()
	code, out, errs := run(t, env, stdin, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("fuelgate %v: exit %d, stderr %q", args, code, errs)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("fuelgate %v: output %q is not one JSON object: %v", args, out, err)
	}
	return v
}

// TestServeDemoAndCLI builds the binary, runs "serve --demo" on a fresh
// database, and administers it with the CLI while it runs.
func TestServeDemoAndCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := filepath.Join(t.TempDir(), "fuelgate.db")
	srv := startServe(t, map[string]string{"FUELGATE_PEPPER": "", "FUELGATE_ENCRYPTION_KEY": ""}, "--demo", "--db", db)
	base := srv.base

	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()

	printed := srv.stdout.String()
	adminPW := match(t, printed, `Admin password: (\S+)`)
	clientID := match(t, printed, `client ID (\S+)`)
	clientSecret := match(t, printed, `client secret (\S+)`)
	apiPW := match(t, printed, `password: (\S+)  \(API User`)
	entMID := match(t, printed, `Created enterprise (\d+)`)

	// The CLI works on the same database while the server runs.
	env := map[string]string{}
	bu := runJSON(t, env, "", "bu", "create", "--db", db, "--parent", entMID, "--name", "CLI BU")
	buMID := jsonNumber(t, bu, "mid")
	u := runJSON(t, map[string]string{"FUELGATE_PASSWORD": "cli-Passw0rd!"}, "", "user", "create", "--db", db, "--mid", entMID,
		"--username", "cli_api", "--name", "CLI API", "--email", "cli@example.com", "--api-user", "--role", "Administrator")
	if u["username"] != "cli_api" || jsonNumber(t, u, "id") == "" {
		t.Fatalf("user create = %v", u)
	}
	p := runJSON(t, env, "", "package", "create", "--db", db, "--mid", entMID, "--name", "CLI pkg", "--scopes", "users_read", "--bu", buMID)
	if p["client_id"] == "" || p["client_secret"] == "" || jsonNumber(t, p, "mid") != entMID {
		t.Fatalf("package create = %v", p)
	}
	list := runJSON(t, env, "", "bu", "list", "--db", db)
	if items, _ := list["items"].([]any); len(items) != 3 {
		t.Fatalf("bu list items = %v, want 3 business units", list["items"])
	}

	// The new package gets a token for the new BU from the running server.
	body := `{"grant_type":"client_credentials","client_id":"` + p["client_id"].(string) + `","client_secret":"` +
		p["client_secret"].(string) + `","account_id":` + buMID + `}`
	resp, err = http.Post(base+"/v2/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	tokBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(tokBody), `"expires_in":1079`) {
		t.Fatalf("POST /v2/token = %d %s; want 200 with expires_in 1079", resp.StatusCode, tokBody)
	}

	// No password, secret or token is stored in clear.
	token := match(t, string(tokBody), `"access_token":"([^"]+)"`)
	for _, f := range []string{db, db + "-wal", db + ".key"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for name, s := range map[string]string{"admin password": adminPW, "API password": apiPW, "client secret": clientSecret,
			"CLI password": "cli-Passw0rd!", "CLI client secret": p["client_secret"].(string), "access token": token} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s found in clear in %s", name, filepath.Base(f))
			}
		}
	}
	_ = clientID

	// SIGTERM stops the server gracefully.
	if err := srv.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("server exit after SIGTERM: %v", err)
	}
}

func match(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", re, s)
	}
	return m[1]
}

func jsonNumber(t *testing.T, v map[string]any, key string) string {
	t.Helper()
	n, ok := v[key].(float64)
	if !ok {
		t.Fatalf("%s = %v, want a number", key, v[key])
	}
	return strconv.FormatInt(int64(n), 10)
}

func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	tests := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"missing flag", []string{"bu", "create", "--db", db}, 2, "--name is required"},
		{"bad flag", []string{"bu", "list", "--db", db, "--nope"}, 2, "flag provided but not defined"},
		{"no password", []string{"user", "create", "--db", db, "--mid", "1", "--username", "u", "--name", "n", "--email", "e@x.com"}, 2, "FUELGATE_PASSWORD"},
		{"unknown parent", []string{"bu", "create", "--db", db, "--parent", "42", "--name", "x"}, 1, "parent business unit 42 not found"},
		{"postgres without keys", []string{"bu", "list", "--db", "postgres://localhost/x"}, 2, "FUELGATE_PEPPER and FUELGATE_ENCRYPTION_KEY"},
		{"help", []string{"help"}, 0, "Commands:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, nil, "", tt.args...)
			if code != tt.want || !strings.Contains(errs, tt.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, errs, tt.want, tt.msg)
			}
		})
	}
}

func TestSettingsAndPackageLifecycle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	ent := runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Ent")
	mid := jsonNumber(t, ent, "mid")
	s := runJSON(t, nil, "", "settings", "set", "--db", db, "--token-lifetime", "5s", "--api-password-login", "on", "--lockout-threshold", "3")
	if s["token_lifetime"] != "5s" || s["api_password_login"] != true || jsonNumber(t, s, "expires_in") != "4" {
		t.Fatalf("settings set = %v", s)
	}
	if code, _, errs := run(t, nil, "", "settings", "set", "--db", db, "--token-lifetime", "72h"); code != 1 || !strings.Contains(errs, "token lifetime") {
		t.Fatalf("settings set 72h: exit %d %q; want a validation error", code, errs)
	}
	if code, _, errs := run(t, nil, "", "package", "create", "--db", db, "--mid", mid, "--name", "P", "--scopes", "users_read bogus_scope"); code != 1 || !strings.Contains(errs, "unknown scope") {
		t.Fatalf("package create with a bad scope: exit %d %q; want an unknown-scope error", code, errs)
	}
	p := runJSON(t, nil, "", "package", "create", "--db", db, "--mid", mid, "--name", "P", "--scopes", "users_read")
	id := p["client_id"].(string)
	r := runJSON(t, nil, "", "package", "rotate-secret", "--db", db, "--client-id", id, "--overlap", "1h")
	if r["client_secret"] == p["client_secret"] || r["old_secret_valid_until"] == nil {
		t.Fatalf("rotate-secret = %v; want a new secret and an overlap deadline", r)
	}
	d := runJSON(t, nil, "", "package", "disable", "--db", db, "--client-id", id)
	if d["enabled"] != false {
		t.Fatalf("package disable = %v", d)
	}
	a := runJSON(t, nil, "", "audit", "list", "--db", db, "--action", "package.")
	if items, _ := a["items"].([]any); len(items) != 3 {
		t.Fatalf("audit list --action package. = %v; want create, rotate_secret, disable", a["items"])
	}
}
