package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// NonceUse is one UseNonce call in a group that Dialect.RecordNonces
// records in one transaction.
type NonceUse struct {
	UserID  int64
	Hash    []byte
	Now     int64 // the caller's time, Unix microseconds: a pair recorded to expire before it is replaced
	Expires int64 // Unix microseconds
	Fresh   bool  // set by RecordNonces: the pair was recorded (new, or replacing an expired one)
}

// nonceGroup gathers concurrent UseNonce calls made outside a transaction
// into one write (Dialect.RecordNonces): the first caller waits for the
// others that are runnable now (runtime.Gosched, as the committer's fill
// does), takes every call queued so far and records them together; the
// later callers wait for its outcome. Meanwhile new callers gather the next
// group. Where each statement costs a round trip to the database server
// (PostgreSQL), that is one round trip for many digest logins instead of
// four (begin, synchronous_commit, insert, commit) for each.
type nonceGroup struct {
	mu         sync.Mutex
	pending    []*nonceCall
	collecting bool // a caller is gathering the pending calls
}

type nonceCall struct {
	use  NonceUse
	err  error
	done chan struct{}
}

// use records one nonce with the group and reports whether it was fresh.
func (g *nonceGroup) use(ctx context.Context, s *Store, use NonceUse) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, s.internal("UseNonce", err)
	}
	c := &nonceCall{use: use, done: make(chan struct{})}
	if g.join(c) {
		for range yields {
			runtime.Gosched()
		}
		// The write is every caller's, so it does not end with this caller's context.
		g.collect(context.WithoutCancel(ctx), s)
	}
	<-c.done // bounded: the collecting caller answers every call it takes
	return c.use.Fresh, c.err
}

// join queues c and reports whether its caller is to collect the group: no
// other caller is collecting.
func (g *nonceGroup) join(c *nonceCall) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending = append(g.pending, c)
	if g.collecting {
		return false
	}
	g.collecting = true
	return true
}

// collect takes every queued call and records them.
func (g *nonceGroup) collect(ctx context.Context, s *Store) {
	g.mu.Lock()
	calls := g.pending
	g.pending, g.collecting = nil, false
	g.mu.Unlock()
	g.record(ctx, s, calls)
}

// record writes calls with one RecordNonces and answers them. Of calls with
// one pair only the first can be fresh: the others are replays of it. The
// uses go to the database sorted by pair, so that groups of several
// instances lock the rows of the pairs they share in one order.
func (g *nonceGroup) record(ctx context.Context, s *Store, calls []*nonceCall) {
	seen := map[string]bool{}
	replay := make([]bool, len(calls))
	var uses []NonceUse
	for i, c := range calls {
		k := c.use.Key()
		if replay[i] = seen[k]; !replay[i] {
			seen[k] = true
			uses = append(uses, c.use)
		}
	}
	slices.SortFunc(uses, func(a, b NonceUse) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), bytes.Compare(a.Hash, b.Hash))
	})
	// One time for the group: the earliest caller's, so that no pair is
	// taken as expired before its expiry for any of them.
	now := uses[0].Now
	for _, u := range uses {
		now = min(now, u.Now)
	}
	err := s.dialect.RecordNonces(ctx, uses, now)
	if err != nil {
		err = s.internal("UseNonce", err)
	}
	fresh := map[string]bool{}
	for _, u := range uses {
		fresh[u.Key()] = u.Fresh
	}
	for i, c := range calls {
		c.err = err
		c.use.Fresh = err == nil && !replay[i] && fresh[c.use.Key()]
		close(c.done)
	}
}

// Key identifies u's (user, nonce hash) pair.
func (u NonceUse) Key() string {
	return strconv.FormatInt(u.UserID, 10) + ":" + string(u.Hash)
}
