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

// committer groups write transactions (group commit): jobs that queue while
// a transaction runs or commits run together in a later one, and are
// acknowledged only after that transaction commits. A batch first runs its
// jobs one after another; if one fails, the batch runs again with each job
// inside its own SAVEPOINT, so a failing job is undone alone (a job's
// function may therefore run twice). The result is the same as running the
// jobs one after another, with one commit — one flush to disk — for many.
//
// Batches run in lanes, each one transaction at a time. With
// Dialect.SerializeWrites there is one lane on one connection held for the
// Store's life (SQLite: one writer at a time, its page cache kept warm).
// With Dialect.WriteLanes there are that many lanes, each taking a pool
// connection for a batch and returning it after the commit (PostgreSQL: one
// batch runs its statements while another waits for its commit's flush).
type committer struct {
	s       *Store
	lanes   []*lane
	jobs    chan *job
	between chan *betweenJob // work to run outside any transaction, see Store.BetweenWrites
	quit    chan struct{}
	wg      sync.WaitGroup
}

// lane runs one batch at a time.
type lane struct {
	c         *committer
	dedicated bool      // batches run on conn, replaced when it breaks
	conn      *sql.Conn // the dedicated connection; nil: any of the pool
}

type betweenJob struct {
	fn   func() error
	done chan error
}

type job struct {
	ctx context.Context
	fn  func(tx fuelgate.Store) error
	// lossy marks a write that may be lost on a database crash without harm
	// (see Store.writeLossy); a batch of lossy jobs only commits
	// asynchronously (Dialect.AsyncCommit).
	lossy bool
	done  chan error
}

func newCommitter(s *Store, lanes int, dedicated bool) *committer {
	c := &committer{s: s, jobs: make(chan *job, 1024), between: make(chan *betweenJob), quit: make(chan struct{})}
	for range lanes {
		l := &lane{c: c, dedicated: dedicated}
		if dedicated {
			l.conn = l.writerConn()
		}
		c.lanes = append(c.lanes, l)
		c.wg.Add(1)
		go l.loop()
	}
	return c
}

// run queues fn and waits for its outcome.
func (c *committer) run(ctx context.Context, fn func(tx fuelgate.Store) error, lossy bool) error {
	j := &job{ctx: ctx, fn: fn, lossy: lossy, done: make(chan error, 1)}
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

// writerConn takes one connection of the pool for all of a dedicated lane's
// batches, so that the pages they touch stay in one page cache, and applies
// Dialect.WriterPragmas to it. Without it (an error), batches use any pooled
// connection.
func (l *lane) writerConn() *sql.Conn {
	ctx := context.Background()
	conn, err := l.c.s.db.Conn(ctx)
	if err != nil {
		return nil
	}
	for _, p := range l.c.s.dialect.WriterPragmas {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			conn.Close()
			return nil
		}
	}
	return conn
}

