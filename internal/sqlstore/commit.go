package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/fuelgate/fuelgate"
)

// maxBatch bounds how many write jobs share one transaction; yields is how
// many times fill lets other goroutines run before a batch starts.
const (
	maxBatch = 128
	yields   = 4
)

// committer runs the write transactions of a database that allows one writer
// at a time (SQLite) with group commit: jobs that queue while a transaction
// commits run together in the next one, each inside its own SAVEPOINT, and
// are acknowledged only after that transaction commits. A job that fails is
// rolled back to its savepoint and does not affect the others. The result is
// the same as running the jobs one after another, with one commit for many.
type committer struct {
	s       *Store
	conn    *sql.Conn // the connection every batch runs on; nil: any of the pool
	jobs    chan *job
	between chan *betweenJob // work to run outside any transaction, see Store.BetweenWrites
	quit    chan struct{}
	wg      sync.WaitGroup
}

type betweenJob struct {
	fn   func() error
	done chan error
}

type job struct {
	ctx  context.Context
	fn   func(tx fuelgate.Store) error
	done chan error
}

func newCommitter(s *Store) *committer {
	c := &committer{s: s, jobs: make(chan *job, 1024), between: make(chan *betweenJob), quit: make(chan struct{})}
	c.conn = c.writerConn()
	c.wg.Add(1)
	go c.loop()
	return c
}

// run queues fn and waits for its outcome.
func (c *committer) run(ctx context.Context, fn func(tx fuelgate.Store) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case c.jobs <- j:
	case <-ctx.Done():
		return c.s.internal("Atomic", ctx.Err())
	case <-c.quit:
		return c.s.internal("Atomic", sql.ErrConnDone)
	}
	// Once queued, the job's outcome is decided by the committer (it skips
	// jobs whose context has ended before they run), so wait for it: giving
	// up here could report a failure for a write that commits.
	return <-j.done
}

// writerConn takes one connection of the pool for all write batches, so
// that the pages they touch stay in one page cache, and applies
// Dialect.WriterPragmas to it. Without it (an error), batches use any pooled
// connection.
func (c *committer) writerConn() *sql.Conn {
	ctx := context.Background()
	conn, err := c.s.db.Conn(ctx)
	if err != nil {
		return nil
	}
	for _, p := range c.s.dialect.WriterPragmas {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			conn.Close()
			return nil
		}
	}
	return conn
}

// begin starts a batch's transaction. A writer connection the driver has
// given up on is replaced, so that one broken connection cannot fail every
// later write.
func (c *committer) begin() (*sql.Tx, error) {
	if c.conn != nil {
		tx, err := c.conn.BeginTx(context.Background(), nil)
		if !errors.Is(err, driver.ErrBadConn) && !errors.Is(err, sql.ErrConnDone) {
			return tx, err
		}
		c.conn.Close()
		c.conn = c.writerConn()
		if c.conn != nil {
			return c.conn.BeginTx(context.Background(), nil)
		}
	}
	return c.s.db.BeginTx(context.Background(), nil)
}

// runBetween runs fn between two batches.
func (c *committer) runBetween(ctx context.Context, fn func() error) error {
	b := &betweenJob{fn: fn, done: make(chan error, 1)}
	select {
	case c.between <- b:
		return <-b.done
	case <-ctx.Done():
		return ctx.Err()
	case <-c.quit:
		return sql.ErrConnDone
	}
}

func (c *committer) stop() {
	close(c.quit)
	c.wg.Wait()
	if c.conn != nil {
		c.conn.Close()
	}
}

func (c *committer) loop() {
	defer c.wg.Done()
	for {
		var first *job
		select {
		case first = <-c.jobs:
		case b := <-c.between:
			b.done <- b.fn()
			continue
		case <-c.quit:
			c.drain()
			return
		}
		batch := c.fill([]*job{first})
		c.commit(batch)
	}
}

// fill adds the jobs already queued, then lets the other goroutines run
// (runtime.Gosched, a few times while that brings more jobs): under load,
// request handlers that are about to queue a write are runnable right now,
// and letting them queue first shares one commit between more jobs. It never
// sleeps: a lone writer on an idle server has nothing to yield to and runs
// at once. (Waiting on a timer for stragglers measured slower: the batch
// gains a job or two and every writer in it loses the wait.)
func (c *committer) fill(batch []*job) []*job {
	take := func() {
		for len(batch) < maxBatch {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				return
			}
		}
	}
	take()
	for range yields {
		n := len(batch)
		runtime.Gosched()
		take()
		if len(batch) == n && n > 1 {
			break
		}
	}
	return batch
}

