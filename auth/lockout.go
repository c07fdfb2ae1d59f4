package auth

import (
	"context"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Lockout counting. A failed password login of an existing user counts
// toward the soft lock of the user's enterprise; an unknown username has
// nothing to count. So that the two cost the same time, the count is not
// written while the login waits — nor right after it, where the write would
// slow the caller's next request instead: failures are gathered and written
// together, in one transaction, lockoutDelay later. This process's snapshot
// of the user is updated at once with the count the write will store, so
// the next login here sees it.
//
// A success never relies on the snapshot alone when the user has recent
// failures: it has this process's gathered failures of the user written,
// then reads the user from the store (where another instance may have
// locked it meanwhile).

// lockoutDelay is how long failure counts are gathered before they are
// written.
const lockoutDelay = 10 * time.Millisecond

// lockouts gathers failure counts not yet written.
type lockouts struct {
	mu      sync.Mutex
	pending map[int64]*pendingFailures // by user ID
	timer   *time.Timer
	writing sync.Mutex // one batch at a time, so a batch sees the ones before it
}

// pendingFailures are one user's failed logins not yet written.
type pendingFailures struct {
	n        int
	key      string
	e        userEntry
	sourceIP string // of the last failure
}

// recordFailure counts a failed password login of the snapshot e (whose key
// is key) — nothing for an unknown or locked user — and soft-locks the user
// at the enterprise's threshold.
func (s *Service) recordFailure(key string, e userEntry, sourceIP string) {
	now := s.now().UTC()
	count := e.user != nil && !e.user.IsLocked(now)
	if count {
		e = e.withUser(counted(e.user, e.settings, now))
	}
	s.users.Put(key, e, now.Add(s.cfg.TokenCacheTTL), now) // for an unknown user too: the same work
	if !count {
		return
	}
	l := &s.lockouts
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		l.pending = map[int64]*pendingFailures{}
	}
	p := l.pending[e.user.ID]
	if p == nil {
		p = &pendingFailures{key: key, e: e}
		l.pending[e.user.ID] = p
	}
	p.n++
	p.sourceIP = sourceIP
	if l.timer == nil {
		s.bg.start() // the batch is a background write (Settle waits for it)
		l.timer = time.AfterFunc(lockoutDelay, func() { defer s.bg.done(); s.writeFailures(context.Background()) })
	}
}

// writeFailures writes every gathered failure count in one transaction.
func (s *Service) writeFailures(ctx context.Context) {
	l := &s.lockouts
	l.writing.Lock()
	defer l.writing.Unlock()
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	if l.timer != nil && l.timer.Stop() {
		s.bg.done() // the timer will not run: its write is this one
	}
	l.timer = nil
	l.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	now := s.now().UTC()
	stored := map[int64]*fuelgate.User{}
	var locked []*pendingFailures
	err := s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		clear(stored)
		locked = locked[:0]
		for id, p := range batch {
			wasLocked := false
			u, err := tx.UpdateUser(ctx, id, func(u *fuelgate.User) error {
				wasLocked = u.IsLocked(now)
				for range p.n {
					*u = *counted(u, p.e.settings, now)
				}
				return nil
			})
			if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
				continue // deleted meanwhile
			}
			if err != nil {
				return err
			}
			stored[id] = u
			if !wasLocked && u.IsLocked(now) {
				locked = append(locked, p)
			}
		}
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record failed logins", "err", err)
		for _, p := range batch {
			s.users.Delete(p.key)
		}
		return
	}
	for id, u := range stored {
		s.refreshUser(batch[id].key, u)
	}
	if len(locked) > 0 {
		s.lockedOut(ctx, locked)
	}
}

// lockedOut tells the other instances that users were locked, and audits
// each lockout.
func (s *Service) lockedOut(ctx context.Context, locked []*pendingFailures) {
	if err := fuelgate.NotifyChange(ctx, s.store); err != nil {
		s.log.ErrorContext(ctx, "notify other instances", "err", err)
	}
	for _, p := range locked {
		u, st := p.e.user, p.e.settings
		s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: u.EnterpriseMID, MID: u.DefaultMID, Actor: "system",
			Action: "user.lockout", Target: "user:" + u.Username, Outcome: fuelgate.OutcomeSuccess, SourceIP: p.sourceIP,
			Detail: "locked for " + st.LockoutDuration.String()})
	}
}

// counted returns a copy of u with one more failed login counted, locked
// at the threshold (unchanged while locked).
func counted(u *fuelgate.User, st *fuelgate.Settings, now time.Time) *fuelgate.User {
	c := *u
	if c.IsLocked(now) {
		return &c
	}
	c.FailedLogins++
	if c.FailedLogins >= st.LockoutThreshold {
		c.LockedUntil = now.Add(st.LockoutDuration)
		c.FailedLogins = 0
	}
	return &c
}

// refreshUser puts the stored state of a user into the cached snapshot
// under key, if it still holds that user.
func (s *Service) refreshUser(key string, u *fuelgate.User) {
	now := s.now()
	if e, ok := s.users.Get(key, now); ok && e.user != nil && e.user.ID == u.ID {
		s.users.Put(key, e.withUser(u), now.Add(s.cfg.TokenCacheTTL), now)
	}
}

// withUser is e with its user's failure count and lock taken from u (the
// rest of the snapshot, and the decisions made on it, are unchanged).
func (e userEntry) withUser(u *fuelgate.User) userEntry {
	c := *e.user
	c.FailedLogins, c.LockedUntil = u.FailedLogins, u.LockedUntil
	e.user = &c
	return e
}

// confirmUnlocked is the check a success makes before it is granted: when
// the snapshot shows recent failures, it has the gathered failures written
// and reads the user from the store. It reports whether the user is
// unlocked.
func (s *Service) confirmUnlocked(ctx context.Context, key string, e userEntry) (bool, error) {
	now := s.now()
	if e.user.IsLocked(now) {
		return false, nil
	}
	if e.user.FailedLogins == 0 && !s.lockouts.has(e.user.ID) {
		return true, nil
	}
	s.writeFailures(context.WithoutCancel(ctx))
	u, err := s.store.User(ctx, e.user.ID)
	if err != nil {
		return false, err
	}
	s.refreshUser(key, u)
	return !u.IsLocked(now), nil
}

func (l *lockouts) has(userID int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending[userID] != nil
}

// resetFailures clears the failure count after a successful login.
func (s *Service) resetFailures(ctx context.Context, key string, u *fuelgate.User) {
	stored, err := s.store.UpdateUser(ctx, u.ID, func(u *fuelgate.User) error {
		u.FailedLogins = 0
		u.LastLoginAt = s.now().UTC()
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "reset failed logins", "err", err)
		return
	}
	s.refreshUser(key, stored)
}
