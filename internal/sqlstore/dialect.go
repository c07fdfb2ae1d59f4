package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Dialect describes what differs between SQL databases.
type Dialect struct {
	// Name names the backend in error ops, e.g. "sqlite".
	Name string

	// IsUniqueViolation reports whether err, returned by the driver, is a
	// unique or primary-key constraint violation.
	IsUniqueViolation func(err error) bool

	// ForUpdate is appended to the SELECT that reads a row for an Update*
	// call inside a write transaction: "" for SQLite, whose write
	// transactions are already exclusive, and " FOR UPDATE" for PostgreSQL.
	ForUpdate string

	// ReadIsolation is the isolation level of the read-only transactions
	// that give multi-statement reads one snapshot: sql.LevelDefault for
	// SQLite, sql.LevelRepeatableRead for PostgreSQL.
	ReadIsolation sql.IsolationLevel

	// SerializeWrites queues write transactions in the process and runs
	// them in groups, one group at a time, on one connection held for the
	// Store's life (see committer). SQLite allows one writer and its busy
	// handler waits by polling with sleeps of up to 100ms, so queueing in Go
	// gives concurrent writers far lower latency.
	SerializeWrites bool

	// WriteLanes, when above 0 and without SerializeWrites, queues write
	// transactions and runs them in groups, up to WriteLanes groups at a
	// time, each on a pool connection it holds only while it runs: one
	// commit (one flush of the database's log) for many writes. PostgreSQL
	// takes a few lanes, so that one group runs its statements while
	// another waits for its commit.
	WriteLanes int

	// AsyncCommit, when set, is run first in a write transaction whose every
	// write may be lost on a database crash without harm (see
	// Store.writeLossy), so that the commit returns before the log reaches
	// the disk: PostgreSQL's "SET LOCAL synchronous_commit = off". Other
	// transactions commit durably.
	AsyncCommit string

	// TryLock, when set, lets one instance at a time run a sweep
	// (DeleteTokensExpiredBefore, DeleteNoncesExpiredBefore,
	// DeleteAuditBefore, DeleteAuthCodesExpiredBefore) when several share
	// one database. It is called first in the sweep's write transaction q
	// with one of the Sweep* lock names and reports whether it took that
	// lock without waiting; the lock must be released when the transaction
	// ends (PostgreSQL's pg_try_advisory_xact_lock). A sweep that does not
	// get the lock deletes nothing and returns 0: another instance is
	// deleting the same rows.
	// nil, as for SQLite, means sweeps always run.
	TryLock func(ctx context.Context, q Querier, name string) (bool, error)

	// DriverCachesStatements bypasses the store's prepared-statement cache:
	// the driver prepares and caches statements per connection itself
	// (pgx), and preparing on the pool from inside a transaction would take
	// a second connection, which a bounded pool may not have — concurrent
	// transactions would each hold one and wait for another forever.
	DriverCachesStatements bool

	// LastInsertID says the driver reports the row ID an INSERT assigned
	// (sql.Result.LastInsertId), as SQLite's does; otherwise inserts read it
	// back with RETURNING, which costs a result set per insert.
	LastInsertID bool

	// RecordNonces, when set, records a group of nonce uses in one
	// transaction of its own, as UseNonce records one: each (UserID, Hash)
	// pair, distinct within uses, is inserted with its expiry, or replaces a
	// recorded pair whose expiry is before now (Unix microseconds); it sets
	// Fresh on the uses it inserted or replaced. A crash of the database may
	// lose the group (see Store.writeLossy), so it may commit
	// asynchronously. Concurrent UseNonce calls are then gathered into one
	// such group (see nonceGroup): PostgreSQL sends its transaction in one
	// round trip.
	RecordNonces func(ctx context.Context, uses []NonceUse, now int64) error

	// WriterPragmas run once on the connection that carries every write
	// group (with SerializeWrites), e.g. a larger page cache for it alone.
	WriterPragmas []string
}

// Lock names passed to Dialect.TryLock, one per sweep.
const (
	SweepTokens    = "fuelgate.sweep.tokens"
	SweepNonces    = "fuelgate.sweep.nonces"
	SweepAudit     = "fuelgate.sweep.audit"
	SweepAuthCodes = "fuelgate.sweep.auth_codes"
)

// UniqueViolationText reports whether err's text contains the SQLite message
// "UNIQUE constraint failed", which covers UNIQUE and PRIMARY KEY
// constraints.
func UniqueViolationText(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// UniqueViolationSQLState reports whether err carries the PostgreSQL SQLSTATE
// 23505 (unique_violation) through a SQLState() string method, as pgx's
// *pgconn.PgError does, so no driver import is needed.
func UniqueViolationSQLState(err error) bool {
	var e interface{ SQLState() string }
	return errors.As(err, &e) && e.SQLState() == "23505"
}
