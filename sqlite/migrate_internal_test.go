package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

// TestAuditEnterpriseBackfill: migration 0006 gives the audit events written
// before it the enterprise above their BU, so that an upgraded database's
// Audit Trail still shows them to their enterprise.
func TestAuditEnterpriseBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := createFile(path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, n := range names {
		if strings.Compare(filepath.Base(n), "0006") < 0 {
			data, _ := fs.ReadFile(migrations, n)
			old[filepath.Base(n)] = &fstest.MapFile{Data: data}
		}
	}
	if _, err := sqlstore.Migrate(ctx, db, old, Dialect); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO accounts (mid, parent_mid, name, active, created_at, updated_at) VALUES (10, 0, 'E1', 1, 0, 0), (11, 10, 'C', 1, 0, 0), (12, 11, 'G', 1, 0, 0), (20, 0, 'E2', 1, 0, 0)",
		`INSERT INTO audit_events (at, mid, actor, action, target, outcome, source_ip, detail) VALUES
			(1, 12, 'a', 'x', '', 'success', '', ''), (2, 20, 'a', 'x', '', 'success', '', ''),
			(3, 0, 'a', 'x', '', 'failure', '', ''), (4, 99, 'a', 'x', '', 'failure', '', '')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.AuditEvents(ctx, fuelgate.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int64
	for _, e := range list {
		got = append(got, [2]int64{e.MID, e.EnterpriseMID})
	}
	want := [][2]int64{{99, 0}, {0, 0}, {20, 20}, {12, 10}}
	if !slices.Equal(got, want) {
		t.Fatalf("(MID, EnterpriseMID) after migration: got %v, want %v", got, want)
	}
}