// begin starts a batch's transaction; async asks for an asynchronous commit
// (Dialect.AsyncCommit). A dedicated connection the driver has given up on
// is replaced, so that one broken connection cannot fail every later write.
func (l *lane) begin(async bool) (*sql.Tx, error) {
	tx, err := l.beginTx()
	if err != nil || !async || l.c.s.dialect.AsyncCommit == "" {
		return tx, err
	}
	if _, err := tx.ExecContext(context.Background(), l.c.s.dialect.AsyncCommit); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

func (l *lane) beginTx() (*sql.Tx, error) {
	ctx := context.Background()
	if l.conn != nil {
		tx, err := l.conn.BeginTx(ctx, nil)
		if !errors.Is(err, driver.ErrBadConn) && !errors.Is(err, sql.ErrConnDone) {
			return tx, err
		}
		l.conn.Close()
		l.conn = l.writerConn()
		if l.conn != nil {
			return l.conn.BeginTx(ctx, nil)
		}
	}
	return l.c.s.db.BeginTx(ctx, nil)
}

// runBetween runs fn between two batches. It needs a single lane: with
// several, another lane's transaction may be open while fn runs.
func (c *committer) runBetween(ctx context.Context, fn func() error) error {
	if len(c.lanes) != 1 {
		return c.s.internal("BetweenWrites", errors.New("needs a single write lane"))
	}
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
	for _, l := range c.lanes {
		if l.conn != nil {
			l.conn.Close()
		}
	}
}

func (l *lane) loop() {
	c := l.c
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
		l.commit(batch)
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

// asyncOnly reports whether every job of batch may be lost on a database
// crash, so that the batch may commit asynchronously.
func asyncOnly(batch []*job) bool {
	for _, j := range batch {
		if !j.lossy {
			return false
		}
	}
	return true
}

// commit runs one batch in one transaction. It first runs the jobs one
// after another without savepoints (the common case: nothing fails); if a
// job fails, that transaction is rolled back and the batch runs again with a
// savepoint around each job, so that only the failing jobs are undone.
func (l *lane) commit(batch []*job) {
	if len(batch) == 1 {
		l.commitOne(batch[0])
		return
	}
	if l.commitFast(batch) {
		return
	}
	l.commitIsolated(batch)
}

// commitOne runs a lone job in its own transaction: no savepoint is needed,
// its failure rolls back only itself.
func (l *lane) commitOne(j *job) {
	s := l.c.s
	if err := j.ctx.Err(); err != nil {
		j.done <- s.internal("Atomic", err)
		return
	}
	tx, err := l.begin(j.lossy)
	if err != nil {
		j.done <- s.internal("Atomic", err)
		return
	}
	if err := runPlain(s, tx, j); err != nil {
		tx.Rollback()
		j.done <- err
		return
	}
	if err := tx.Commit(); err != nil {
		j.done <- s.internal("Atomic", err)
		return
	}
	j.done <- nil
}

// commitFast runs the batch without savepoints. It reports false, having
// rolled back and answered nobody, when a job failed.
func (l *lane) commitFast(batch []*job) bool {
	s := l.c.s
	for _, j := range batch {
		if j.ctx.Err() != nil {
			return false
		}
	}
	tx, err := l.begin(asyncOnly(batch))
	if err != nil {
		return false
	}
	for _, j := range batch {
		if err := runPlain(s, tx, j); err != nil {
			tx.Rollback()
			return false
		}
	}
	err = tx.Commit()
	for _, j := range batch {
		if err != nil {
			j.done <- s.internal("Atomic", err)
		} else {
			j.done <- nil
		}
	}
	return true
}

// runPlain runs one job in tx without a savepoint, turning a panic into an error.
func runPlain(s *Store, tx *sql.Tx, j *job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = s.internal("Atomic", fmt.Errorf("panic in transaction: %v", p))
		}
	}()
	return j.fn(s.inTx(tx, true))
}

// commitIsolated runs each job inside its own savepoint of one transaction.
func (l *lane) commitIsolated(batch []*job) {
	s := l.c.s
	results := make([]error, len(batch))
	tx, err := l.begin(asyncOnly(batch))
	if err != nil {
		for _, j := range batch {
			j.done <- s.internal("Atomic", err)
		}
		return
	}
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = s.internal("Atomic", err)
			continue
		}
		results[i] = runJob(s, tx, i, j)
		if results[i] == nil {
			ok++
		}
	}
	if ok == 0 {
		tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = s.internal("Atomic", err)
			}
		}
	}
	for i, j := range batch {
		j.done <- results[i]
	}
}

// inTx is the Store a transaction's function sees: tx's view of s; grouped
// when tx is a committer's batch (see stmtCtx).
func (s *Store) inTx(tx *sql.Tx, grouped bool) *Store {
	return &Store{db: s.db, dialect: s.dialect, stmts: s.stmts, tx: tx, grouped: grouped}
}

// runJob runs one job inside a savepoint of tx, rolling back to it on error or panic.
func runJob(s *Store, tx *sql.Tx, i int, j *job) (err error) {
	sp := "job" + strconv.Itoa(i)
	view := s.inTx(tx, true)
	if _, err := view.execPrepared(j.ctx, "SAVEPOINT "+sp); err != nil {
		return s.internal("Atomic", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = s.internal("Atomic", fmt.Errorf("panic in transaction: %v", p))
		}
		if err != nil {
			// Undo this job only; on failure the whole transaction is unusable.
			if _, rerr := view.execPrepared(context.Background(), "ROLLBACK TO "+sp); rerr != nil {
				err = s.internal("Atomic", rerr)
			}
		}
		if _, rerr := view.execPrepared(context.Background(), "RELEASE "+sp); rerr != nil && err == nil {
			err = s.internal("Atomic", rerr)
		}
	}()
	return j.fn(view)
}
