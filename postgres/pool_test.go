package postgres_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// TestSmallPoolNoDeadlock runs more concurrent write transactions than the
// pool has connections, with one connection held by Listen as a server holds
// it: each transaction must finish on its own connection, never wait for a
// second one (the prepared-statement cache once prepared on the pool from
// inside a transaction, and every request then hung).
func TestSmallPoolNoDeadlock(t *testing.T) {
	d := newTestDB(t)
	s := open(t, withPoolSize(d.schema(t), 3))
	lctx, stop := context.WithCancel(t.Context())
	defer stop()
	go s.Listen(lctx, func() {})

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	now := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := hash("small-pool-" + strconv.Itoa(i))
			if err := s.CreateToken(ctx, &fuelgate.Token{Hash: h, Kind: fuelgate.TokenAccess, IssuedAt: now,
				ExpiresAt: now.Add(time.Hour)}); err != nil {
				errs <- err
				return
			}
			if err := s.AppendAudit(ctx, &fuelgate.AuditEvent{Time: now, Actor: "test", Action: "token.issue",
				Outcome: fuelgate.OutcomeSuccess}); err != nil {
				errs <- err
				return
			}
			if _, err := s.Token(ctx, h); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write on a 3-connection pool: %v", err)
	}
}

// withPoolSize returns dsn, a URL or key=value pairs, with pool_max_conns=n.
func withPoolSize(dsn string, n int) string {
	p := "pool_max_conns=" + strconv.Itoa(n)
	switch {
	case !strings.Contains(dsn, "://"):
		return dsn + " " + p
	case strings.Contains(dsn, "?"):
		return dsn + "&" + p
	}
	return dsn + "?" + p
}
