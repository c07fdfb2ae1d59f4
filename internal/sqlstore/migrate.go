package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Migration is one schema change: the file NNNN_name.sql.
type Migration struct {
	Version int64
	Name    string // the file name
	SQL     string
}

// Migrations reads the *.sql files at the root of fsys, each named
// NNNN_name.sql with a unique positive version NNNN, sorted by version.
func Migrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var list []Migration
	for _, name := range names {
		version, err := migrationVersion(name)
		if err != nil {
			return nil, err
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		list = append(list, Migration{Version: version, Name: name, SQL: string(text)})
	}
	slices.SortFunc(list, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i := 1; i < len(list); i++ {
		if list[i].Version == list[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", list[i-1].Name, list[i].Name, list[i].Version)
		}
	}
	return list, nil
}

func migrationVersion(name string) (int64, error) {
	digits, rest, ok := strings.Cut(strings.TrimSuffix(path.Base(name), ".sql"), "_")
	if !ok || rest == "" || len(digits) != 4 {
		return 0, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("migration %s: name must be NNNN_name.sql with NNNN > 0", name)
	}
	return v, nil
}

// Beginner is what both *sql.DB and *sql.Conn provide: Migrate runs on either,
// so that a backend can migrate on the one connection that holds a lock.
type Beginner interface {
	Querier
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

var (
	_ Beginner = (*sql.DB)(nil)
	_ Beginner = (*sql.Conn)(nil)
)

// Migrate applies the migrations in fsys that db has not yet applied, each in
// its own transaction together with its row in schema_migrations, and
// returns the versions it applied. The schema_migrations table is created
// if missing. Concurrent migrators are safe as long as d's write
// transactions serialize (SQLite's BEGIN IMMEDIATE) or the caller holds a
// lock around Migrate (PostgreSQL's pg_advisory_lock, see package postgres).
func Migrate(ctx context.Context, db Beginner, fsys fs.FS, d Dialect) ([]int64, error) {
	const op = "Migrate"
	list, err := Migrations(fsys)
	if err != nil {
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, d.Name+"."+op, "", err)
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at BIGINT NOT NULL)`)
	if err != nil {
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, d.Name+"."+op, "", err)
	}
	var applied []int64
	for _, m := range list {
		ok, err := applyMigration(ctx, db, m)
		if err != nil {
			return applied, fuelgate.WrapError(fuelgate.EINTERNAL, d.Name+"."+op, "", fmt.Errorf("%s: %w", m.Name, err))
		}
		if ok {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

// applyMigration runs m unless it is recorded, and reports whether it ran.
func applyMigration(ctx context.Context, db Beginner, m Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if step := goStep(m.Name); step != nil {
		if err := step(ctx, tx); err != nil {
			return false, err
		}
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		m.Version, m.Name, time.Now().UnixMicro())
	if err != nil {
		return false, err
	}
	return true, tx.Commit()
}
