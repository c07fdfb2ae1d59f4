package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

type auditJSON struct {
	ID       int64  `json:"id"`
	Time     string `json:"time"`
	MID      int64  `json:"mid"`
	Actor    string `json:"actor"`
	Action   string `json:"action"`
	Target   string `json:"target"`
	Outcome  string `json:"outcome"`
	SourceIP string `json:"source_ip"`
	Detail   string `json:"detail"`
}

func toAuditJSON(ev *fuelgate.AuditEvent) auditJSON {
	return auditJSON{ID: ev.ID, Time: ev.Time.UTC().Format(time.RFC3339), MID: ev.MID, Actor: ev.Actor,
		Action: ev.Action, Target: ev.Target, Outcome: ev.Outcome, SourceIP: ev.SourceIP, Detail: ev.Detail}
}

func (m *Main) auditList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("audit list", &c)
	since := fs.String("since", "", "only events since this time (RFC 3339) or duration ago (e.g. 1h)")
	var f fuelgate.AuditFilter
	fs.StringVar(&f.Action, "action", "", `only this action, or a prefix ending in "." (e.g. token.)`)
	fs.StringVar(&f.Actor, "actor", "", "only this actor (e.g. user:admin)")
	fs.StringVar(&f.Outcome, "outcome", "", "success or failure")
	fs.IntVar(&f.Limit, "limit", 100, "at most this many events (max 1000)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *since != "" {
		if d, err := time.ParseDuration(*since); err == nil {
			f.Since = time.Now().Add(-d)
		} else if t, err := time.Parse(time.RFC3339, *since); err == nil {
			f.Since = t
		} else {
			return fmt.Errorf("%w: --since must be an RFC 3339 time or a duration", errUsage)
		}
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		events, err := e.manage.AuditEvents(ctx, manage.Operator(), f)
		return listOf(events, toAuditJSON, func(w io.Writer, items []auditJSON) {
			for _, ev := range items {
				fmt.Fprintf(w, "%s %-8s %-22s %-28s %-24s %s %s\n", ev.Time, ev.Outcome, ev.Action, ev.Actor, ev.Target, ev.SourceIP, ev.Detail)
			}
		}), err
	})
}
