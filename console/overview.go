package console

import (
	"context"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// Chart geometry (SVG user units): 24 hourly bars.
const (
	chartHours    = 24
	chartBarWidth = 16
	chartBarGap   = 4
	chartHeight   = 100
	chartMaxPages = 20 // at most chartMaxPages × manage.MaxAuditPage events per chart
)

// chart is one server-rendered SVG bar chart of hourly counts.
type chart struct {
	ID     string
	Title  string
	Note   string
	Total  int
	Capped bool // more events than were counted
	Bars   []bar
	Width  int
	Height int
	Ticks  []tick
}

type bar struct {
	X, Y, W, H int
	Count      int
	Hour       string // "14:00"
}

type tick struct {
	X     int
	Label string
}

type overviewData struct {
	Charts   []*chart
	From, To time.Time
}

// overview shows the last 24 hours at a glance: tokens issued, SOAP login
// failures and console sign-ins, counted from the audit trail, and the SOAP
// calls this instance authenticated (counted in memory since it started).
func (h *Handler) overview(rq *request) error {
	d := &overviewData{To: h.Now().UTC()}
	d.From = d.To.Truncate(time.Hour).Add(-(chartHours - 1) * time.Hour)
	if rq.actor.Allows(manage.OpAuditRead) {
		specs := []struct{ id, title, action, outcome, note string }{
			{"tokens", "Tokens issued", "token.issue", fuelgate.OutcomeSuccess, "access tokens granted by /v2/token and /v1/requestToken"},
			{"soap-failures", "SOAP login failures", "soap.login", fuelgate.OutcomeFailure, "refused WS-Security UsernameToken logins"},
			{"signins", "Console sign-ins", "console.login", fuelgate.OutcomeSuccess, "successful sign-ins to this console"},
		}
		for _, s := range specs {
			c, err := h.hourlyChart(rq.ctx, rq.actor, d.From, s.action, s.outcome)
			if err != nil {
				return err
			}
			c.ID, c.Title, c.Note = s.id, s.title, s.note
			d.Charts = append(d.Charts, c)
		}
		calls := &chart{ID: "soap-calls", Title: "SOAP calls",
			Note: "authenticated calls served by this instance since it started (not stored)"}
		counts := make([]int, chartHours)
		if h.SOAPCalls != nil {
			counts = h.SOAPCalls(d.To)
		}
		for _, n := range counts {
			calls.Total += n
		}
		calls.layout(d.From, counts)
		d.Charts = append(d.Charts[:1], append([]*chart{calls}, d.Charts[1:]...)...)
	}
	return rq.render("overview.html", &view{Title: "Overview", Nav: "overview", Data: d})
}

// hourlyChart counts the events of one action and outcome since from, per
// hour, an aggregate event as the events it stands for.
func (h *Handler) hourlyChart(ctx context.Context, a *manage.Actor, from time.Time, action, outcome string) (*chart, error) {
	counts := make([]int, chartHours)
	c := &chart{}
	f := fuelgate.AuditFilter{Since: from, Action: action, Outcome: outcome, Limit: manage.MaxAuditPage}
	for page := 0; ; page++ {
		if page == chartMaxPages {
			c.Capped = true
			break
		}
		events, err := h.Manage.AuditEvents(ctx, a, f)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			i := int(e.Time.Sub(from) / time.Hour)
			if i >= 0 && i < chartHours {
				counts[i] += e.Events() // an aggregate stands for Count events
				c.Total += e.Events()
			}
		}
		if len(events) < f.Limit {
			break
		}
		f.BeforeID = events[len(events)-1].ID
	}
	c.layout(from, counts)
	return c, nil
}

// layout turns counts into bars scaled to the largest count.
func (c *chart) layout(from time.Time, counts []int) {
	c.Width, c.Height = chartHours*(chartBarWidth+chartBarGap), chartHeight
	peak := 1
	for _, n := range counts {
		peak = max(peak, n)
	}
	for i, n := range counts {
		hgt := n * chartHeight / peak
		if n > 0 && hgt < 2 {
			hgt = 2 // a single event stays visible
		}
		x := i*(chartBarWidth+chartBarGap) + chartBarGap/2
		hour := from.Add(time.Duration(i) * time.Hour).Format("15:04")
		c.Bars = append(c.Bars, bar{X: x, Y: chartHeight - hgt, W: chartBarWidth, H: hgt, Count: n, Hour: hour})
		if i%6 == 0 {
			c.Ticks = append(c.Ticks, tick{X: x, Label: hour})
		}
	}
}
