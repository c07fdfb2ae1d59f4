package auth

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Aggregated audit events. Every failed login or token request is audited,
// and so is every sealed access token issued, but a flood of them must not
// become a flood of rows: events are gathered by enterprise, BU, action,
// target, outcome and source address. The first event of a group is written
// at once (in the background); further events of the group within the
// window only count, and when the window ends one aggregate event records
// how many there were (Count), how many of them a throttle refused, and
// under how many usernames or client IDs. So a group writes at most two
// rows a window, and a flood from one address a handful. Writes happen in
// the background, so that a failure costs its caller the same time whoever
// it concerns (the enterprise of an existing user, or none for an unknown
// one), and a token issue costs no store write. When the table of groups
// is full, new groups of an address merge into one group for every
// address. A crash loses the counts of the current window (at most
// AuditWindow of them).

// maxAuditGroups bounds the groups gathered in one window.
const maxAuditGroups = 10000

// auditLog gathers audit events into groups.
type auditLog struct {
	s      *Service
	window time.Duration

	mu     sync.Mutex
	groups map[auditKey]*auditGroup
	timer  *time.Timer
}

type auditKey struct {
	enterprise, mid                 int64
	action, target, outcome, source string
}

type auditGroup struct {
	first     fuelgate.AuditEvent // the first failure, as written (or, when throttled, as it would have been)
	more      int                 // failures after the first
	throttled int                 // failures a throttle refused, the first included
	actors    map[string]struct{} // distinct actors, up to maxGroupActors
	manyActor bool                // more distinct actors than maxGroupActors
	written   bool                // the first failure was written
	last      time.Time
}

// maxGroupActors bounds the distinct actors a group remembers.
const maxGroupActors = 100

func newAuditLog(s *Service, window time.Duration) *auditLog {
	return &auditLog{s: s, window: window, groups: map[auditKey]*auditGroup{}}
}

// add records an event, a failure unless e.Outcome says otherwise. A
// throttled failure is never written on its own.
func (l *auditLog) add(ctx context.Context, e fuelgate.AuditEvent, throttled bool) {
	if e.Time.IsZero() {
		e.Time = l.s.now()
	}
	if e.Outcome == "" {
		e.Outcome = fuelgate.OutcomeFailure
	}
	k := auditKey{e.EnterpriseMID, e.MID, e.Action, e.Target, e.Outcome, e.SourceIP}
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.groups[k]
	if g == nil && len(l.groups) >= maxAuditGroups {
		k.source = ""
		e.SourceIP = ""
		g = l.groups[k]
	}
	if g == nil {
		g = &auditGroup{first: e, actors: map[string]struct{}{e.Actor: {}}, written: !throttled, last: e.Time}
		if throttled {
			g.throttled++
		}
		l.groups[k] = g
		if g.written {
			first := e
			l.s.background(ctx, func(ctx context.Context) { l.s.audit(ctx, &first) })
		}
		if l.timer == nil {
			l.timer = time.AfterFunc(l.window, l.flush)
		}
		return
	}
	g.more++
	g.last = e.Time
	if throttled {
		g.throttled++
	}
	if _, seen := g.actors[e.Actor]; !seen {
		if len(g.actors) < maxGroupActors {
			g.actors[e.Actor] = struct{}{}
		} else {
			g.manyActor = true
		}
	}
}

// flush writes the aggregate event of every group with events not yet
// written, and starts the next window.
func (l *auditLog) flush() {
	l.mu.Lock()
	groups := l.groups
	l.groups = map[auditKey]*auditGroup{}
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.mu.Unlock()
	var events []*fuelgate.AuditEvent
	for _, g := range groups {
		if e := g.aggregate(); e != nil {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return
	}
	l.s.background(context.Background(), func(ctx context.Context) {
		for _, e := range events {
			l.s.audit(ctx, e)
		}
	})
}

// aggregate is the event recording the group's events that were not
// written one by one (nil: none).
func (g *auditGroup) aggregate() *fuelgate.AuditEvent {
	n := g.more
	if !g.written {
		n++
	}
	if n == 0 {
		return nil
	}
	e := g.first
	e.ID, e.Time, e.Count = 0, g.last, n
	if len(g.actors) > 1 || g.manyActor {
		e.Actor = "various"
	}
	e.Detail = aggregateDetail(g, n)
	return &e
}

func aggregateDetail(g *auditGroup, n int) string {
	noun := " failures"
	if g.first.Outcome == fuelgate.OutcomeSuccess {
		noun = " successes"
	}
	d := strconv.Itoa(n) + noun
	if g.written {
		d = strconv.Itoa(n) + " more" + noun
	}
	d += " from " + orNone(g.first.SourceIP) + " between " + g.first.Time.UTC().Format(time.TimeOnly) +
		" and " + g.last.UTC().Format(time.TimeOnly) + " UTC"
	if g.throttled > 0 {
		d += ", " + strconv.Itoa(g.throttled) + " refused by the throttle"
	}
	switch {
	case g.manyActor:
		d += ", more than " + strconv.Itoa(maxGroupActors) + " actors"
	case len(g.actors) > 1:
		d += ", " + strconv.Itoa(len(g.actors)) + " actors"
	}
	if g.first.Detail != "" {
		d += "; first: " + g.first.Detail
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "various addresses"
	}
	return s
}
