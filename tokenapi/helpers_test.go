package tokenapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

var ctx = context.Background()

// epoch is where tests freeze the server clock, so that exp/iat are stable.
var epoch = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// env is a live fuelgate with, besides fgtest's objects, a legacy package
// and a disabled package.
type env struct {
	*fgtest.Env
	legacy, disabled             *fuelgate.Package
	legacySecret, disabledSecret string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	// Many failures come from one address here; throttling has its own test.
	e := &env{Env: fgtest.New(t, fgtest.Options{Configure: func(c *server.Config) { c.Throttle.Burst = 1 << 20 }})}
	e.Clock.Set(epoch)
	op := manage.Operator()
	var err error
	e.legacy, e.legacySecret, err = e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: e.Enterprise.MID,
		Name: "Legacy Package", Scopes: []string{"users_read"}, Legacy: true})
	if err != nil {
		t.Fatal(err)
	}
	e.disabled, e.disabledSecret, err = e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: e.Enterprise.MID,
		Name: "Disabled Package", Scopes: []string{"users_read"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Manage.SetPackageEnabled(ctx, op, e.disabled.ClientID, false); err != nil {
		t.Fatal(err)
	}
	return e
}

// request describes one HTTP request; bodies and headers may hold the
// placeholders that env.expand replaces.
type request struct {
	method      string // default POST
	path        string
	contentType string
	body        string
	basic       []string // user, password
	header      map[string]string
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// expand replaces the placeholders of s with the env's values.
func (e *env) expand(s string) string {
	return strings.NewReplacer(
		"{{ID}}", e.ClientID, "{{SECRET}}", e.ClientSecret,
		"{{LEGACY_ID}}", e.legacy.ClientID, "{{LEGACY_SECRET}}", e.legacySecret,
		"{{OFF_ID}}", e.disabled.ClientID, "{{OFF_SECRET}}", e.disabledSecret,
		"{{ENTERPRISE}}", itoa(e.Enterprise.MID), "{{CHILD}}", itoa(e.Child.MID), "{{GRANDCHILD}}", itoa(e.Grandchild.MID),
	).Replace(s)
}

// do sends r to the live server.
func (e *env) do(t *testing.T, r request) reply {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(e.expand(r.body))
	}
	req, err := http.NewRequestWithContext(ctx, method, e.URL+e.expand(r.path), body)
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.basic != nil {
		req.SetBasicAuth(e.expand(r.basic[0]), e.expand(r.basic[1]))
	}
	for k, v := range r.header {
		req.Header.Set(k, e.expand(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, r.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// token posts a JSON client_credentials request and returns the decoded answer.
func (e *env) token(t *testing.T, body string) (reply, map[string]any) {
	t.Helper()
	rep := e.do(t, request{path: "/v2/token", contentType: "application/json", body: body})
	var m map[string]any
	if err := json.Unmarshal(rep.body, &m); err != nil {
		t.Fatalf("token answer %q is not JSON: %v", rep.body, err)
	}
	return rep, m
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkToken fails unless s is a fuelgate token: a stored token's 54
// characters of base64url encoding 40 bytes (an 8-byte id and 32 random
// bytes), or a sealed token: base64url of version byte 1 and more than 40
// bytes, at most auth.MaxTokenLength characters.
func checkToken(t *testing.T, what, s string) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(s)
	stored := len(s) == 54 && len(raw) == 40
	sealed := len(raw) > 40 && raw[0] == 1 && len(s) <= auth.MaxTokenLength
	if !tokenRE.MatchString(s) || err != nil || !(stored || sealed) {
		t.Errorf("%s: got %q, want a stored token (54 characters of base64url, 40 bytes) or a sealed one", what, s)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// decodeJSON reads and closes resp's body into v.
func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
