package postgres

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

// lockKey is the SQL expression for the advisory lock key of the lock name
// $1: a 64-bit hash of the current schema and the name.
const lockKey = "hashtextextended(coalesce(current_schema(), '') || '/' || $1, 0)"

// migrateLock names the session-level lock held while migrating.
const migrateLock = "fuelgate.migrate"

// unlockTimeout bounds the release of the migration lock.
const unlockTimeout = 5 * time.Second

// tryLock is Dialect.TryLock: it takes the transaction-level advisory lock
// name without waiting and reports whether it got it. PostgreSQL releases
// the lock when q's transaction ends.
func tryLock(ctx context.Context, q sqlstore.Querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock("+lockKey+")", name).Scan(&ok)
	return ok, err
}

// migrate applies the embedded migrations on one connection that holds the
// session-level advisory lock migrateLock, so that instances starting
// together migrate one at a time and the later ones find nothing to do.
func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+lockKey+")", migrateLock); err != nil {
		return err
	}
	defer unlock(conn, migrateLock)
	_, err = sqlstore.Migrate(ctx, conn, sub, Dialect)
	return err
}

// unlock releases the session-level advisory lock name held by conn. If
// that fails it closes the session, which releases the lock, rather than
// return a connection that still holds it to the pool.
func unlock(conn *sql.Conn, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock("+lockKey+")", name); err == nil {
		return
	}
	_ = conn.Raw(func(dc any) error {
		if c, ok := dc.(*stdlib.Conn); ok {
			return c.Conn().Close(ctx)
		}
		return nil
	})
}
