package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soap"
)

// postgresDSNEnv names the DSN (a URL) of a PostgreSQL server whose user may
// create databases; without it the multi-instance tests skip, or fail under
// CI=true.
const postgresDSNEnv = "FUELGATE_TEST_POSTGRES_DSN"

// Bounds of the multi-instance checks: a change made on one instance reaches
// the others through LISTEN/NOTIFY at once (notifyBound), and through the
// auth caches' TTL (15 s) if a notification were lost (ttlBound).
const (
	notifyBound = 2 * time.Second
	ttlBound    = 15 * time.Second
)

// freshPostgres creates the database fuelgate_multi_<random> on the server
// FUELGATE_TEST_POSTGRES_DSN names, drops it WITH (FORCE) when t ends, and
// returns its URL. When the variable is unset it skips t, or fails it under
// CI=true.
func freshPostgres(t *testing.T) string {
	t.Helper()
	server := os.Getenv(postgresDSNEnv)
	if server == "" {
		fgtest.Missing(t, "the multi-instance tests need PostgreSQL: set "+postgresDSNEnv+", e.g. "+
			postgresDSNEnv+"=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", postgresDSNEnv)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "fuelgate_multi_" + hex.EncodeToString(rnd[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("DROP DATABASE %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// randomKey is base64 of n random bytes, as FUELGATE_PEPPER and
// FUELGATE_ENCRYPTION_KEY take them.
func randomKey(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// startInstance starts "fuelgate serve" on dsn with the keys in env.
func startInstance(t *testing.T, dsn string, env map[string]string) *instance {
	t.Helper()
	return startServe(t, map[string]string{"FUELGATE_DB": "", "FUELGATE_KEY_FILE": "",
		"FUELGATE_PEPPER": env["FUELGATE_PEPPER"], "FUELGATE_ENCRYPTION_KEY": env["FUELGATE_ENCRYPTION_KEY"]}, "--db", dsn)
}

// TestMultiInstancePostgres runs two fuelgate processes on one fresh
// PostgreSQL database and checks they behave as one: tokens, revocations,
// disabled packages, rotated secrets, digest nonces and lockouts are shared,
// and changes reach the other instance within the documented bound.
func TestMultiInstancePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary against PostgreSQL")
	}
	dsn := freshPostgres(t)
	env := map[string]string{"FUELGATE_PEPPER": randomKey(32), "FUELGATE_ENCRYPTION_KEY": randomKey(32)}
	withPassword := func(pw string) map[string]string {
		e := map[string]string{"FUELGATE_PASSWORD": pw}
		for k, v := range env {
			e[k] = v
		}
		return e
	}

	// Provision through the CLI before the servers start.
	ent := jsonNumber(t, runJSON(t, env, "", "bu", "create", "--db", dsn, "--name", "Multi Ent"), "mid")
	runJSON(t, env, "", "settings", "set", "--db", dsn, "--mid", ent, "--api-password-login", "on", "--lockout-threshold", "4")
	role := runJSON(t, env, "", "role", "create", "--db", dsn, "--mid", ent, "--name", "API Access",
		"--permission", fuelgate.PermWebServicesAPI)
	roleID, _ := role["id"].(string)
	if roleID == "" {
		t.Fatalf("role create = %v", role)
	}
	const digestPW, lockPW = "Digest-Passw0rd!", "Lock-Passw0rd!"
	runJSON(t, withPassword(digestPW), "", "user", "create", "--db", dsn, "--mid", ent, "--username", "multi_digest",
		"--name", "Digest API", "--email", "digest@example.com", "--api-user", "--digest-capable", "--role", roleID)
	runJSON(t, withPassword(lockPW), "", "user", "create", "--db", dsn, "--mid", ent, "--username", "multi_lock",
		"--name", "Lock API", "--email", "lock@example.com", "--api-user", "--role", roleID)
	newPackage := func(name string) (string, string) {
		p := runJSON(t, env, "", "package", "create", "--db", dsn, "--mid", ent, "--name", name, "--scopes", "accounts_read")
		id, _ := p["client_id"].(string)
		sec, _ := p["client_secret"].(string)
		if id == "" || sec == "" {
			t.Fatalf("package create = %v", p)
		}
		return id, sec
	}
	revokeID, revokeSecret := newPackage("revoke")
	disableID, disableSecret := newPackage("disable")
	rotateID, rotateSecret := newPackage("rotate")

	a, b := startInstance(t, dsn, env).base, startInstance(t, dsn, env).base
	client := &http.Client{Timeout: 10 * time.Second}
	mustToken := func(base, id, sec string) string {
		t.Helper()
		tok, ok := postToken(client, base, tokenRequest(id, sec))
		if !ok {
			t.Fatalf("POST %s/v2/token for %s refused", base, id)
		}
		return tok
	}

	// A token issued by A verifies on B (and on A); both now cache it.
	tok := mustToken(a, revokeID, revokeSecret)
	for _, base := range []string{b, a} {
		if !retrieveOK(client, base, tok) {
			t.Fatalf("token issued by A does not verify on %s", base)
		}
	}

	// Revoked on A (POST /v2/token/revoke): refused on B within the bound.
	rev, _ := json.Marshal(map[string]string{"client_id": revokeID, "client_secret": revokeSecret, "token": tok})
	resp, err := client.Post(a+"/v2/token/revoke", "application/json", bytes.NewReader(rev))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v2/token/revoke on A = %d, want 200", resp.StatusCode)
	}
	awaitRefused(t, "revoked token on B", func() (bool, string) {
		body, _ := soapPost(client, b, "Retrieve", tok, retrieveAll)
		return strings.Contains(body, "Login Failed"), excerptOf(body)
	})

	// A disabled package: its token and its credentials are refused on both.
	dtokA, dtokB := mustToken(a, disableID, disableSecret), mustToken(b, disableID, disableSecret)
	for _, c := range []struct{ base, tok string }{{a, dtokA}, {b, dtokB}, {a, dtokB}, {b, dtokA}} {
		if !retrieveOK(client, c.base, c.tok) {
			t.Fatalf("token of the package to disable does not verify on %s", c.base)
		}
	}
	if d := runJSON(t, env, "", "package", "disable", "--db", dsn, "--client-id", disableID); d["enabled"] != false {
		t.Fatalf("package disable = %v", d)
	}
	for name, base := range map[string]string{"A": a, "B": b} {
		awaitRefused(t, "disabled package's token on "+name, func() (bool, string) {
			body, _ := soapPost(client, base, "Retrieve", dtokA, retrieveAll)
			return strings.Contains(body, "Login Failed"), excerptOf(body)
		})
		awaitRefused(t, "disabled package's credentials on "+name, func() (bool, string) {
			_, ok := postToken(client, base, tokenRequest(disableID, disableSecret))
			return !ok, "a token was issued"
		})
	}

	// A rotated secret (no overlap): the old one is refused on both.
	mustToken(a, rotateID, rotateSecret)
	mustToken(b, rotateID, rotateSecret)
	r := runJSON(t, env, "", "package", "rotate-secret", "--db", dsn, "--client-id", rotateID)
	newSecret, _ := r["client_secret"].(string)
	for name, base := range map[string]string{"A": a, "B": b} {
		awaitRefused(t, "old client secret on "+name, func() (bool, string) {
			_, ok := postToken(client, base, tokenRequest(rotateID, rotateSecret))
			return !ok, "a token was issued"
		})
		mustToken(base, rotateID, newSecret)
	}

	// A PasswordDigest nonce used on A is refused on B.
	ut, err := soap.NewUsernameToken("multi_digest", digestPW, true, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var digestReq bytes.Buffer
	if err := soap.WriteRequest(&digestReq, soap.V11, soap.RequestHeader{UsernameToken: ut}, retrieveElement()); err != nil {
		t.Fatal(err)
	}
	if body := soapRaw(t, client, a, digestReq.Bytes()); !strings.Contains(body, "<OverallStatus>OK</OverallStatus>") {
		t.Fatalf("PasswordDigest login on A failed: %s", excerptOf(body))
	}
	if body := soapRaw(t, client, b, digestReq.Bytes()); !strings.Contains(body, "Login Failed") {
		t.Fatalf("PasswordDigest nonce replayed on B was not refused: %s", excerptOf(body))
	}

	// Failed logins spread over A and B lock the user (threshold 4).
	login := func(base, pw string) string {
		t.Helper()
		ut, err := soap.NewUsernameToken("multi_lock", pw, false, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var req bytes.Buffer
		if err := soap.WriteRequest(&req, soap.V11, soap.RequestHeader{UsernameToken: ut}, retrieveElement()); err != nil {
			t.Fatal(err)
		}
		return soapRaw(t, client, base, req.Bytes())
	}
	for i, base := range []string{a, a, b, b} {
		if body := login(base, "wrong-password"); !strings.Contains(body, "Login Failed") {
			t.Fatalf("wrong password %d on %s: %s; want Login Failed", i+1, base, excerptOf(body))
		}
	}
	for name, base := range map[string]string{"A": a, "B": b} {
		if body := login(base, lockPW); !strings.Contains(body, "Login Failed") {
			t.Errorf("right password on %s after 4 failures over A and B: %s; want Login Failed (locked)", name, excerptOf(body))
		}
	}
	audit := runJSON(t, env, "", "audit", "list", "--db", dsn, "--action", "user.lockout")
	items, _ := audit["items"].([]any)
	if len(items) != 1 || !strings.Contains(toJSON(items[0]), "user:multi_lock") {
		t.Errorf("audit list --action user.lockout = %v; want one lockout of multi_lock", audit["items"])
	}
}

// awaitRefused polls refused until it reports true. It fails the test when
// that takes longer than notifyBound (the notification should have dropped
// the other instance's caches) and stops when it takes longer than ttlBound.
func awaitRefused(t *testing.T, what string, refused func() (bool, string)) {
	t.Helper()
	start := time.Now()
	last := ""
	for time.Since(start) < ttlBound+time.Second {
		ok, detail := refused()
		if ok {
			if el := time.Since(start); el > notifyBound {
				t.Errorf("%s: refused only after %v; want within %v (LISTEN/NOTIFY)", what, el.Round(time.Millisecond), notifyBound)
			}
			return
		}
		last = detail
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: still accepted after %v (cache TTL bound %v); last answer: %s", what, ttlBound+time.Second, ttlBound, last)
}

func tokenRequest(id, secret string) []byte {
	b, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret})
	return b
}

const retrieveAll = `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg>`

func retrieveElement() *soap.Element {
	return soap.NewElement("RetrieveRequestMsg", soap.NewElement("RetrieveRequest",
		soap.TextElement("ObjectType", "BusinessUnit"), soap.TextElement("Properties", "ID")))
}

// soapRaw posts a whole SOAP envelope and returns the answer's body.
func soapRaw(t *testing.T, c *http.Client, base string, env []byte) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/Service.asmx", bytes.NewReader(env))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "Retrieve")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func excerptOf(s string) string {
	if i := strings.Index(s, "<faultstring>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestBenchPostgresInstances runs "fuelgate bench" briefly with two
// instances on a fresh PostgreSQL database: every scenario gets answers and
// none fails, and a second run on the now filled database is refused.
func TestBenchPostgresInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary against PostgreSQL")
	}
	dsn := freshPostgres(t)
	bin := buildBinary(t)
	benchCmd := func() *exec.Cmd {
		cmd := exec.Command(bin, "bench", "--db", dsn, "--instances", "2", "--duration", "500ms", "--connections", "4",
			"--scenarios", "token,soap-token,soap-text,soap-digest", "--json")
		cmd.Env = append(os.Environ(), "FUELGATE_PEPPER=", "FUELGATE_ENCRYPTION_KEY=", "FUELGATE_KEY_FILE=")
		return cmd
	}
	var stderr bytes.Buffer
	cmd := benchCmd()
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fuelgate bench: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Backend   string `json:"backend"`
		Instances int    `json:"instances"`
		Results   []struct {
			Scenario   string  `json:"scenario"`
			Requests   int64   `json:"requests"`
			Errors     int64   `json:"errors"`
			FirstError string  `json:"first_error"`
			RSS        float64 `json:"server_rss_mb"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("bench --json output %q: %v", out, err)
	}
	if rep.Backend != "postgres" || rep.Instances != 2 || len(rep.Results) != 4 {
		t.Fatalf("bench report = %s; want 4 results from 2 postgres instances", out)
	}
	for _, r := range rep.Results {
		if r.Requests == 0 || r.Errors > 0 || r.RSS == 0 {
			t.Errorf("%s: %d requests, %d errors (%s), rss %.1f MB; want answers, no errors and a measured server",
				r.Scenario, r.Requests, r.Errors, r.FirstError, r.RSS)
		}
	}
	again := benchCmd()
	if msg, err := again.CombinedOutput(); err == nil || !strings.Contains(string(msg), "already has business units") {
		t.Errorf("second bench on the same database: %v, %s; want a refusal", err, msg)
	}
}
