// Package sqlite is fuelgate's embedded storage backend: a fuelgate.Store on
// one SQLite file, through the pure-Go modernc.org/sqlite driver, so fuelgate
// builds with CGO_ENABLED=0. The Store itself is internal/sqlstore's; this
// package supplies the driver, the connection pragmas, the dialect and the
// embedded migrations.
//
// The database runs in WAL mode with busy_timeout(5000), synchronous(NORMAL)
// and foreign keys on; WAL checkpoints run in the background (see
// checkpointer), not inside commits. Write transactions begin IMMEDIATE, so a writer takes
// the write lock before reading instead of failing with SQLITE_BUSY at
// commit, and writers of one process queue in Go for that lock rather than in
// SQLite's polling busy handler. Reads use deferred read-only transactions
// and never block writers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// pragmas are the DSN parameters every connection opens with.
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(1)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"

// maxOpenConns bounds the pool: one writer at a time plus concurrent readers.
const maxOpenConns = 8

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's sqlstore.Dialect.
var Dialect = sqlstore.Dialect{
	Name:              "sqlite",
	IsUniqueViolation: sqlstore.UniqueViolationText,
	SerializeWrites:   true,
	LastInsertID:      true,
	// The writer's page cache: 8 MiB instead of SQLite's 2 MiB, so that the
	// index pages random inserts land on (nonces) are mostly in memory.
	WriterPragmas: []string{"PRAGMA cache_size = -8192"},
}

// Store is a fuelgate.Store on one SQLite file.
type Store struct {
	*sqlstore.Store
	checkpoints *checkpointer
}

var _ fuelgate.Store = (*Store)(nil)

// Open opens the SQLite database at path, creating the file with mode 0600 if
// it does not exist, and applies any migrations it lacks. ctx bounds the
// opening and the migrations, not the life of the Store.
func Open(ctx context.Context, path string) (*Store, error) {
	const op = "sqlite.Open"
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "database path must be a file name without ? or #")
	}
	if err := createFile(path); err != nil {
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, op, "cannot create the database file", err)
	}
	db, err := sql.Open("sqlite", path+"?"+pragmas)
	if err != nil {
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, op, "cannot open the database", err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxOpenConns)
	sub, err := fs.Sub(migrations, "migrations")
	if err == nil {
		_, err = sqlstore.Migrate(ctx, db, sub, Dialect)
	}
	if err != nil {
		db.Close()
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, op, "cannot migrate the database", err)
	}
	st := sqlstore.New(db, Dialect)
	return &Store{Store: st, checkpoints: startCheckpointer(st)}, nil
}

// Close stops the background checkpoints and closes the database.
func (s *Store) Close() error {
	s.checkpoints.close()
	return s.Store.Close()
}

// createFile creates path with mode 0600 unless it exists, so the database
// (and the WAL and shared-memory files SQLite derives from it) are never
// readable by others.
func createFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}
