// Package manage holds fuelgate's administrative use-cases, shared by the
// CLI, the admin console and the SOAP admin objects: business units, users,
// roles, installed packages, secret rotation, settings and the audit trail.
// Each use-case takes an Actor, checks the actor's permission, validates its
// input, writes through the Store in one transaction together with an audit
// event, and never returns or records a secret except the one it creates.
package manage

import (
	"context"
	"log/slog"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
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
}

// Service runs the use-cases.
type Service struct {
	store   fuelgate.Store
	keys    *secret.Keys
	now     func() time.Time
	log     *slog.Logger
	changed func()
}

// New returns a Service for cfg.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, keys: cfg.Keys, now: cfg.Now, log: cfg.Log, changed: cfg.Changed}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.changed == nil {
		s.changed = func() {}
	}
	return s
}

// Store returns the underlying store (read paths of the edges use it).
func (s *Service) Store() fuelgate.Store { return s.store }

// write runs fn and appends ev in one transaction, then signals a change.
func (s *Service) write(ctx context.Context, a *Actor, ev *fuelgate.AuditEvent, fn func(tx fuelgate.Store) error) error {
	err := s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		if err := fn(tx); err != nil {
			return err
		}
		ev.Time = s.now().UTC()
		ev.Actor = a.Name
		ev.SourceIP = a.SourceIP
		if ev.Outcome == "" {
			ev.Outcome = fuelgate.OutcomeSuccess
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		s.changed()
		if nerr := fuelgate.NotifyChange(ctx, s.store); nerr != nil {
			s.log.ErrorContext(ctx, "notify other instances", "err", nerr)
		}
	}
	return err
}

// denied records a refused admin action and returns the permission error.
func (s *Service) denied(ctx context.Context, a *Actor, action, target string, err error) error {
	if fuelgate.ErrorCode(err) == fuelgate.EPERMISSION {
		if aerr := s.store.AppendAudit(ctx, &fuelgate.AuditEvent{Time: s.now().UTC(), Actor: a.Name,
			Action: action, Target: target, Outcome: fuelgate.OutcomeFailure, SourceIP: a.SourceIP,
			Detail: fuelgate.ErrorMessage(err)}); aerr != nil {
			s.log.ErrorContext(ctx, "audit write failed", "err", aerr)
		}
	}
	return err
}
