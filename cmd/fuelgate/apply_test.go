package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/soap"
)

// exampleTenant is the provisioning file the README and docs/provisioning.md show.
const exampleTenant = "../../docs/tenant.yaml"

// exampleEnv holds the secrets the example file names.
func exampleEnv() map[string]string {
	return map[string]string{"CI_ADMIN_PASSWORD": "admin-Passw0rd!", "CI_API_PASSWORD": "api-Passw0rd!",
		"CI_CLIENT_SECRET": base64.StdEncoding.EncodeToString(secret.Bytes(32))}
}

// TestExampleTenantFile applies the documented example file to a fresh
// database with the binary (a dry run first, which writes nothing; then
// twice, the second a no-op), serves it, and uses what it describes: a
// token for the pinned client ID and secret from /v2/token, a SOAP
// Retrieve with that token, and a SOAP call with the API user's
// UsernameToken.
func TestExampleTenantFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	example, err := os.ReadFile(exampleTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{"../../README.md", "../../docs/provisioning.md"} {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(text, example) {
			t.Errorf("%s does not show docs/tenant.yaml verbatim", doc)
		}
	}
	env := exampleEnv()
	db := filepath.Join(t.TempDir(), "f.db")

	code, out, errs := runBinary(t, env, "apply", "--db", db, "-f", exampleTenant, "--dry-run")
	if code != 0 || !strings.Contains(out, "7 to create, 0 to update, 0 unchanged. Dry run: nothing was written.") ||
		!strings.Contains(out, `+ create    business_unit 100000003 "Acme Europe Labs"`) {
		t.Fatalf("apply --dry-run: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if items := runJSON(t, nil, "", "bu", "list", "--db", db)["items"].([]any); len(items) != 0 {
		t.Fatalf("business units after a dry run: %v, want none", items)
	}
	code, out, errs = runBinary(t, env, "apply", "--db", db, "-f", exampleTenant)
	if code != 0 || !strings.Contains(out, "Applied ../../docs/tenant.yaml: 7 created, 0 updated, 0 unchanged.") ||
		strings.Contains(out, "Generated credentials") {
		t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s\nwant 7 created and no generated credential (all are pinned)", code, out, errs)
	}
	code, out, errs = runBinary(t, env, "apply", "--db", db, "-f", exampleTenant, "--json")
	var plan planJSON
	if err := json.Unmarshal([]byte(out), &plan); code != 0 || err != nil || plan.Created+plan.Updated != 0 || plan.Unchanged != 7 {
		t.Fatalf("second apply: exit %d, %+v (%v), stderr %q; want 7 unchanged", code, plan, err, errs)
	}

	srv := startServe(t, nil, "--db", db)
	resp, err := http.Post(srv.base+"/v2/token", "application/json", bytes.NewReader(tokenRequestIn("ci0000000000000000000001", env["CI_CLIENT_SECRET"], 100000002)))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || tok.AccessToken == "" || tok.Scope != "accounts_read offline users_read" {
		t.Fatalf("POST /v2/token with the pinned credentials for BU 100000002: %d, %+v, %v", resp.StatusCode, tok, err)
	}
	body := retrieveBUs(t, srv.base, soap.RequestHeader{FuelOAuth: tok.AccessToken})
	if !strings.Contains(body, "<OverallStatus>OK</OverallStatus>") || !strings.Contains(body, "<Name>Acme Europe</Name>") {
		t.Fatalf("SOAP Retrieve with the token: %s", excerptOf(body))
	}
	ut, err := soap.NewUsernameToken("ci_api_user", env["CI_API_PASSWORD"], true, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	body = retrieveBUs(t, srv.base, soap.RequestHeader{UsernameToken: ut})
	if !strings.Contains(body, "<OverallStatus>OK</OverallStatus>") || !strings.Contains(body, "<Name>Acme</Name>") {
		t.Fatalf("SOAP Retrieve with the API user's digest UsernameToken: %s", excerptOf(body))
	}
}

// tokenRequestIn is a client_credentials request for BU mid (0: the
// package's own).
func tokenRequestIn(id, secret string, mid int64) []byte {
	req := map[string]any{"grant_type": "client_credentials", "client_id": id, "client_secret": secret}
	if mid != 0 {
		req["account_id"] = mid
	}
	b, _ := json.Marshal(req)
	return b
}

// retrieveBUs retrieves the business units' IDs and names with header.
func retrieveBUs(t *testing.T, base string, h soap.RequestHeader) string {
	t.Helper()
	var req bytes.Buffer
	msg := soap.NewElement("RetrieveRequestMsg", soap.NewElement("RetrieveRequest",
		soap.TextElement("ObjectType", "BusinessUnit"), soap.TextElement("Properties", "ID"), soap.TextElement("Properties", "Name")))
	if err := soap.WriteRequest(&req, soap.V11, h, msg); err != nil {
		t.Fatal(err)
	}
	return soapRaw(t, http.DefaultClient, base, req.Bytes())
}

// TestApplyBadFileChangesNothing applies the example, then a copy that
// renames a BU near the top and names an unknown scope near the end: the
// binary exits 1 naming the file, line and path, and the database is as it
// was (export before and after are the same).
func TestApplyBadFileChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := exampleEnv()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if code, out, errs := runBinary(t, env, "apply", "--db", db, "-f", exampleTenant); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
	_, before, _ := runBinary(t, nil, "export", "--db", db)
	example, err := os.ReadFile(exampleTenant)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(example), "name: Acme Europe Labs", "name: Acme Research", 1)
	bad = strings.Replace(bad, "scopes: [accounts_read, users_read, offline]", "scopes: [accounts_read, no_such_scope]", 1)
	badFile := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badFile, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(bad[:strings.Index(bad, "  - name: CI package")], "\n")
	code, out, errs := runBinary(t, env, "apply", "--db", db, "-f", badFile)
	want := badFile + ":" + strconv.Itoa(line) + `: packages[0]: package "CI package" (client ci0000000000000000000001): unknown scope "no_such_scope"`
	if code != 1 || out != "" || !strings.Contains(errs, want) {
		t.Fatalf("apply of a bad file: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, want)
	}
	if _, after, _ := runBinary(t, nil, "export", "--db", db); after != before || !strings.Contains(after, "name: Acme Europe Labs") {
		t.Fatalf("the refused apply changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if code, _, errs := runBinary(t, nil, "apply", "--db", db); code != 2 || !strings.Contains(errs, "-f is required") {
		t.Fatalf("apply without -f: exit %d, stderr %q; want a usage error", code, errs)
	}
}

// TestExportApplyRoundTrip exports the example tenant, applies the export
// (YAML, and JSON) to empty databases, and exports those: the same text;
// the secrets it does not carry are generated and printed once.
func TestExportApplyRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	if code, out, errs := runBinary(t, exampleEnv(), "apply", "--db", src, "-f", exampleTenant); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
	code, exported, errs := runBinary(t, nil, "export", "--db", src)
	if code != 0 || strings.Contains(exported, "Passw0rd") || strings.Contains(exported, "_env:") {
		t.Fatalf("export: exit %d, stderr %q, output:\n%s\nwant no secret and no secret source", code, errs, exported)
	}
	_, exportedJSON, _ := runBinary(t, nil, "export", "--db", src, "--json")
	for name, content := range map[string]string{"tenant.yaml": exported, "tenant.json": exportedJSON} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name+".db")
		code, out, errs := runBinary(t, nil, "apply", "--db", dst, "-f", file)
		if code != 0 || !strings.Contains(out, "7 created") || strings.Count(out, "password: ") != 2 || strings.Count(out, "client_secret: ") != 1 {
			t.Fatalf("apply %s to an empty database: exit %d\n%s\n%s\nwant 7 created, 2 passwords and 1 secret generated", name, code, out, errs)
		}
		if _, again, _ := runBinary(t, nil, "export", "--db", dst); again != exported {
			t.Fatalf("export → apply %s → export differs:\nfirst:\n%s\nsecond:\n%s", name, exported, again)
		}
	}
}

