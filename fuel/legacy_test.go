package fuel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/soap"
)

// legacyFake issues v1 tokens with single-use refresh tokens.
type legacyFake struct {
	mu       sync.Mutex
	n        int
	valid    map[string]bool // unspent refresh tokens
	bodies   []map[string]string
	queries  []string
	discover int
	soapURL  string // answered by the discovery ("": this server's Service.asmx)
	soapToks []string
}

func (l *legacyFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch r.URL.Path {
	case "/v1/requestToken":
		var b map[string]string
		_ = json.NewDecoder(r.Body).Decode(&b)
		l.bodies = append(l.bodies, b)
		l.queries = append(l.queries, r.URL.RawQuery)
		if rt := b["refreshToken"]; rt != "" {
			if !l.valid[rt] {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized", "errorcode": 1, "documentation": ""})
				return
			}
			delete(l.valid, rt) // single use
		}
		l.n++
		rt := fmt.Sprintf("rt%d", l.n)
		l.valid[rt] = true
		writeJSON(w, http.StatusOK, map[string]any{"accessToken": fmt.Sprintf("v1tok%d", l.n), "expiresIn": 3600,
			"legacyToken": fmt.Sprintf("legacy%d", l.n), "refreshToken": rt})
	case "/platform/v1/endpoints/soap":
		l.discover++
		url := l.soapURL
		if url == "" {
			url = "http://" + r.Host + "/Service.asmx"
		}
		writeJSON(w, http.StatusOK, map[string]string{"url": url})
	case "/Service.asmx":
		env, err := soap.Decode(r.Body, soap.HTTPInfo{}, soap.Limits{})
		if err != nil {
			http.Error(w, "bad", 400)
			return
		}
		l.soapToks = append(l.soapToks, env.Header.FuelOAuth)
		respond(w, soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", "OK")))
	default:
		http.NotFound(w, r)
	}
}

func TestLegacyRefreshRotation(t *testing.T) {
	l := &legacyFake{valid: map[string]bool{}}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	src := fuel.LegacyPackage{AuthBaseURL: srv.URL + "/", ClientID: "cid", ClientSecret: "sec", LegacyToken: true}.TokenSource()
	c, err := fuel.NewClient(src, fuel.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var toks []*fuel.Token
	for i := range 3 {
		tok, err := src.Token(ctx)
		if err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
		toks = append(toks, tok)
		src.Invalidate(tok)
	}
	// Spend the held refresh token behind the SDK's back: the next fetch is
	// refused and falls back to the client credentials once.
	l.mu.Lock()
	clear(l.valid)
	l.mu.Unlock()
	if _, err := src.Token(ctx); err != nil {
		t.Fatalf("fetch after a spent refresh token: %v", err)
	}

	wantRefresh := []string{"", "rt1", "rt2", "rt3", ""}
	if len(l.bodies) != len(wantRefresh) {
		t.Fatalf("requestToken calls = %d, want %d", len(l.bodies), len(wantRefresh))
	}
	for i, want := range wantRefresh {
		if got := l.bodies[i]["refreshToken"]; got != want {
			t.Errorf("call %d refreshToken = %q, want %q", i, got, want)
		}
		if l.queries[i] != "legacy=1" || l.bodies[i]["clientId"] != "cid" || l.bodies[i]["accessType"] != "offline" {
			t.Errorf("call %d: query %q body %v, want legacy=1, clientId cid, accessType offline", i, l.queries[i], l.bodies[i])
		}
	}
	if toks[2].LegacyToken != "legacy3" || toks[2].RefreshToken != "rt3" {
		t.Errorf("LegacyToken %q, RefreshToken %q; want legacy3, rt3", toks[2].LegacyToken, toks[2].RefreshToken)
	}
	for i, tok := range toks {
		if tok.SOAPInstanceURL != srv.URL+"/" {
			t.Errorf("token %d SOAPInstanceURL = %q, want the discovered %s/", i, tok.SOAPInstanceURL, srv.URL)
		}
	}
	if l.discover != 1 {
		t.Errorf("%d discoveries for 5 tokens, want 1", l.discover)
	}

	// SOAP: the accessToken in fueloauth, sent to the discovered endpoint.
	for range 2 {
		if _, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "Role"}); err != nil {
			t.Fatal(err)
		}
	}
	if l.discover != 1 || len(l.soapToks) != 2 || l.soapToks[0] != "v1tok4" {
		t.Errorf("discoveries %d, SOAP tokens %v; want 1 discovery and v1tok4 in fueloauth", l.discover, l.soapToks)
	}
	if _, err := c.ForAccount(7); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("ForAccount on a legacy client: err = %v, want ErrConfig (legacy tokens act in the package's BU)", err)
	}
}

// TestLegacyDiscoveryNotSOAP: a discovered URL that is not a Service.asmx
// endpoint is an error, not a guess.
func TestLegacyDiscoveryNotSOAP(t *testing.T) {
	l := &legacyFake{valid: map[string]bool{}, soapURL: "https://elsewhere.example/api"}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	_, err := fuel.LegacyPackage{AuthBaseURL: srv.URL, ClientID: "cid", ClientSecret: "sec"}.TokenSource().Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not end in /Service.asmx") {
		t.Errorf("err = %v, want a discovery error", err)
	}
}
