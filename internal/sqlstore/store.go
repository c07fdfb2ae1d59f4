package sqlstore

import (
	"database/sql"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Store implements fuelgate.Store on a *sql.DB whose schema was created by the
// backend's migrations. A Store is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	clock   func() time.Time
	commits *committer // group commit of write transactions; nil unless SerializeWrites
	stmts   *stmtCache // prepared statements, shared with the Stores handed to Atomic

	// Set only on the Store handed to an Atomic function.
	tx      *sql.Tx
	now     time.Time
	grouped bool // tx is a committer's batch transaction (see stmtCtx)
}

var _ fuelgate.Store = (*Store)(nil)

// New returns a Store that uses db with dialect d. The Store owns db: Close
// closes it.
func New(db *sql.DB, d Dialect) *Store {
	if d.IsUniqueViolation == nil {
		d.IsUniqueViolation = func(error) bool { return false }
	}
	s := &Store{db: db, dialect: d, clock: time.Now, stmts: &stmtCache{}}
	if d.SerializeWrites {
		s.commits = newCommitter(s)
	}
	return s
}

// SetClock replaces the clock the Store uses to decide whether a recorded
// nonce has expired (see UseNonce). Call it before the Store is used.
func (s *Store) SetClock(now func() time.Time) {
	if now != nil {
		s.clock = now
	}
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

// clockNow is the current time of this Store: fixed for the life of a
// transaction, the clock's reading otherwise.
func (s *Store) clockNow() time.Time {
	if s.tx != nil {
		return s.now
	}
	return s.clock()
}
