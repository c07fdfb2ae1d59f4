package tokenapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fixtures"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/sqlite"
)

// seedBodies returns the bodies of the recorded token requests, with their
// Content-Type, plus a few hand-written shapes.
func seedBodies(tb testing.TB) (cts []string, bodies [][]byte) {
	for _, fx := range fixtures.All() {
		if !strings.Contains(fx.Name, "-token") {
			continue
		}
		req, err := fx.HTTP()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			tb.Fatal(err)
		}
		cts = append(cts, req.Header.Get("Content-Type"))
		bodies = append(bodies, b)
	}
	for _, s := range []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=CLIENT_ID&client_secret=CLIENT_SECRET&account_id=100000002"},
		{"application/json", `{"grant_type":"client_credentials","client_id":"CLIENT_ID","client_secret":"CLIENT_SECRET","scope":null}`},
		{"", `{"a":{"b":[1,2,{"c":true}]}}`},
		{"application/json", `{"a":"\ud800","a":1e999}`},
		{"application/json", `{} {}`},
		{"application/x-www-form-urlencoded", "a=%zz&a;b"},
	} {
		cts = append(cts, s.ct)
		bodies = append(bodies, []byte(s.body))
	}
	return cts, bodies
}

// FuzzReadParams checks the token-request body parser: it never panics, an
// error is always an invalid_request description, and what it accepts holds
// no duplicate and round-trips through JSON.
func FuzzReadParams(f *testing.F) {
	cts, bodies := seedBodies(f)
	for i := range bodies {
		f.Add(cts[i], bodies[i])
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/v2/token", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		p, err := readParams(httptest.NewRecorder(), r)
		if err != nil {
			var bad errBadRequest
			if !errors.As(err, &bad) || bad == "" {
				t.Fatalf("got error %#v, want an errBadRequest", err)
			}
			if p != nil {
				t.Fatalf("got params %v with an error", p)
			}
			return
		}
		if p == nil {
			t.Fatal("got nil params without an error")
		}
		if len(body) > MaxBodyBytes {
			t.Fatalf("accepted a body of %d bytes, over the %d limit", len(body), MaxBodyBytes)
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("params %v do not encode: %v", p, err)
		}
	})
}

// tokenHandler is a Handler on a real SQLite store with one package; the
// fuzz target reuses it across inputs.
type tokenHandler struct {
	mux          *http.ServeMux
	clientID     string
	clientSecret string
}

func newTokenHandler(tb testing.TB) *tokenHandler {
	tb.Helper()
	dir := tb.TempDir()
	st, err := sqlite.Open(tb.Context(), filepath.Join(dir, "fuelgate.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	keys, err := secret.LoadKeys(filepath.Join(dir, "fuelgate.key"), func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var a *auth.Service
	m := manage.New(manage.Config{Store: st, Keys: keys, Log: log, Changed: func() { a.Forget() }})
	a = auth.New(auth.Config{Store: st, Keys: keys, Manage: m, Log: log})
	op := manage.Operator()
	ent, err := m.CreateEnterprise(tb.Context(), op, "Fuzz Enterprise")
	if err != nil {
		tb.Fatal(err)
	}
	pkg, sec, err := m.CreatePackage(tb.Context(), op, manage.NewPackage{MID: ent.MID, Name: "Fuzz", Scopes: []string{"users_read", "email_read"}})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	(&Handler{Auth: a, Manage: m, PublicURL: "https://auth.example.com", Log: log}).Register(mux)
	return &tokenHandler{mux: mux, clientID: pkg.ClientID, clientSecret: sec}
}

// FuzzTokenEndpoints sends arbitrary bodies to every POST endpoint of the
// auth service: no input yields a 5xx, and every answer is JSON with the
// required headers. CLIENT_ID and CLIENT_SECRET in the input are replaced by
// live values, so that the success paths are reached too.
func FuzzTokenEndpoints(f *testing.F) {
	h := newTokenHandler(f)
	cts, bodies := seedBodies(f)
	paths := []string{"/v2/token", "/v1/requestToken?legacy=1", "/v2/token/introspect", "/v2/token/revoke"}
	for i := range bodies {
		f.Add(uint8(i), cts[i], bodies[i], "")
	}
	f.Add(uint8(0), "application/x-www-form-urlencoded", []byte("grant_type=client_credentials"), "Basic Q0xJRU5UX0lEOkNMSUVOVF9TRUNSRVQ=")
	f.Fuzz(func(t *testing.T, path uint8, ct string, body []byte, authz string) {
		body = bytes.ReplaceAll(body, []byte("CLIENT_ID"), []byte(h.clientID))
		body = bytes.ReplaceAll(body, []byte("CLIENT_SECRET"), []byte(h.clientSecret))
		r := httptest.NewRequest(http.MethodPost, paths[int(path)%len(paths)], bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		w := httptest.NewRecorder()
		h.mux.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("got status %d %s for %q", w.Code, w.Body, body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("got a body that is not JSON: %q", w.Body)
		}
		if got := w.Header().Get("Content-Type"); got != "application/json;charset=UTF-8" {
			t.Fatalf("got Content-Type %q", got)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Fatalf("got Cache-Control %q", got)
		}
	})
}
