package fuel_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
	"github.com/fuelgate/fuelgate/sqlite"
)

// liveServer runs a real fuelgate on SQLite with the demo objects.
func liveServer(t *testing.T) (*httptest.Server, *manage.Bootstrapped) {
	t.Helper()
	ts, boot, _ := liveServerClock(t)
	return ts, boot
}

// liveServerClock is liveServer with the server's clock offset settable.
func liveServerClock(t *testing.T) (*httptest.Server, *manage.Bootstrapped, *atomic.Int64) {
	t.Helper()
	var offset atomic.Int64 // nanoseconds added to the server's clock
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "fuelgate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	keys := &secret.Keys{Pepper: secret.Bytes(32), EncryptionKey: secret.Bytes(32)}
	var h http.Handler = http.NotFoundHandler()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	srv, err := server.New(server.Config{Store: store, Keys: keys, PublicURL: "http://" + ts.Listener.Addr().String(),
		SweepInterval: -1, Now: now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h = srv.Handler
	ts.Start()
	t.Cleanup(ts.Close)
	boot, err := srv.Manage.Bootstrap(context.Background(), "E2E Enterprise", true)
	if err != nil {
		t.Fatal(err)
	}
	if boot.Demo == nil {
		t.Fatal("Bootstrap created no demo objects")
	}
	return ts, boot, &offset
}

// skipWithoutSOAP skips while the fuelgate SOAP endpoint is not served yet
// (404 for /Service.asmx).
func skipWithoutSOAP(t *testing.T, ts *httptest.Server) {
	t.Helper()
	resp, err := http.Post(ts.URL+"/Service.asmx", "text/xml; charset=utf-8", strings.NewReader("<x/>"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		t.Skip("fuelgate answers 404 for /Service.asmx: SOAP endpoint not ready")
	}
}

func TestE2EToken(t *testing.T) {
	ts, boot := liveServer(t)
	ctx := context.Background()
	cfg := fuel.Config{AuthBaseURL: ts.URL + "/", ClientID: boot.Demo.ClientID, ClientSecret: boot.Demo.ClientSecret}
	src := cfg.TokenSource()
	tok, err := src.Token(ctx)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if tok.Lifetime <= 0 || tok.SOAPInstanceURL == "" || !strings.HasSuffix(tok.SOAPInstanceURL, "/") {
		t.Errorf("token %v: want a lifetime and a soap_instance_url ending in /", tok)
	}
	if again, _ := src.Token(ctx); again != tok {
		t.Error("second Token call fetched again, want the cached token")
	}

	cfg.ClientSecret = "wrong"
	_, err = cfg.TokenSource().Token(ctx)
	var ae *fuel.AuthError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.Code != "invalid_client" {
		t.Errorf("wrong secret: err = %v, want a 401 invalid_client *fuel.AuthError", err)
	}
}

func TestE2ERetrieveBusinessUnits(t *testing.T) {
	ts, boot := liveServer(t)
	skipWithoutSOAP(t, ts)
	c, err := fuel.NewClient(fuel.Config{AuthBaseURL: ts.URL, ClientID: boot.Demo.ClientID, ClientSecret: boot.Demo.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for obj, err := range c.RetrieveAll(context.Background(), fuel.RetrieveRequest{
		ObjectType: "BusinessUnit", Properties: []string{"ID", "Name", "ParentID"}, QueryAllAccounts: true,
	}) {
		if err != nil {
			t.Fatalf("RetrieveAll: %v", err)
		}
		if _, err := fuel.BusinessUnitFromObject(obj); err != nil {
			t.Errorf("BusinessUnit %v: %v", obj, err)
		}
		n++
	}
	if n == 0 {
		t.Error("no business units retrieved")
	}
}

func TestE2EUsernameToken(t *testing.T) {
	ts, boot := liveServer(t)
	skipWithoutSOAP(t, ts)
	for _, digest := range []bool{false, true} {
		c, err := fuel.NewClient(fuel.Config{Username: boot.Demo.APIUsername, Password: boot.Demo.APIPassword, Digest: digest,
			SOAPEndpoint: ts.URL + "/Service.asmx"})
		if err != nil {
			t.Fatal(err)
		}
		// The demo API user is digest-capable: PasswordDigest must work too.
		_, err = c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
		if err != nil {
			t.Errorf("digest=%v: Retrieve: %v", digest, err)
		}
	}
}

// TestE2ETokenExpiredRetry moves the server's clock past the token's
// lifetime: the server answers Token Expired to a token the client still
// trusts, and the client fetches a new one and retries once.
func TestE2ETokenExpiredRetry(t *testing.T) {
	ts, boot, offset := liveServerClock(t)
	skipWithoutSOAP(t, ts)
	c, err := fuel.NewClient(fuel.Config{AuthBaseURL: ts.URL, ClientID: boot.Demo.ClientID, ClientSecret: boot.Demo.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}
	if _, err := c.Retrieve(ctx, req); err != nil {
		t.Fatalf("first Retrieve: %v", err)
	}
	old, _ := c.TokenSource().Token(ctx)
	offset.Store(int64(time.Hour))
	if _, err := c.Retrieve(ctx, req); err != nil {
		t.Fatalf("Retrieve after the server's clock moved on: %v", err)
	}
	if tok, _ := c.TokenSource().Token(ctx); tok == old {
		t.Error("the expired token is still cached, want a new one")
	}
}
