package console

import (
	"net/url"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
)

// auditPage is the number of audit events listed per page.
const auditPage = 50

type auditData struct {
	Events []*fuelgate.AuditEvent
	Action string
	Actor  string
	Result string // outcome filter
	Since  string // as typed: 2006-01-02 or 2006-01-02T15:04 (UTC)
	Older  string // query string of the next page, "" on the last one
	Newest string // query string of the first page with the same filters, "" when on it
}

// sinceLayouts are the accepted forms of the "since" filter (UTC).
var sinceLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02", time.RFC3339}

// audit lists audit events newest first, filtered, with keyset paging
// (BeforeID): the "Older events" link carries the last ID shown.
func (h *Handler) audit(rq *request) error {
	q := rq.r.URL.Query()
	d := &auditData{Action: q.Get("action"), Actor: q.Get("actor"), Result: q.Get("outcome"), Since: q.Get("since")}
	f := fuelgate.AuditFilter{Action: d.Action, Actor: d.Actor, Limit: auditPage + 1}
	v := &view{Title: "Audit Trail", Nav: "audit", Data: d}
	switch d.Result {
	case fuelgate.OutcomeSuccess, fuelgate.OutcomeFailure:
		f.Outcome = d.Result
	default:
		d.Result = ""
	}
	if d.Since != "" {
		var err error
		for _, layout := range sinceLayouts {
			if f.Since, err = time.Parse(layout, d.Since); err == nil {
				break
			}
		}
		if err != nil {
			v.Errors = formErrors{Fields: map[string]string{"since": "Enter a date such as 2026-01-31 or 2026-01-31T09:30 (UTC)."}}
			f.Since = time.Time{}
		}
	}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	events, err := h.Manage.AuditEvents(rq.ctx, rq.actor, f)
	if err != nil {
		return err
	}
	filters := url.Values{}
	for k, val := range map[string]string{"action": d.Action, "actor": d.Actor, "outcome": d.Result, "since": d.Since} {
		if val != "" {
			filters.Set(k, val)
		}
	}
	if f.BeforeID != 0 {
		d.Newest = "?" + filters.Encode()
	}
	if len(events) > auditPage {
		events = events[:auditPage]
		filters.Set("before", strconv.FormatInt(events[len(events)-1].ID, 10))
		d.Older = "?" + filters.Encode()
	}
	d.Events = events
	return rq.render("audit.html", v)
}
