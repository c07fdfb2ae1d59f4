package sqlstore

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"

	_ "modernc.org/sqlite"
)

// openSQLite opens a new SQLite database in WAL mode and runs schema in it.
func openSQLite(t *testing.T, schema string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db")+"?_txlock=immediate&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestCommitterReplacesBrokenWriterConn: when the connection that carries the
// write batches is gone, the next batch takes a new one instead of failing,
// and the writer pragmas apply to it.
func TestCommitterReplacesBrokenWriterConn(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, "CREATE TABLE t (x INTEGER)")
	s := New(db, Dialect{Name: "sqlite", SerializeWrites: true, WriterPragmas: []string{"PRAGMA cache_size = -4096"}})
	defer s.Close()
	write := func(x int) error {
		return s.Atomic(ctx, func(tx fuelgate.Store) error {
			_, err := tx.(*Store).tx.ExecContext(ctx, "INSERT INTO t (x) VALUES ($1)", x)
			return err
		})
	}
	cacheSize := func() (n int) {
		t.Helper()
		err := s.Atomic(ctx, func(tx fuelgate.Store) error {
			return tx.(*Store).tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := write(1); err != nil {
		t.Fatalf("first write: %v", err)
	}
	if n := cacheSize(); n != -4096 {
		t.Fatalf("writer cache_size %d, want the writer pragma's -4096", n)
	}
	s.commits.lanes[0].conn.Close() // the writer connection breaks
	if err := write(2); err != nil {
		t.Fatalf("write after the writer connection broke: %v", err)
	}
	if n := cacheSize(); n != -4096 {
		t.Fatalf("new writer connection: cache_size %d, want -4096", n)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows: %d (%v), want 2", n, err)
	}
}

// TestCommitterAsyncOnlyWhenEveryJobIsLossy: a batch commits asynchronously
// (Dialect.AsyncCommit runs in it) only when each of its jobs may be lost; a
// batch with one durable job commits durably. AsyncCommit is here an insert
// that marks the transaction it ran in.
func TestCommitterAsyncOnlyWhenEveryJobIsLossy(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, "CREATE TABLE marks (x INTEGER); CREATE TABLE t (name TEXT, async INTEGER)")
	s := New(db, Dialect{Name: "sqlite", SerializeWrites: true, AsyncCommit: "INSERT INTO marks (x) VALUES (1)"})
	defer s.Close()
	// record writes a row saying whether its transaction was marked async.
	record := func(name string) func(*Store) error {
		return func(tx *Store) error {
			_, err := tx.tx.ExecContext(ctx, "INSERT INTO t (name, async) SELECT $1, COUNT(*) FROM marks", name)
			return err
		}
	}
	release := holdLane(t, s)
	var wg sync.WaitGroup
	for _, w := range []struct {
		name  string
		write func(context.Context, func(*Store) error) error
	}{{"durable", s.write}, {"lossy", s.writeLossy}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.write(ctx, record(w.name)); err != nil {
				t.Errorf("%s write: %v", w.name, err)
			}
		}()
	}
	waitQueued(t, s, 2)
	release()
	wg.Wait()
	if err := s.writeLossy(ctx, record("lossy alone")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM marks"); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx, record("durable alone")); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"durable": 0, "lossy": 0, "lossy alone": 1, "durable alone": 0}
	rows, err := db.QueryContext(ctx, "SELECT name, async FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var name string
		var async int
		if err := rows.Scan(&name, &async); err != nil {
			t.Fatal(err)
		}
		got[name] = async
	}
	if !maps.Equal(got, want) {
		t.Errorf("async marks per write = %v, want %v (a lossy write beside a durable one commits durably)", got, want)
	}
}

// holdLane occupies the committer's only lane with a job that waits until
// the returned release is called, so that the writes queued meanwhile form
// one batch.
func holdLane(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, hold := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Atomic(context.Background(), func(fuelgate.Store) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		if err := <-done; err != nil {
			t.Errorf("holding job: %v", err)
		}
	}
}

// waitQueued waits until n jobs wait in the committer's queue.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.commits.jobs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs queued after 10s, want %d", len(s.commits.jobs), n)
		}
		runtime.Gosched()
	}
}