// TestServeApply starts serve --apply on an empty database: the tenant is
// there before it listens (no bootstrap admin), and a bad file stops the
// start with the line, before anything is written.
func TestServeApply(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := exampleEnv()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	srv := startServe(t, env, "--db", db, "--apply", exampleTenant)
	if out := srv.stdout.String(); !strings.Contains(out, "Applied ../../docs/tenant.yaml: 7 created") || strings.Contains(out, "Admin password") {
		t.Fatalf("serve --apply printed:\n%s\nwant the plan applied and no bootstrap admin", out)
	}
	resp, err := http.Post(srv.base+"/v2/token", "application/json", bytes.NewReader(tokenRequestIn("ci0000000000000000000001", env["CI_CLIENT_SECRET"], 0)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("token for the pinned client after serve --apply: %d", resp.StatusCode)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("enterprise:\n  name: Other\n  mid: 100000009\nusers:\n  - username: x\n    password: in-clear\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	code, _, log := runBinary(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", empty, "--apply", bad)
	if code != 1 || !strings.Contains(log, bad+":6: users[0].password: secrets are never written in the file") || strings.Contains(log, "in-clear") {
		t.Fatalf("serve --apply with a bad file: exit %d, log:\n%s\nwant exit 1 naming line 6, without the secret", code, log)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("serve --apply with a bad file created the database (%v): it must stop before opening it", err)
	}
}

// TestApplyPostgres starts two instances with serve --apply on one fresh
// PostgreSQL database at once: both start, the tenant exists once (one
// created it, the other found it), and the pinned credentials work on
// both. Then two apply processes at once add a role and a package found by
// name: each is created once.
func TestApplyPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary against PostgreSQL")
	}
	dsn := freshPostgres(t)
	env := exampleEnv()
	env["FUELGATE_PEPPER"], env["FUELGATE_ENCRYPTION_KEY"] = randomKey(32), randomKey(32)
	env["FUELGATE_DB"], env["FUELGATE_KEY_FILE"] = "", ""
	procs := []*process{
		startProcess(t, env, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--apply", exampleTenant),
		startProcess(t, env, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--apply", exampleTenant),
	}
	var outs string
	for _, p := range procs {
		addr := p.waitFor(t, p.log, regexp.MustCompile(`msg="fuelgate listening" addr=(\S+)`))[1]
		p.waitFor(t, p.stdout, regexp.MustCompile(`(?m)^Admin console: \S+$`))
		outs += p.stdout.String()
		resp, err := http.Post("http://"+addr+"/v2/token", "application/json", bytes.NewReader(tokenRequestIn("ci0000000000000000000001", env["CI_CLIENT_SECRET"], 100000002)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("token from %s: %d", addr, resp.StatusCode)
		}
	}
	if strings.Count(outs, "7 created") != 1 || strings.Count(outs, "No changes: the database already matches") != 1 {
		t.Fatalf("the two instances printed:\n%s\nwant one apply that created 7 objects and one that found them", outs)
	}

	more := filepath.Join(t.TempDir(), "more.yaml")
	example, err := os.ReadFile(exampleTenant)
	if err != nil {
		t.Fatal(err)
	}
	extra := "\n  - name: Unpinned package\n    scopes: [accounts_read]\n"
	withRole := strings.Replace(string(example), "roles:\n", "roles:\n  - name: Auditor\n    permissions: [administration.audit_trail.view]\n", 1)
	if err := os.WriteFile(more, []byte(strings.TrimRight(withRole, "\n")+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	applies := []*process{
		startProcess(t, env, "apply", "--db", dsn, "-f", more),
		startProcess(t, env, "apply", "--db", dsn, "-f", more),
	}
	for _, p := range applies {
		select {
		case <-p.exited:
		case <-time.After(60 * time.Second):
			t.Fatal("apply did not exit within 60s")
		}
		if p.err != nil {
			t.Fatalf("concurrent apply: %v\n%s\n%s", p.err, p.stdout.String(), p.log.String())
		}
	}
	_, exported, _ := runBinary(t, env, "export", "--db", dsn)
	if strings.Count(exported, "- name: Auditor") != 1 || strings.Count(exported, "- name: Unpinned package") != 1 {
		t.Fatalf("after two concurrent applies the export is:\n%s\nwant the new role and package once each", exported)
	}
}
