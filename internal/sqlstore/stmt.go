package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds statements prepared once on the pool and reused: the hot
// paths (token insert and lookup, audit insert, nonce insert, package lookup)
// then skip SQL parsing, which is most of a statement's cost in SQLite.
type stmtCache struct {
	m sync.Map // query → *sql.Stmt
}

// prep returns the cached prepared statement for query.
func (s *Store) prep(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := s.stmts.m.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := s.stmts.m.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// stmtCtx is the context a statement runs with. In a group-committed
// transaction the committer, not the caller, decides a job's outcome once
// the job has started (see committer), so its statements run to completion
// without the caller's cancellation. That also spares the driver and
// database/sql a watcher goroutine per statement.
func (s *Store) stmtCtx(ctx context.Context) context.Context {
	if s.grouped {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// execPrepared runs a write statement in s's transaction through the cache.
func (s *Store) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = s.stmtCtx(ctx)
	if s.dialect.DriverCachesStatements {
		return s.tx.ExecContext(s.stmtCtx(ctx), query, args...)
	}
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// queryRowPrepared runs a one-row query through the cache, in s's
// transaction inside Atomic, on the pool otherwise.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) rowScanner {
	ctx = s.stmtCtx(ctx)
	if s.dialect.DriverCachesStatements {
		return s.q().QueryRowContext(ctx, query, args...)
	}
	st, err := s.prep(ctx, query)
	if err != nil {
		return errRow{err}
	}
	if s.tx != nil {
		return s.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// rowScanner is what *sql.Row offers.
type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// close closes every cached statement.
func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}
