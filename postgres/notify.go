package postgres

import (
	"context"
	"time"

	"github.com/fuelgate/fuelgate"
)

// channel is the LISTEN/NOTIFY channel of cache invalidations.
const channel = "fuelgate_changes"

var _ fuelgate.Notifier = (*Store)(nil)

// Notify sends a change notification to every instance listening on this database.
func (s *Store) Notify(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, "SELECT pg_notify('"+channel+"', '')"); err != nil {
		return fuelgate.WrapError(fuelgate.EINTERNAL, "postgres.Notify", "cannot notify other instances", err)
	}
	return nil
}

// Listen holds one connection with LISTEN and calls fn for every
// notification. After a connection failure it waits (1 s, doubling to 30 s),
// reconnects, and calls fn once, since notifications may have been missed.
func (s *Store) Listen(ctx context.Context, fn func()) error {
	backoff := time.Second
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			break
		}
		_ = err // the failure is transient by assumption; the caller's caches expire by TTL meanwhile
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
		fn()
	}
	return nil
}

func (s *Store) listenOnce(ctx context.Context, fn func()) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "UNLISTEN "+channel)
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return err
		}
		fn()
	}
}
