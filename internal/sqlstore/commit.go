package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"

	"github.com/fuelgate/fuelgate"
)

// maxBatch bounds how many write jobs share one transaction.
const maxBatch = 128

// committer runs the write transactions of a database that allows one writer
// at a time (SQLite) with group commit: jobs that queue while a transaction
// commits run together in the next one, each inside its own SAVEPOINT, and
// are acknowledged only after that transaction commits. A job that fails is
// rolled back to its savepoint and does not affect the others. The result is
// the same as running the jobs one after another, with one commit for many.
type committer struct {
	s    *Store
	jobs chan *job
	quit chan struct{}
	wg   sync.WaitGroup
}

type job struct {
	ctx  context.Context
	fn   func(tx fuelgate.Store) error
	done chan error
}

func newCommitter(s *Store) *committer {
	c := &committer{s: s, jobs: make(chan *job, 1024), quit: make(chan struct{})}
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

func (c *committer) stop() {
	close(c.quit)
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	for {
		var first *job
		select {
		case first = <-c.jobs:
		case <-c.quit:
			c.drain()
			return
		}
		batch := []*job{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		c.commit(batch)
	}
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

// commit runs one batch in one transaction.
func (c *committer) commit(batch []*job) {
	results := make([]error, len(batch))
	tx, err := c.s.db.BeginTx(context.Background(), nil)
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

// withTx is a view of s inside tx (for prepared statements).
func (s *Store) withTx(tx *sql.Tx) *Store {
	return &Store{db: s.db, dialect: s.dialect, clock: s.clock, stmts: s.stmts, tx: tx}
}

// runJob runs one job inside a savepoint of tx, rolling back to it on error or panic.
func (c *committer) runJob(tx *sql.Tx, i int, j *job) (err error) {
	sp := "job" + strconv.Itoa(i)
	if _, err := c.s.withTx(tx).execPrepared(j.ctx, "SAVEPOINT "+sp); err != nil {
		return c.s.internal("Atomic", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = c.s.internal("Atomic", fmt.Errorf("panic in transaction: %v", p))
		}
		if err != nil {
			// Undo this job only; on failure the whole transaction is unusable.
			if _, rerr := c.s.withTx(tx).execPrepared(context.Background(), "ROLLBACK TO "+sp); rerr != nil {
				err = c.s.internal("Atomic", rerr)
			}
		}
		if _, rerr := c.s.withTx(tx).execPrepared(context.Background(), "RELEASE "+sp); rerr != nil && err == nil {
			err = c.s.internal("Atomic", rerr)
		}
	}()
	child := &Store{db: c.s.db, dialect: c.s.dialect, clock: c.s.clock, stmts: c.s.stmts, tx: tx, now: c.s.clock()}
	return j.fn(child)
}
