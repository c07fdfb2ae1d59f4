package soapapi_test

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/internal/fixtures"
	"github.com/fuelgate/fuelgate/soap"
)

// soapFixture is a recorded request to the SOAP endpoint.
type soapFixture struct {
	name string
	req  *http.Request
	body []byte
}

// soapFixtures returns every recorded request whose path is Service.asmx in
// either spelling.
func soapFixtures(t testing.TB) []soapFixture {
	t.Helper()
	var out []soapFixture
	for _, f := range fixtures.All() {
		req, err := f.HTTP()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !strings.EqualFold(req.URL.Path, "/Service.asmx") {
			continue
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, soapFixture{name: f.Name, req: req, body: body})
	}
	return out
}

// fixtureClock is the instant a fixture must be replayed at: 5 s after the
// Created of its wsu:Timestamp or of a real UsernameToken, else baseTime.
// A placeholder token's Created (PHP legacy mode) is deliberately ignored.
func fixtureClock(t testing.TB, body []byte) time.Time {
	t.Helper()
	env, err := soap.Decode(bytes.NewReader(body), soap.HTTPInfo{}, soap.Limits{})
	if err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	sec := env.Header.Security
	switch {
	case sec == nil:
	case sec.Timestamp != nil && sec.Timestamp.HasCreated:
		return sec.Timestamp.Created.Add(5 * time.Second)
	case sec.UsernameToken != nil && !sec.UsernameToken.IsPlaceholder() && sec.UsernameToken.HasCreated:
		return sec.UsernameToken.CreatedAt.Add(5 * time.Second)
	}
	return baseTime
}

// replay sends a fixture to the live server with its placeholders replaced.
func replay(t testing.TB, e *fgtest.Env, f soapFixture, subst map[string]string) *result {
	t.Helper()
	body := string(f.body)
	for k, v := range subst {
		body = strings.ReplaceAll(body, k, v)
	}
	req, err := http.NewRequest(f.req.Method, e.URL+f.req.URL.Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range f.req.Header {
		if k == "Content-Length" || k == "Host" {
			continue
		}
		req.Header[k] = vs
	}
	return do(t, e, req) // net/http sets Content-Length from the new body
}

// TestFixturesAccepted replays every recorded client request against the live
// server: each must be authenticated (no fault, HTTP 200) and answered in the
// request's SOAP version.
func TestFixturesAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	legacyPkg, legacySecret := newPackage(t, e, e.Enterprise.MID, true, "accounts_read", "users_read")
	fs := soapFixtures(t)
	if len(fs) < 30 {
		t.Fatalf("got %d SOAP fixtures, want at least 30", len(fs))
	}
	type variant struct {
		name   string
		fx     soapFixture
		legacy bool // put a v1 accessToken in fueloauth
	}
	var variants []variant
	for _, f := range fs {
		variants = append(variants, variant{f.name, f, false})
		if f.name == "node-fuelsdk-retrieve" { // ET_Client in legacy mode sends the v1 accessToken in fueloauth
			variants = append(variants, variant{f.name + "/v1 accessToken", f, true})
		}
	}
	for _, v := range variants {
		f := v.fx
		t.Run(v.name, func(t *testing.T) {
			e.Clock.Set(fixtureClock(t, f.body))
			lt := legacyTokens(t, e, legacyPkg.ClientID, legacySecret)
			access := e.Token(0)
			if v.legacy {
				access = lt.AccessToken
			}
			r := replay(t, e, f, map[string]string{
				"ACCESS_TOKEN": access, "LEGACY_TOKEN": lt.LegacyToken,
				"API_USER": "api_user", "API_PASSWORD": fgtest.Password,
			})
			if r.Status != http.StatusOK || r.Fault() != nil {
				t.Fatalf("got %s, want HTTP 200 without a fault", r.describe())
			}
			in, _ := soap.Decode(bytes.NewReader(f.body), soap.HTTPInfo{SOAPAction: f.req.Header.Get("SOAPAction"),
				ContentType: f.req.Header.Get("Content-Type")}, soap.Limits{})
			if r.Env.Version != in.Version {
				t.Errorf("got response %v, want %v", r.Env.Version, in.Version)
			}
			mt, _, _ := mime.ParseMediaType(r.ContentType())
			wantCT := "text/xml"
			if in.Version == soap.V12 {
				wantCT = "application/soap+xml"
			}
			if mt != wantCT {
				t.Errorf("got Content-Type %q, want %s", r.ContentType(), wantCT)
			}
			if got, want := r.Body().Name.Local, strings.TrimSuffix(in.Body.Name.Local, "Request")+"Response"; in.Action != "Retrieve" && in.Action != "Configure" && got != want {
				t.Errorf("got payload %s, want %s", got, want)
			}
			if st := r.OverallStatus(); st == "" {
				t.Errorf("got no OverallStatus in %s", r.describe())
			} else if strings.Contains(string(f.body), "Subscriber") && in.Action == "Retrieve" &&
				!strings.HasPrefix(st, "Error: Unable to find a handler for object type: Subscriber") {
				t.Errorf("got OverallStatus %q, want the Subscriber handler error", st)
			}
		})
	}
}

// TestDigestFixtureReplay checks that a recorded PasswordDigest request is
// refused the second time inside the freshness window, and when the clock is
// past that window.
func TestDigestFixtureReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var f soapFixture
	for _, x := range soapFixtures(t) {
		if x.name == "zeep-wsse-digest" {
			f = x
		}
	}
	if f.body == nil {
		t.Fatal("fixture zeep-wsse-digest missing")
	}
	subst := map[string]string{"API_USER": "api_user"}
	at := fixtureClock(t, f.body)
	cases := []struct {
		name  string
		clock time.Time
		ok    bool
	}{
		{"stale Created, 301 s later", at.Add(296 * time.Second), false},
		{"first use", at, true},
		{"replayed nonce", at.Add(time.Second), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.Clock.Set(c.clock)
			r := replay(t, e, f, subst)
			if c.ok {
				assertOK(t, r)
				return
			}
			assertSecurityFault(t, r, soap.FaultLoginFailed)
		})
	}
}
