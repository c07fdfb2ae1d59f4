package manage

import (
	"context"

	"github.com/fuelgate/fuelgate"
)

// MaxAuditPage is the largest page of audit events returned at once.
const MaxAuditPage = 1000

// AuditEvents lists audit events, newest first: for the operator every
// event, for others the events of their enterprise in the BUs they reach.
func (s *Service) AuditEvents(ctx context.Context, a *Actor, f fuelgate.AuditFilter) ([]*fuelgate.AuditEvent, error) {
	if err := a.check(OpAuditRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = min(max(f.Limit, 100), MaxAuditPage)
	}
	if a.kind != KindOperator {
		f.EnterpriseMID = a.enterprise
		if f.MIDs == nil {
			f.MIDs = a.Reach()
		} else if f.MIDs = a.within(f.MIDs); len(f.MIDs) == 0 {
			return []*fuelgate.AuditEvent{}, nil
		}
	}
	return s.store.AuditEvents(ctx, f)
}