// drain fails the jobs still queued when the store closes.
func (c *committer) drain() {
	for {
		select {
		case j := <-c.jobs:
			j.done <- c.s.internal("Atomic", sql.ErrConnDone)
		default:
			return
		}
	}
}

// commit runs one batch in one transaction. It first runs the jobs one
// after another without savepoints (the common case: nothing fails); if a
// job fails, that transaction is rolled back and the batch runs again with a
// savepoint around each job, so that only the failing jobs are undone.
func (c *committer) commit(batch []*job) {
	if len(batch) == 1 {
		c.commitOne(batch[0])
		return
	}
	if c.commitFast(batch) {
		return
	}
	c.commitIsolated(batch)
}

// commitOne runs a lone job in its own transaction: no savepoint is needed,
// its failure rolls back only itself.
func (c *committer) commitOne(j *job) {
	if err := j.ctx.Err(); err != nil {
		j.done <- c.s.internal("Atomic", err)
		return
	}
	tx, err := c.begin()
	if err != nil {
		j.done <- c.s.internal("Atomic", err)
		return
	}
	if err := c.runPlain(tx, j); err != nil {
		tx.Rollback()
		j.done <- err
		return
	}
	if err := tx.Commit(); err != nil {
		j.done <- c.s.internal("Atomic", err)
		return
	}
	j.done <- nil
}

// commitFast runs the batch without savepoints. It reports false, having
// rolled back and answered nobody, when a job failed.
func (c *committer) commitFast(batch []*job) bool {
	for _, j := range batch {
		if j.ctx.Err() != nil {
			return false
		}
	}
	tx, err := c.begin()
	if err != nil {
		return false
	}
	for _, j := range batch {
		if err := c.runPlain(tx, j); err != nil {
			tx.Rollback()
			return false
		}
	}
	err = tx.Commit()
	for _, j := range batch {
		if err != nil {
			j.done <- c.s.internal("Atomic", err)
		} else {
			j.done <- nil
		}
	}
	return true
}

// runPlain runs one job in tx without a savepoint, turning a panic into an error.
func (c *committer) runPlain(tx *sql.Tx, j *job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = c.s.internal("Atomic", fmt.Errorf("panic in transaction: %v", p))
		}
	}()
	return j.fn(c.s.inTx(tx, true))
}

// commitIsolated runs each job inside its own savepoint of one transaction.
func (c *committer) commitIsolated(batch []*job) {
	results := make([]error, len(batch))
	tx, err := c.begin()
	if err != nil {
		for _, j := range batch {
			j.done <- c.s.internal("Atomic", err)
		}
		return
	}
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = c.s.internal("Atomic", err)
			continue
		}
		results[i] = c.runJob(tx, i, j)
		if results[i] == nil {
			ok++
		}
	}
	if ok == 0 {
		tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = c.s.internal("Atomic", err)
			}
		}
	}
	for i, j := range batch {
		j.done <- results[i]
	}
}

// inTx is the Store a transaction's function sees: tx's view of s, its clock
// fixed now; grouped when tx is a committer's batch (see stmtCtx).
func (s *Store) inTx(tx *sql.Tx, grouped bool) *Store {
	return &Store{db: s.db, dialect: s.dialect, clock: s.clock, stmts: s.stmts, tx: tx, now: s.clock(), grouped: grouped}
}

// runJob runs one job inside a savepoint of tx, rolling back to it on error or panic.
func (c *committer) runJob(tx *sql.Tx, i int, j *job) (err error) {
	sp := "job" + strconv.Itoa(i)
	view := c.s.inTx(tx, true)
	if _, err := view.execPrepared(j.ctx, "SAVEPOINT "+sp); err != nil {
		return c.s.internal("Atomic", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = c.s.internal("Atomic", fmt.Errorf("panic in transaction: %v", p))
		}
		if err != nil {
			// Undo this job only; on failure the whole transaction is unusable.
			if _, rerr := view.execPrepared(context.Background(), "ROLLBACK TO "+sp); rerr != nil {
				err = c.s.internal("Atomic", rerr)
			}
		}
		if _, rerr := view.execPrepared(context.Background(), "RELEASE "+sp); rerr != nil && err == nil {
			err = c.s.internal("Atomic", rerr)
		}
	}()
	return j.fn(view)
}
