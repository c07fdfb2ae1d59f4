package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

const (
	// checkpointEvery is how often the checkpointer copies the WAL into
	// the database file.
	checkpointEvery = 100 * time.Millisecond
	// restartFrames is the WAL length (4 KiB frames) beyond which a
	// checkpoint also rewinds the WAL to its start.
	restartFrames = 4096
)

// checkpointer runs the WAL checkpoints in the background. The connections
// open with wal_autocheckpoint(0), so a commit never stops to checkpoint
// (SQLite's default does it inside the commit that crosses 1000 WAL frames,
// fsyncs included, and the writers queued behind it wait).
//
// Every checkpointEvery it runs a PASSIVE checkpoint, which takes no write
// lock: writers go on while it copies. Under steady writes such a
// checkpoint never quite catches up, and SQLite rewinds the WAL only after
// one that did, so once the WAL is longer than restartFrames the last
// frames are copied by a RESTART checkpoint run between two write batches
// (Store.BetweenWrites): the passive one has already copied nearly
// everything, so the writers wait briefly, and the WAL starts over.
type checkpointer struct {
	store  *sqlstore.Store
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startCheckpointer(s *sqlstore.Store) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{store: s, cancel: cancel}
	c.wg.Add(1)
	go c.loop(ctx)
	return c
}

// loop checkpoints until ctx ends.
func (c *checkpointer) loop(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// An error (the database closing, a lock held elsewhere) leaves the
		// WAL to the next round; a skipped checkpoint loses nothing.
		frames, err := checkpoint(ctx, c.store.DB(), "PASSIVE")
		if err != nil || frames < restartFrames {
			continue
		}
		_ = c.store.BetweenWrites(ctx, func(ctx context.Context, db *sql.DB) error {
			_, err := checkpoint(ctx, db, "RESTART")
			return err
		})
	}
}

// checkpoint runs a checkpoint of the given mode and returns the WAL's
// length in frames.
func checkpoint(ctx context.Context, db *sql.DB, mode string) (int64, error) {
	var busy, frames, copied int64
	err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied)
	return frames, err
}

// close stops the checkpointer. Closing the database checkpoints what is left.
func (c *checkpointer) close() {
	c.cancel()
	c.wg.Wait()
}
