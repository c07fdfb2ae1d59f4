package auth

import (
	"context"
	"time"

	"github.com/fuelgate/fuelgate"
)

// SweepResult counts what one Sweep deleted.
type SweepResult struct {
	Tokens, Nonces, AuditEvents, AuthCodes int64
}

// Sweep deletes tokens and authorization codes expired for longer than
// fuelgate.TokenGrace (a used code is remembered that long, so that a second
// use still revokes what the first one got), expired nonces and audit
// events older than the retention. Storage therefore stays
// bounded by the issue rate times (lifetime + grace).
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	var err error
	now := s.now().UTC()
	if r.Tokens, err = s.store.DeleteTokensExpiredBefore(ctx, now.Add(-fuelgate.TokenGrace)); err != nil {
		return r, err
	}
	if r.AuthCodes, err = s.store.DeleteAuthCodesExpiredBefore(ctx, now.Add(-fuelgate.TokenGrace)); err != nil {
		return r, err
	}
	if r.Nonces, err = s.store.DeleteNoncesExpiredBefore(ctx, now); err != nil {
		return r, err
	}
	if s.cfg.AuditRetention > 0 {
		if r.AuditEvents, err = s.store.DeleteAuditBefore(ctx, now.Add(-s.cfg.AuditRetention)); err != nil {
			return r, err
		}
	}
	return r, nil
}

// RunSweeper calls Sweep every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if r, err := s.Sweep(ctx); err != nil {
				s.log.ErrorContext(ctx, "sweep failed", "err", err)
			} else if r.Tokens+r.Nonces+r.AuditEvents+r.AuthCodes > 0 {
				s.log.InfoContext(ctx, "sweep", "tokens", r.Tokens, "nonces", r.Nonces, "audit_events", r.AuditEvents,
					"auth_codes", r.AuthCodes)
			}
		}
	}
}
