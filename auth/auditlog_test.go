package auth_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

// TestFailureAggregation: a flood of failed logins from one address becomes
// at most two audit rows per window and group (the first failure, then one
// aggregate that counts the rest), while every failure is still accounted
// for; a known user's failures stay in their enterprise's trail, apart
// from the unknown users' ones.
func TestFailureAggregation(t *testing.T) {
	e := newEnv(t) // throttles out of the way: every failure here is a real one
	known := e.CreateUser(manage.NewUser{Username: "flooded", APIUser: true, Roles: e.APIUser.RoleIDs})
	e.Server.Auth.Flush()
	before := rows(t, e, "audit_events")
	const flood = 300
	for i := range flood {
		verify(e, digest(t, e, "nobody"+strconv.Itoa(i), "wrong-Passw0rd!", 0))
	}
	for range 5 {
		verify(e, digest(t, e, known.Username, "wrong-Passw0rd!", 0))
	}
	e.Server.Auth.Flush()
	if added := rows(t, e, "audit_events") - before; added > 4 {
		t.Errorf("%d failures wrote %d audit rows, want at most 4 (two per group)", flood+5, added)
	}
	count := func(f fuelgate.AuditFilter) (total int, actors map[string]bool) {
		t.Helper()
		f.Action, f.Outcome, f.Limit = "soap.login", fuelgate.OutcomeFailure, 100
		evs, err := e.Store.AuditEvents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		actors = map[string]bool{}
		for _, ev := range evs {
			total += max(ev.Count, 1)
			actors[ev.Actor] = true
		}
		return total, actors
	}
	// The unknown users' failures belong to no enterprise (the operator's view).
	if n, actors := count(fuelgate.AuditFilter{EnterpriseMID: 0, MIDs: []int64{0}}); n != flood || !actors["various"] {
		t.Errorf("unknown users' failures: %d accounted for by actors %v, want %d with an aggregate of various", n, actors, flood)
	}
	if n, actors := count(fuelgate.AuditFilter{EnterpriseMID: e.Enterprise.MID}); n != 5 || !actors["user:flooded"] || len(actors) != 1 {
		t.Errorf("known user's failures in their enterprise: %d by %v, want 5 by user:flooded", n, actors)
	}
}

// TestFailureWindowEnds: the aggregate is written when its window ends,
// without anybody asking.
func TestFailureWindowEnds(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) { c.Auth.AuditWindow = 200 * time.Millisecond })
	const n = 5
	for i := range n {
		verify(e, digest(t, e, "nobody"+strconv.Itoa(i), "wrong-Passw0rd!", 0))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.Server.Auth.Settle() // writes what is due, never an open window's aggregate
		evs, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "soap.login", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		total, aggregates := 0, 0
		for _, ev := range evs {
			total += max(ev.Count, 1)
			if ev.Count > 0 {
				aggregates++
			}
		}
		if total == n && aggregates > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after %d failures: %d events accounting for %d, %d aggregates; want all %d accounted for, in an aggregate",
				n, len(evs), total, aggregates, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
