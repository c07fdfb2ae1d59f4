package storetest

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/fuelgate/fuelgate"
)

// RerunAtomic checks the part of the Atomic contract that callers must be
// written for: the function may run more than once. SQLite's group commit
// runs the write functions that queued while a transaction was open
// together in the next one; when one of them fails, that transaction is
// rolled back and the batch runs again with a savepoint around each
// function, so the functions queued before the failing one run twice.
//
// The scenario queues exactly that, in a synctest bubble so that the order
// is fixed by synchronisation, not by timing: a transaction held open, then
// a function that creates a user and appends an audit event, then one that
// fails. Whatever the number of runs, every run must start from a view
// without the earlier runs' writes, the last run's writes must be committed
// once (one user, one audit event), the failing function's not at all, and
// each Atomic must return its function's last result; the caller's own
// effect outside the store, an assignment made again on every run, must
// match what was committed. It returns how many times the function ran, so
// that a backend's own test can check the scenario makes it run again.
func RerunAtomic(t *testing.T, open Opener) (runs int) {
	synctest.Test(t, func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		const mid = 700
		if err := s.CreateAccount(ctx, &fuelgate.Account{MID: mid, Name: "Rerun", Active: true}); err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}

		release := make(chan struct{})
		results := map[string]chan error{}
		start := func(name string, fn func(tx fuelgate.Store) error) {
			done := make(chan error, 1)
			results[name] = done
			go func() { done <- s.Atomic(ctx, fn) }()
			// Every goroutine of the bubble is now blocked: fn is running
			// and waits, or is queued behind the held transaction, or is done.
			synctest.Wait()
		}
		event := func(action string) *fuelgate.AuditEvent {
			return &fuelgate.AuditEvent{Time: time.Now(), MID: mid, Actor: "storetest", Action: action,
				Target: "rerun", Outcome: fuelgate.OutcomeSuccess}
		}

		start("hold", func(tx fuelgate.Store) error {
			<-release
			return tx.AppendAudit(ctx, event("rerun.hold"))
		})

		// The caller's objects live outside fn, as in a use-case that
		// builds them first; the store sets their IDs on every run.
		u := &fuelgate.User{EnterpriseMID: mid, Username: "rerun", Name: "Rerun", DefaultMID: mid, MIDs: []int64{mid}}
		ev := event("rerun.create")
		var sawEarlierRun bool
		var createdID int64 // the caller's effect: overwritten on every run
		start("create", func(tx fuelgate.Store) error {
			runs++
			if _, err := tx.UserByUsername(ctx, u.Username); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
				sawEarlierRun = true
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			createdID = u.ID
			return tx.AppendAudit(ctx, ev)
		})

		start("fail", func(tx fuelgate.Store) error {
			if err := tx.CreateUser(ctx, &fuelgate.User{EnterpriseMID: mid, Username: "rerun-failed", DefaultMID: mid}); err != nil {
				return err
			}
			return errSentinel
		})

		close(release)
		for name, want := range map[string]error{"hold": nil, "create": nil, "fail": errSentinel} {
			if got := <-results[name]; got != want {
				t.Errorf("Atomic(%s): got %v, want %v", name, got, want)
			}
		}
		if runs < 1 {
			t.Fatalf("the create function ran %d times", runs)
		}
		if sawEarlierRun {
			t.Errorf("a run of the create function saw the user an earlier run wrote: runs must start from a fresh view")
		}
		got, err := s.UserByUsername(ctx, u.Username)
		if err != nil {
			t.Fatalf("UserByUsername(%s) after Atomic: %v", u.Username, err)
		}
		if got.ID != createdID || got.ID != u.ID {
			t.Errorf("user ID: stored %d, the caller saw %d, the struct holds %d; want the last run's ID everywhere", got.ID, createdID, u.ID)
		}
		events, err := s.AuditEvents(ctx, fuelgate.AuditFilter{Action: "rerun.create"})
		if err != nil {
			t.Fatalf("AuditEvents: %v", err)
		}
		if len(events) != 1 || events[0].ID != ev.ID {
			t.Errorf("audit events of the create function: got %d (first ID %v), want exactly one, ID %d", len(events), firstID(events), ev.ID)
		}
		if _, err := s.UserByUsername(ctx, "rerun-failed"); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
			t.Errorf("the failing function's user: got %v, want ENOTFOUND (rolled back)", err)
		}
		t.Logf("the create function ran %d times", runs)
	})
	return runs
}

func firstID(events []*fuelgate.AuditEvent) any {
	if len(events) == 0 {
		return nil
	}
	return events[0].ID
}
