package sqlstore

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"testing"

	"github.com/fuelgate/fuelgate"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// pgDialect is PostgreSQL's group commit as the postgres package sets it
// (that package imports this one, so its Dialect cannot be used here).
var pgDialect = Dialect{Name: "postgres", WriteLanes: 2, AsyncCommit: "SET LOCAL synchronous_commit = off",
	DriverCachesStatements: true}

// openPG opens a Store with pgDialect on the server FUELGATE_TEST_POSTGRES_DSN
// names; these tests need no tables. Without the variable the test skips,
// and fails under CI=true.
func openPG(t *testing.T) *Store {
	t.Helper()
	dsn := os.Getenv("FUELGATE_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("FUELGATE_TEST_POSTGRES_DSN is unset; CI runs the PostgreSQL tests")
		}
		t.Skip("set FUELGATE_TEST_POSTGRES_DSN to run the PostgreSQL group-commit tests")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	s := New(db, pgDialect)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPostgresGroupCommit: writes queued while both lanes are busy share
// transactions (one commit for many), and each is acknowledged.
func TestPostgresGroupCommit(t *testing.T) {
	s := openPG(t)
	ctx := context.Background()
	releaseA := holdLane(t, s)
	releaseB := holdLane(t, s) // queued after A started: the other lane takes it
	const n = 12
	txids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Atomic(ctx, func(tx fuelgate.Store) error {
				return tx.(*Store).tx.QueryRowContext(ctx, "SELECT txid_current()").Scan(&txids[i])
			})
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}()
	}
	waitQueued(t, s, n)
	releaseA()
	releaseB()
	wg.Wait()
	distinct := map[int64]bool{}
	for _, id := range txids {
		distinct[id] = true
	}
	if len(distinct) > 2 {
		t.Errorf("%d queued writes ran in %d transactions, want at most one per lane (2)", n, len(distinct))
	}
}

// TestPostgresSynchronousCommit: a write that may be lost (a nonce, a sweep)
// commits with synchronous_commit off; every other write with the server's
// setting (on). (That a lossy write batched with a durable one commits
// durably is TestCommitterAsyncOnlyWhenEveryJobIsLossy.)
func TestPostgresSynchronousCommit(t *testing.T) {
	s := openPG(t)
	ctx := context.Background()
	setting := func(write func(context.Context, func(*Store) error) error) (string, error) {
		var v string
		err := write(ctx, func(tx *Store) error {
			return tx.tx.QueryRowContext(ctx, "SELECT current_setting('synchronous_commit')").Scan(&v)
		})
		return v, err
	}
	for _, tt := range []struct {
		name  string
		write func(context.Context, func(*Store) error) error
		want  string
	}{{"durable", s.write, "on"}, {"lossy", s.writeLossy, "off"}} {
		if got, err := setting(tt.write); err != nil || got != tt.want {
			t.Errorf("%s write alone: synchronous_commit %q (%v), want %q", tt.name, got, err, tt.want)
		}
	}
}
