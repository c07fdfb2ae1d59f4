package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
)

// defaultAuditLimit is how many events AuditEvents returns when the filter
// sets no limit.
const defaultAuditLimit = 100

// highVolumeAction is the audit action the action index leaves out (see
// migration 0003): one event per issued token.
const highVolumeAction = "token.issue"

// AppendAudit stores an audit event and sets e.ID.
func (s *Store) AppendAudit(ctx context.Context, e *fuelgate.AuditEvent) error {
	const insert = `INSERT INTO audit_events (at, enterprise_mid, mid, actor, action, target, outcome, source_ip, detail, aggregate_count)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	args := []any{Micros(e.Time), e.EnterpriseMID, e.MID, e.Actor, e.Action, e.Target, e.Outcome, e.SourceIP, e.Detail,
		int64(e.Count)}
	return s.write(ctx, func(s *Store) error {
		var id int64
		var err error
		if s.dialect.LastInsertID {
			var res sql.Result
			if res, err = s.execPrepared(ctx, insert, args...); err == nil {
				id, err = res.LastInsertId()
			}
		} else {
			err = s.queryRowPrepared(ctx, insert+" RETURNING id", args...).Scan(&id)
		}
		if err != nil {
			return s.internal("AppendAudit", err)
		}
		e.ID = id
		return nil
	})
}

// AuditEvents returns the events f selects, newest (highest ID) first. Since
// keeps events at or after it; an Action ending in "." matches as a prefix;
// an empty non-nil MIDs selects nothing.
func (s *Store) AuditEvents(ctx context.Context, f fuelgate.AuditFilter) ([]*fuelgate.AuditEvent, error) {
	var w where
	if f.EnterpriseMID != 0 {
		w.add("enterprise_mid = " + w.arg(f.EnterpriseMID))
	}
	if f.MIDs != nil {
		w.add("mid IN (" + w.args64(f.MIDs) + ")")
	}
	if !f.Since.IsZero() {
		w.add("at >= " + w.arg(Micros(f.Since)))
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		w.add("action LIKE " + w.arg(LikePrefix(f.Action)) + ` ESCAPE '\'`)
	case f.Action != "":
		w.add("action = " + w.arg(f.Action))
		if f.Action != highVolumeAction {
			// Implied by the line above; spelled out so the planner may use
			// the partial index audit_events_rare_action.
			w.add("action <> '" + highVolumeAction + "'")
		}
	}
	if f.Actor != "" {
		w.add("actor = " + w.arg(f.Actor))
	}
	if f.Outcome != "" {
		w.add("outcome = " + w.arg(f.Outcome))
	}
	if f.BeforeID != 0 {
		w.add("id < " + w.arg(f.BeforeID))
	}
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	query := `SELECT id, at, enterprise_mid, mid, actor, action, target, outcome, source_ip, detail, aggregate_count FROM audit_events` +
		w.String() + " ORDER BY id DESC LIMIT " + w.arg(limit)
	rows, err := s.q().QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, s.internal("AuditEvents", err)
	}
	defer rows.Close()
	list := []*fuelgate.AuditEvent{}
	for rows.Next() {
		var e fuelgate.AuditEvent
		var at, count int64
		if err := rows.Scan(&e.ID, &at, &e.EnterpriseMID, &e.MID, &e.Actor, &e.Action, &e.Target, &e.Outcome, &e.SourceIP, &e.Detail, &count); err != nil {
			return nil, s.internal("AuditEvents", err)
		}
		e.Time, e.Count = FromMicros(at), int(count)
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.internal("AuditEvents", err)
	}
	return list, nil
}

// DeleteAuditBefore deletes events whose time is before t. With
// Dialect.TryLock it returns 0 while another instance sweeps audit events.
func (s *Store) DeleteAuditBefore(ctx context.Context, t time.Time) (int64, error) {
	return s.sweep(ctx, "DeleteAuditBefore", SweepAudit, "DELETE FROM audit_events WHERE at < $1", Micros(t))
}
