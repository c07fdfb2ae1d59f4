package auth

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Failure audit events. Every failed login or token request is audited, but
// a flood of them must not become a flood of rows: failures are gathered by
// enterprise, BU, action, target and source address. The first failure of
// a group is written at once (in the background); further failures of the
// group within the window only count, and when the window ends one
// aggregate event records how many there were (Count), how many of them a
// throttle refused, and under how many usernames or client IDs. So a group
// writes at most two rows a window, and a flood from one address a handful.
// Writes happen in the background, so that a failure costs its caller the
// same time whoever it concerns (the enterprise of an existing user, or none
// for an unknown one). When the table of groups is full, new groups of an
// address merge into one group for every address.

// maxFailureGroups bounds the groups gathered in one window.
const maxFailureGroups = 10000

// failureLog gathers failure audit events.
type failureLog struct {
	s      *Service
	window time.Duration

	mu     sync.Mutex
	groups map[failureKey]*failureGroup
	timer  *time.Timer
}

type failureKey struct {
	enterprise, mid        int64
	action, target, source string
}

type failureGroup struct {
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

func newFailureLog(s *Service, window time.Duration) *failureLog {
	return &failureLog{s: s, window: window, groups: map[failureKey]*failureGroup{}}
}

// add records a failure. A throttled failure is never written on its own.
func (l *failureLog) add(ctx context.Context, e fuelgate.AuditEvent, throttled bool) {
	if e.Time.IsZero() {
		e.Time = l.s.now()
	}
	e.Outcome = fuelgate.OutcomeFailure
	k := failureKey{e.EnterpriseMID, e.MID, e.Action, e.Target, e.SourceIP}
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.groups[k]
	if g == nil && len(l.groups) >= maxFailureGroups {
		k.source = ""
		e.SourceIP = ""
		g = l.groups[k]
	}
	if g == nil {
		g = &failureGroup{first: e, actors: map[string]struct{}{e.Actor: {}}, written: !throttled, last: e.Time}
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

// flush writes the aggregate event of every group with failures not yet
// written, and starts the next window.
func (l *failureLog) flush() {
	l.mu.Lock()
	groups := l.groups
	l.groups = map[failureKey]*failureGroup{}
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

// aggregate is the event recording the group's failures that were not
// written one by one (nil: none).
func (g *failureGroup) aggregate() *fuelgate.AuditEvent {
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

func aggregateDetail(g *failureGroup, n int) string {
	d := strconv.Itoa(n) + " failures"
	if g.written {
		d = strconv.Itoa(n) + " more failures"
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
