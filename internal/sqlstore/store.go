package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fuelgate/fuelgate"
)

// Store implements fuelgate.Store on a *sql.DB whose schema was created by the
// backend's migrations. A Store is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	commits *committer  // group commit of write transactions; nil without SerializeWrites or WriteLanes
	stmts   *stmtCache  // prepared statements, shared with the Stores handed to Atomic
	nonces  *nonceGroup // with Dialect.RecordNonces: concurrent UseNonce calls, recorded together

	// Set only on the Store handed to an Atomic function.
	tx      *sql.Tx
	grouped bool // tx is a committer's batch transaction (see stmtCtx)
}

var _ fuelgate.Store = (*Store)(nil)

// New returns a Store that uses db with dialect d. The Store owns db: Close
// closes it.
func New(db *sql.DB, d Dialect) *Store {
	if d.IsUniqueViolation == nil {
		d.IsUniqueViolation = func(error) bool { return false }
	}
	s := &Store{db: db, dialect: d, stmts: &stmtCache{}}
	if d.RecordNonces != nil {
		s.nonces = &nonceGroup{}
	}
	switch {
	case d.SerializeWrites:
		s.commits = newCommitter(s, 1, true)
	case d.WriteLanes > 0:
		s.commits = newCommitter(s, d.WriteLanes, false)
	}
	return s
}

// Ping runs a query on the accounts table that reads at most one row: the
// database answers, and its schema is there.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	err := s.q().QueryRowContext(ctx, "SELECT 1 FROM accounts LIMIT 1").Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return s.internal("Ping", err)
}

// DB returns the underlying database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database. On the Store handed to an Atomic function it
// does nothing.
func (s *Store) Close() error {
	if s.tx != nil {
		return nil
	}
	if s.commits != nil {
		s.commits.stop()
	}
	s.stmts.close()
	if err := s.db.Close(); err != nil {
		return s.internal("Close", err)
	}
	return nil
}
