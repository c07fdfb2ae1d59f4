// Package postgres is fuelgate's scale-out storage backend: a fuelgate.Store
// on PostgreSQL through github.com/jackc/pgx/v5, which several fuelgate
// instances can share. The Store itself is internal/sqlstore's, reached
// through pgx's database/sql adapter on a pgxpool.Pool; this package supplies
// the pool, the dialect and the embedded migrations.
//
// The DSN is any pgx connection string, a URL (postgres://user@host/db) or
// key=value pairs; pool settings such as pool_max_conns go in it too.
//
// Several instances may start at once: migrations run under a
// session-level advisory lock, so one instance migrates while the others
// wait. Write transactions are READ COMMITTED and lock the row an Update*
// call reads (SELECT … FOR UPDATE); multi-statement reads use a read-only
// REPEATABLE READ snapshot. Expired-row sweeps take a transaction-level
// advisory lock without waiting, so only one instance at a time deletes.
// Lock keys are hashed from the current schema and a lock name, so
// deployments in separate schemas of one database do not share locks.
package postgres

import (
	"context"
	"database/sql"
	"embed"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's sqlstore.Dialect.
var Dialect = sqlstore.Dialect{
	Name:              "postgres",
	IsUniqueViolation: sqlstore.UniqueViolationSQLState,
	ForUpdate:         " FOR UPDATE",
	ReadIsolation:     sql.LevelRepeatableRead,
	TryLock:           tryLock,
	// pgx prepares and caches statements per connection.
	DriverCachesStatements: true,
}

// Store is a fuelgate.Store on a PostgreSQL database.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

var _ fuelgate.Store = (*Store)(nil)

// Open connects to the PostgreSQL database dsn names and applies any
// migrations it lacks. EINVALID for a DSN pgx cannot parse.
func Open(ctx context.Context, dsn string) (*Store, error) {
	const op = "postgres.Open"
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx masks the password in its parse errors.
		return nil, fuelgate.WrapError(fuelgate.EINVALID, op, "invalid PostgreSQL connection string", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, op, "cannot connect to the database", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		pool.Close()
		return nil, fuelgate.WrapError(fuelgate.EINTERNAL, op, "cannot migrate the database", err)
	}
	return &Store{Store: sqlstore.New(db, Dialect), pool: pool}, nil
}

// Pool returns the connection pool, for uses that database/sql cannot
// serve, such as LISTEN.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the database handle and then the pool, waiting for
// connections in use to be released.
func (s *Store) Close() error {
	err := s.Store.Close()
	s.pool.Close()
	return err
}
