package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/server"
)

// watchedStore counts the calls /readyz could make, and can make Ping fail.
type watchedStore struct {
	fuelgate.Store
	pingErr      atomic.Pointer[error]
	pings, lists atomic.Int32
}

func (w *watchedStore) Ping(ctx context.Context) error {
	w.pings.Add(1)
	if err := w.pingErr.Load(); err != nil {
		return *err
	}
	return w.Store.Ping(ctx)
}

func (w *watchedStore) Accounts(ctx context.Context, f fuelgate.AccountFilter) ([]*fuelgate.Account, error) {
	w.lists.Add(1)
	return w.Store.Accounts(ctx, f)
}

// TestReadyz checks that /readyz asks the store with Ping, without listing
// business units, and answers 503 when the store does not answer.
func TestReadyz(t *testing.T) {
	var ws *watchedStore
	var log fgtest.Buffer
	e := fgtest.New(t, fgtest.Options{Log: &log, Configure: func(c *server.Config) {
		ws = &watchedStore{Store: c.Store}
		c.Store = ws
	}})
	get := func() (int, string) {
		t.Helper()
		resp, err := http.Get(e.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	pings, lists := ws.pings.Load(), ws.lists.Load()
	if code, body := get(); code != 200 || body != "ready\n" {
		t.Fatalf("GET /readyz on a working store: got %d %q, want 200 \"ready\\n\"", code, body)
	}
	if got := ws.pings.Load() - pings; got != 1 {
		t.Errorf("GET /readyz pinged the store %d times, want 1", got)
	}
	if got := ws.lists.Load() - lists; got != 0 {
		t.Errorf("GET /readyz listed business units %d times, want 0", got)
	}

	down := errors.New("connection refused")
	ws.pingErr.Store(&down)
	if code, body := get(); code != 503 || body != "store unavailable\n" {
		t.Fatalf("GET /readyz on a store that does not answer: got %d %q, want 503 \"store unavailable\\n\"", code, body)
	}
	if !strings.Contains(log.String(), "readiness check failed") {
		t.Errorf("the failed readiness check was not logged; log:\n%s", log.String())
	}
}
