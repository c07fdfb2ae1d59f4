package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/fuelgate/fuelgate"

	_ "modernc.org/sqlite"
)

// TestCommitterReplacesBrokenWriterConn: when the connection that carries the
// write batches is gone, the next batch takes a new one instead of failing,
// and the writer pragmas apply to it.
func TestCommitterReplacesBrokenWriterConn(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db")+"?_txlock=immediate&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
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
	s.commits.conn.Close() // the writer connection breaks
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
