// Package manage is fuelgate's one authorization decider and holds its
// administrative use-cases, shared by the CLI, the admin console, the SOAP
// API and the token service: business units, users, roles, installed
// packages, secret rotation, settings and the audit trail, reads included.
//
// Every decision about who may do what, in which business unit, is made
// here, on one type, Actor, by the rules of one table (Rules,
// ScopePermissions): reach (a token acts only in its MID, a user only in the
// BUs assigned to them), grant limits (nobody grants a role, permission,
// scope, flag or BU they do not hold) and target limits (nobody changes a
// user or package that holds more than they do). Each use-case takes an
// Actor, decides, validates its input, writes through the Store in one
// transaction together with an audit event, and never returns or records a
// secret except the one it creates. Edges ask; they never read the store
// around this package.
package manage

import (
	"context"
	"log/slog"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/internal/ttlcache"
)

// Config configures a Service. Store and Keys are required.
type Config struct {
	Store fuelgate.Store
	Keys  *secret.Keys
	Now   func() time.Time // default time.Now
	Log   *slog.Logger
	// Changed is called after every change that can affect authentication
	// (users, roles, packages, settings, business units), so that caches in
	// this process drop stale entries. May be nil. Other instances sharing
	// the store are told through fuelgate.NotifyChange.
	Changed func()
	// CacheTTL bounds how long a snapshot of a business unit, role or
	// settings row is used without re-reading the store (default 15s): the
	// bound on how late a change made by another process takes effect.
	CacheTTL time.Duration
}

// Service runs the use-cases.
type Service struct {
	store    fuelgate.Store
	keys     *secret.Keys
	now      func() time.Time
	log      *slog.Logger
	changed  func()
	ttl      time.Duration
	accounts *ttlcache.Cache[*fuelgate.Account] // nil value: no such BU
	roles    *ttlcache.Cache[*fuelgate.Role]    // custom roles by ID; nil value: none
	settings *ttlcache.Cache[*fuelgate.Settings]
}

// New returns a Service for cfg.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, keys: cfg.Keys, now: cfg.Now, log: cfg.Log, changed: cfg.Changed, ttl: cfg.CacheTTL}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.changed == nil {
		s.changed = func() {}
	}
	if s.ttl == 0 {
		s.ttl = 15 * time.Second
	}
	const cacheSize = 10000
	s.accounts = ttlcache.New[*fuelgate.Account](cacheSize)
	s.roles = ttlcache.New[*fuelgate.Role](cacheSize)
	s.settings = ttlcache.New[*fuelgate.Settings](cacheSize)
	return s
}

// Forget drops the snapshots of business units, roles and settings, so that
// the next decision re-reads the store. Writes made through this Service
// call it; changes announced by other instances should too.
func (s *Service) Forget() {
	s.accounts.Clear()
	s.roles.Clear()
	s.settings.Clear()
}

// write runs fn and appends ev in one transaction, then signals a change.
// ev.EnterpriseMID is filled in from ev.MID when unset.
func (s *Service) write(ctx context.Context, a *Actor, ev *fuelgate.AuditEvent, fn func(tx fuelgate.Store) error) error {
	given := ev.EnterpriseMID
	err := s.store.Atomic(ctx, func(tx fuelgate.Store) error { // may run more than once: start from what was given
		ev.EnterpriseMID = given
		if err := fn(tx); err != nil {
			return err
		}
		if ev.EnterpriseMID == 0 && ev.MID != 0 {
			ent, err := enterpriseIn(ctx, tx, ev.MID)
			if err != nil {
				return err
			}
			ev.EnterpriseMID = ent
		}
		ev.Time = s.now().UTC()
		ev.Actor = a.name
		ev.SourceIP = a.sourceIP
		if ev.Outcome == "" {
			ev.Outcome = fuelgate.OutcomeSuccess
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		s.Forget()
		s.changed()
		if nerr := fuelgate.NotifyChange(ctx, s.store); nerr != nil {
			s.log.ErrorContext(ctx, "notify other instances", "err", nerr)
		}
	}
	return err
}

// denied records a refused change and returns err. The event goes to the
// actor's enterprise, under the BU concerned when that BU belongs to it (so
// the enterprise's Audit Trail shows the attempt), else under the actor's
// own BU: an attempt on another enterprise never writes into its trail.
func (s *Service) denied(ctx context.Context, a *Actor, action, target string, mid int64, err error) error {
	if fuelgate.ErrorCode(err) != fuelgate.EPERMISSION {
		return err
	}
	ev := &fuelgate.AuditEvent{Time: s.now().UTC(), Actor: a.name, Action: action, Target: target,
		Outcome: fuelgate.OutcomeFailure, SourceIP: a.sourceIP, Detail: fuelgate.ErrorMessage(err),
		EnterpriseMID: a.enterprise, MID: a.home}
	if mid != 0 {
		if ent, eerr := s.Enterprise(ctx, mid); eerr == nil && (a.kind == KindOperator || ent == a.enterprise) {
			ev.EnterpriseMID, ev.MID = ent, mid
		}
	}
	if aerr := s.store.AppendAudit(ctx, ev); aerr != nil {
		s.log.ErrorContext(ctx, "audit write failed", "err", aerr)
	}
	return err
}

// enterpriseIn returns the enterprise above mid, reading st.
func enterpriseIn(ctx context.Context, st fuelgate.Store, mid int64) (int64, error) {
	return rootOf(mid, func(m int64) (*fuelgate.Account, error) { return st.Account(ctx, m) })
}

// rootOf walks up from mid through account to the enterprise (root) MID.
func rootOf(mid int64, account func(int64) (*fuelgate.Account, error)) (int64, error) {
	for range 1000 { // bounded: trees are far shallower
		a, err := account(mid)
		if err != nil {
			return 0, err
		}
		if a.ParentMID == 0 {
			return a.MID, nil
		}
		mid = a.ParentMID
	}
	return 0, fuelgate.Errorf(fuelgate.EINTERNAL, "account tree too deep")
}
