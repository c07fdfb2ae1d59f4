package manage

import (
	"context"

	"github.com/fuelgate/fuelgate"
)

// MaxAuditPage is the largest page of audit events returned at once.
const MaxAuditPage = 1000

// AuditEvents lists audit events, newest first. Users see only the events of
// their enterprise's BUs and of themselves.
func (s *Service) AuditEvents(ctx context.Context, a *Actor, f fuelgate.AuditFilter) ([]*fuelgate.AuditEvent, error) {
	if err := a.require(fuelgate.PermAuditView); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = min(max(f.Limit, 100), MaxAuditPage)
	}
	if a.Operator {
		return s.store.AuditEvents(ctx, f)
	}
	mids := map[int64]bool{}
	bus, err := s.BusinessUnits(ctx, &Actor{Name: a.Name, EnterpriseMID: a.EnterpriseMID, Perms: map[string]bool{fuelgate.PermBusinessUnitsView: true}})
	if err != nil {
		return nil, err
	}
	for _, b := range bus {
		mids[b.MID] = true
	}
	var out []*fuelgate.AuditEvent
	for len(out) < f.Limit {
		page, err := s.store.AuditEvents(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if mids[e.MID] {
				out = append(out, e)
			}
		}
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
