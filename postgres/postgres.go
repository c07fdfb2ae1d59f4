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
//
// Writes are grouped (sqlstore.Dialect.WriteLanes): concurrent write
// transactions of one instance queue and run together, many to one
// PostgreSQL transaction and one flush of its log, in up to two such
// transactions at a time, each on a pool connection held only while it
// runs. Unless the DSN sets pool_max_conns, the pool has room for those two
// plus four connections for reads, LISTEN and notifications.
//
// Concurrent UseNonce calls of one instance (one per digest login) are
// gathered into one transaction, sent in one round trip (see
// recordNonces).
//
// Two kinds of write commit with synchronous_commit off, acknowledged before
// their log record is flushed, because losing them in a PostgreSQL crash
// does no harm beyond what follows: a UsernameToken nonce record (UseNonce)
// and the deletion of expired rows (the sweeps). A crash of the database
// server (not of fuelgate) loses at most the last 3 × wal_writer_delay of
// those commits (600 ms by default); a nonce lost so can be replayed once
// more after the restart, while its Created is still within the freshness
// window (5 minutes), and a lost deletion is done again by the next sweep.
// Every other write — access tokens, which a client holds once they are
// acknowledged, audit events, admin changes, lockout counters — commits
// durably, and so does a group that holds any of them.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"strings"

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
	WriteLanes:             writeLanes,
	AsyncCommit:            "SET LOCAL synchronous_commit = off",
}

// writeLanes is how many groups of write transactions run at a time (see
// sqlstore.Dialect.WriteLanes): while one group waits for its commit to be
// flushed, the next runs its statements.
const writeLanes = 2

// readConns is the part of the default pool left for reads, the LISTEN
// connection and notifications beside the write lanes.
const readConns = 4

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
	d := Dialect
	sizePool(cfg, dsn, &d)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	d.RecordNonces = func(ctx context.Context, uses []sqlstore.NonceUse, now int64) error {
		return recordNonces(ctx, pool, uses, now)
	}
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
	return &Store{Store: sqlstore.New(db, d), pool: pool}, nil
}

// sizePool gives the pool room for the write lanes besides reads, the LISTEN
// connection and notifications, unless the DSN sets pool_max_conns; with a
// pool too small for that, d gets fewer lanes (at least one), so that reads
// always find a connection.
func sizePool(cfg *pgxpool.Config, dsn string, d *sqlstore.Dialect) {
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, int32(d.WriteLanes+readConns))
	}
	d.WriteLanes = max(1, min(d.WriteLanes, int(cfg.MaxConns)-2))
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
