package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/sqlite"
	"github.com/fuelgate/fuelgate/storetest"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
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
	s, err := sqlite.Open(path)
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
			s, err := sqlite.Open(tt.path)
			if err == nil {
				s.Close()
			}
			if got := fuelgate.ErrorCode(err); got != tt.want {
				t.Fatalf("Open(%q): got code %q (%v), want %q", tt.path, got, err, tt.want)
			}
		})
	}
}
