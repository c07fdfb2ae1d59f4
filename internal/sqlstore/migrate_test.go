package sqlstore_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/fuelgate/fuelgate/internal/sqlstore"

	_ "modernc.org/sqlite"
)

var dialect = sqlstore.Dialect{Name: "sqlite", IsUniqueViolation: sqlstore.UniqueViolationText}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestMigrations(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int64
		wantErr bool
	}{
		{"sorted by version", fstest.MapFS{
			"0010_b.sql": file("SELECT 1"), "0002_a.sql": file("SELECT 1"), "README.md": file("x"),
		}, []int64{2, 10}, false},
		{"empty", fstest.MapFS{}, nil, false},
		{"no name", fstest.MapFS{"0001.sql": file("")}, nil, true},
		{"short version", fstest.MapFS{"001_a.sql": file("")}, nil, true},
		{"not a number", fstest.MapFS{"abcd_a.sql": file("")}, nil, true},
		{"zero version", fstest.MapFS{"0000_a.sql": file("")}, nil, true},
		{"duplicate version", fstest.MapFS{"0001_a.sql": file(""), "0001_b.sql": file("")}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := sqlstore.Migrations(tt.fsys)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Migrations: got error %v, want error %v", err, tt.wantErr)
			}
			var got []int64
			for _, m := range list {
				got = append(got, m.Version)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Migrations versions: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	v1 := fstest.MapFS{"0001_init.sql": file("CREATE TABLE a (x BIGINT); CREATE TABLE b (y BIGINT);")}
	v2 := fstest.MapFS{
		"0001_init.sql": v1["0001_init.sql"],
		"0002_more.sql": file("CREATE TABLE c (z BIGINT); INSERT INTO a (x) VALUES (1);"),
	}
	broken := fstest.MapFS{
		"0001_init.sql":   v1["0001_init.sql"],
		"0002_more.sql":   v2["0002_more.sql"],
		"0003_broken.sql": file("CREATE TABLE d (w BIGINT); INSERT INTO nowhere VALUES (1);"),
	}
	steps := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int64
		wantErr bool
	}{
		{"first", v1, []int64{1}, false},
		{"again", v1, nil, false},
		{"new file", v2, []int64{2}, false},
		{"broken file", broken, nil, true},
		{"broken file again", broken, nil, true},
	}
	for _, st := range steps {
		got, err := sqlstore.Migrate(ctx, db, st.fsys, dialect)
		if (err != nil) != st.wantErr {
			t.Fatalf("%s: got error %v, want error %v", st.name, err, st.wantErr)
		}
		if !slices.Equal(got, st.want) {
			t.Fatalf("%s: got applied %v, want %v", st.name, got, st.want)
		}
	}
	var rows int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM a").Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("rows in a: got (%d, %v), want (1, nil): 0002 ran once", rows, err)
	}
	if _, err := db.ExecContext(ctx, "SELECT * FROM d"); err == nil {
		t.Fatalf("table d: got it, want it rolled back with the broken migration")
	}
	var versions int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&versions); err != nil || versions != 2 {
		t.Fatalf("schema_migrations rows: got (%d, %v), want (2, nil)", versions, err)
	}
}
