package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fuelgate/fuelgate"
)

// Querier is what both *sql.DB and *sql.Tx provide.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ Querier = (*sql.DB)(nil)
	_ Querier = (*sql.Tx)(nil)
)

// Atomic runs fn in one write transaction and commits if fn returns nil. An
// error from fn rolls the transaction back and is returned unchanged. A nested call joins the
// outer transaction. With group commit (Dialect.SerializeWrites or
// WriteLanes) fn may run twice: when another function of its batch fails,
// the batch runs again with each function in a savepoint.
//
// fn must make its reads and writes through tx. A write through the outer
// Store from inside fn waits for fn's transaction to end: with SQLite it
// waits until ctx is done.
func (s *Store) Atomic(ctx context.Context, fn func(tx fuelgate.Store) error) error {
	return s.atomic(ctx, fn, false)
}

// atomic is Atomic; lossy marks fn's writes as ones a database crash may
// lose without harm (see writeLossy), which may then commit asynchronously.
func (s *Store) atomic(ctx context.Context, fn func(tx fuelgate.Store) error, lossy bool) error {
	if s.tx != nil {
		return fn(s)
	}
	if s.commits != nil {
		return s.commits.run(ctx, fn, lossy)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.internal("Atomic", err)
	}
	defer tx.Rollback() // no-op after Commit; also covers a panic in fn
	if lossy && s.dialect.AsyncCommit != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.AsyncCommit); err != nil {
			return s.internal("Atomic", err)
		}
	}
	if err := fn(s.inTx(tx, false)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.internal("Atomic", err)
	}
	return nil
}

// BetweenWrites runs fn on the database when none of this Store's write
// transactions is open: between two batches of the group commit, while the
// writers queue; at once without group commit. Inside Atomic, and with
// several write lanes (Dialect.WriteLanes above 1), it is an error. SQLite's
// WAL checkpoints use it to finish without a writer adding frames meanwhile.
func (s *Store) BetweenWrites(ctx context.Context, fn func(ctx context.Context, db *sql.DB) error) error {
	if s.tx != nil {
		return s.internal("BetweenWrites", errors.New("called inside a transaction"))
	}
	if s.commits == nil {
		return fn(ctx, s.db)
	}
	return s.commits.runBetween(ctx, func() error { return fn(ctx, s.db) })
}

// q returns the querier for single-statement reads: the transaction inside
// Atomic, the pool outside. Writes go through write.
func (s *Store) q() Querier {
	if s.tx != nil {
		return s.tx
	}
	return s.db
}

// write runs fn in a write transaction: the current one inside Atomic, a new
// one otherwise. Errors from fn are returned unchanged.
func (s *Store) write(ctx context.Context, fn func(s *Store) error) error {
	return s.atomic(ctx, func(tx fuelgate.Store) error { return fn(tx.(*Store)) }, false)
}

// writeLossy is write for a write that a database crash may lose without
// harm, which may then be acknowledged before it is flushed to disk
// (Dialect.AsyncCommit): a nonce record (UseNonce) and the deletion of
// expired rows (the sweeps). Inside Atomic it joins the caller's transaction
// and is as durable as that one. The postgres package says what a crash
// can cost.
func (s *Store) writeLossy(ctx context.Context, fn func(s *Store) error) error {
	return s.atomic(ctx, func(tx fuelgate.Store) error { return fn(tx.(*Store)) }, true)
}

// read runs fn against one snapshot: the current transaction inside Atomic,
// a new read-only transaction otherwise. Errors from fn are returned
// unchanged.
func (s *Store) read(ctx context.Context, op string, fn func(q Querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: s.dialect.ReadIsolation})
	if err != nil {
		return s.internal(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.internal(op, err)
	}
	return nil
}
