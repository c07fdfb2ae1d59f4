package auth

import (
	"context"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate"
)

// revocationSnapshot holds the store's token revocations (epochs and
// denials of sealed tokens) for at most TokenCacheTTL, like every other
// snapshot: a revocation made by another process is seen that late at
// most, or at once when it announces the change (Forget).
type revocationSnapshot struct {
	mu    sync.Mutex
	r     *fuelgate.TokenRevocations
	until time.Time
}

// get returns the revocations and when this snapshot of them expires,
// loading them when the snapshot is missing or expired. Concurrent callers
// wait for one load.
func (rs *revocationSnapshot) get(ctx context.Context, s *Service, now time.Time) (*fuelgate.TokenRevocations, time.Time, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.r != nil && now.Before(rs.until) {
		return rs.r, rs.until, nil
	}
	r, err := s.store.TokenRevocations(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	rs.r, rs.until = r, now.Add(s.cfg.TokenCacheTTL)
	return rs.r, rs.until, nil
}

// drop discards the snapshot.
func (rs *revocationSnapshot) drop() {
	rs.mu.Lock()
	rs.r = nil
	rs.mu.Unlock()
}
