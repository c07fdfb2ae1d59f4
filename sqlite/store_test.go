package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/sqlite"
	"github.com/fuelgate/fuelgate/storetest"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) fuelgate.Store {
		return open(t, filepath.Join(t.TempDir(), "f.db"))
	})
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := t.Context()
	if err := s.CreateAccount(ctx, &fuelgate.Account{MID: 100, Name: "Enterprise", Active: true}); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	before := migrations(t, s.DB())
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, path)
	a, err := s.Account(ctx, 100)
	if err != nil {
		t.Fatalf("Account after reopen: %v", err)
	}
	if a.Name != "Enterprise" {
		t.Fatalf("Account after reopen: got name %q, want %q", a.Name, "Enterprise")
	}
	after := migrations(t, s.DB())
	if len(after) == 0 || len(after) != len(before) {
		t.Fatalf("schema_migrations after reopen: got %d rows, want %d (and > 0)", len(after), len(before))
	}
	for v, appliedAt := range before {
		if after[v] != appliedAt {
			t.Fatalf("migration %d: got applied_at %d after reopen, want %d (not re-run)", v, after[v], appliedAt)
		}
	}
}

// migrations returns schema_migrations as version → applied_at.
func migrations(t *testing.T, db *sql.DB) map[int64]int64 {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		t.Fatalf("query schema_migrations: %v", err)
	}
	defer rows.Close()
	m := map[int64]int64{}
	for rows.Next() {
		var v, at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatalf("scan schema_migrations: %v", err)
		}
		m[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	return m
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	s := open(t, path)
	if err := s.CreateAccount(t.Context(), &fuelgate.Account{MID: 1}); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"database", path},
		{"wal", path + "-wal"},
		{"shm", path + "-shm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, err := os.Stat(tt.path)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Fatalf("mode of %s: got %v, want %v", tt.path, got, os.FileMode(0o600))
			}
		})
	}
}

func TestPragmas(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "f.db"))
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
		{"wal_autocheckpoint", "0"}, // checkpoints run in the background
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			var got string
			if err := s.DB().QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Fatalf("PRAGMA %s: got %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{"empty", "", fuelgate.EINVALID},
		{"query", filepath.Join(t.TempDir(), "f.db?mode=ro"), fuelgate.EINVALID},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "f.db"), fuelgate.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sqlite.Open(t.Context(), tt.path)
			if err == nil {
				s.Close()
			}
			if got := fuelgate.ErrorCode(err); got != tt.want {
				t.Fatalf("Open(%q): got code %q (%v), want %q", tt.path, got, err, tt.want)
			}
		})
	}
}

// TestWALStaysBounded writes for longer than the WAL would hold without
// checkpoints: the background checkpointer must copy it into the database
// and rewind it, so the WAL file stops growing while the database grows,
// and every write lands. The WAL file keeps its largest size (a rewind
// reuses it from the start), so a checkpointer slowed down by a busy
// machine may let it grow early on; the test writes rounds until the
// database has outgrown it, up to a bound that a WAL never rewound always
// keeps up with (it holds every page written, the database's size and more).
func TestWALStaysBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	s := open(t, path)
	ctx := t.Context()
	if err := s.CreateAccount(ctx, &fuelgate.Account{MID: 100, Name: "Enterprise", Active: true}); err != nil {
		t.Fatal(err)
	}
	const writers, perWriter, maxRounds = 8, 1500, 4
	written := 0
	for round := range maxRounds {
		errs := make(chan error, writers)
		for w := range writers {
			go func() {
				for i := range perWriter {
					e := &fuelgate.AuditEvent{Time: time.Now(), MID: 100, Actor: "test", Action: "test.write",
						Target: fmt.Sprintf("r%d-w%d-%d", round, w, i), Outcome: fuelgate.OutcomeSuccess, Detail: strings.Repeat("x", 3000)}
					if err := s.AppendAudit(ctx, e); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range writers {
			if err := <-errs; err != nil {
				t.Fatalf("AppendAudit: %v", err)
			}
		}
		written += writers * perWriter
		var n int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events WHERE action = 'test.write'").Scan(&n); err != nil || n != written {
			t.Fatalf("stored events: got %d (%v), want %d", n, err, written)
		}
		db, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		wal, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		if db.Size() >= 32<<20 && wal.Size() < db.Size() {
			return
		}
		if round == maxRounds-1 {
			t.Fatalf("after %d rounds: WAL %d bytes, database %d bytes: the WAL was not checkpointed and rewound",
				maxRounds, wal.Size(), db.Size())
		}
	}
}

// TestBetweenWrites runs work between group-commit batches: never inside a
// transaction, with its error returned, and without losing the writes
// queued around it.
func TestBetweenWrites(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "f.db"))
	ctx := t.Context()
	type betweenWriter interface {
		BetweenWrites(context.Context, func(context.Context, *sql.DB) error) error
	}
	ran := false
	err := s.Atomic(ctx, func(tx fuelgate.Store) error {
		bw, ok := tx.(betweenWriter)
		if !ok {
			t.Errorf("the Store inside Atomic (%T) has no BetweenWrites", tx)
			return nil
		}
		return bw.BetweenWrites(ctx, func(context.Context, *sql.DB) error { ran = true; return nil })
	})
	if err == nil || ran || !strings.Contains(err.Error(), "inside a transaction") {
		t.Fatalf("BetweenWrites inside Atomic: got %v (fn ran: %v), want the inside-a-transaction error", err, ran)
	}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := range 200 {
				e := &fuelgate.AuditEvent{Time: time.Now(), Action: "test.write", Target: fmt.Sprintf("%d-%d", w, i)}
				if err := s.AppendAudit(ctx, e); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	want := errors.New("from fn")
	for range 50 {
		got := s.BetweenWrites(ctx, func(ctx context.Context, db *sql.DB) error {
			// No write transaction is open: this one takes the lock at once.
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, "UPDATE settings SET updated_at = updated_at WHERE 0"); err != nil {
				return err
			}
			return want
		})
		if got != want {
			t.Fatalf("BetweenWrites: got %v, want fn's error", got)
		}
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil || n != 800 {
		t.Fatalf("stored events: got %d (%v), want 800", n, err)
	}
}

// TestAtomicRerunHappens checks that the conformance suite's rerun scenario
// does make SQLite's group commit run a function twice: otherwise it would
// prove nothing about this backend.
func TestAtomicRerunHappens(t *testing.T) {
	runs := storetest.RerunAtomic(t, func(t *testing.T) fuelgate.Store {
		return open(t, filepath.Join(t.TempDir(), "f.db"))
	})
	if runs != 2 {
		t.Fatalf("the function queued before a failing one ran %d times, want 2 (fast batch, then again with savepoints)", runs)
	}
}

// TestPingQueriesTheSchema checks that Ping reads fuelgate's tables, not
// just the connection: a database without them is not ready.
func TestPingQueriesTheSchema(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "f.db"))
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on a migrated database: got %v, want nil", err)
	}
	if _, err := s.DB().ExecContext(ctx, "ALTER TABLE accounts RENAME TO accounts_elsewhere"); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); fuelgate.ErrorCode(err) != fuelgate.EINTERNAL {
		t.Fatalf("Ping without the accounts table: got %v, want an EINTERNAL error", err)
	}
}

// TestOpenHonoursContext checks that Open gives up, leaving nothing open,
// when its context has ended: it bounds the migrations like postgres.Open.
func TestOpenHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "f.db"))
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Open with a canceled context: got %v, want context.Canceled", err)
	}
}
