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
// error from fn rolls the transaction back and is returned unchanged. Inside
// fn, tx's clock is fixed at the transaction's start. A nested call joins the
// outer transaction.
//
// fn must make its reads and writes through tx. A write through the outer
// Store from inside fn waits for fn's transaction to end: with SQLite it
// waits until ctx is done.
func (s *Store) Atomic(ctx context.Context, fn func(tx fuelgate.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	if s.commits != nil {
		return s.commits.run(ctx, fn)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.internal("Atomic", err)
	}
	defer tx.Rollback() // no-op after Commit; also covers a panic in fn
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
// writers queue; at once without SerializeWrites. Inside Atomic it is an
// error. SQLite's WAL checkpoints use it to finish without a writer adding
// frames meanwhile.
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
	return s.Atomic(ctx, func(tx fuelgate.Store) error { return fn(tx.(*Store)) })
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
