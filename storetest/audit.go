package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func auditIDs(list []*fuelgate.AuditEvent) []int64 {
	ids := []int64{}
	for _, e := range list {
		ids = append(ids, e.ID)
	}
	return ids
}

func appendAudit(t *testing.T, s fuelgate.Store, e *fuelgate.AuditEvent) int64 {
	t.Helper()
	must(t, "AppendAudit", s.AppendAudit(t.Context(), e))
	if e.ID <= 0 {
		t.Fatalf("AppendAudit: got ID %d, want > 0", e.ID)
	}
	return e.ID
}

func testAudit(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	e := &fuelgate.AuditEvent{Time: at(0), EnterpriseMID: 99, MID: 100, Actor: "user:alice", Action: "package.create",
		Target: "package:1", Outcome: fuelgate.OutcomeSuccess, SourceIP: "192.0.2.1", Detail: "name=Full"}
	appendAudit(t, s, e)
	bare := &fuelgate.AuditEvent{Time: at(time.Second), Action: "soap.login"}
	appendAudit(t, s, bare)
	if bare.ID <= e.ID {
		t.Fatalf("AppendAudit IDs: got %d then %d, want increasing", e.ID, bare.ID)
	}
	list, err := s.AuditEvents(ctx, fuelgate.AuditFilter{})
	must(t, "AuditEvents", err)
	if len(list) != 2 {
		t.Fatalf("AuditEvents: got %d events, want 2", len(list))
	}
	for i, want := range []fuelgate.AuditEvent{*bare, *e} {
		want.Time = norm(want.Time)
		wantEqual(t, fmt.Sprintf("AuditEvents[%d]", i), *list[i], want)
	}

	t.Run("DefaultLimit", func(t *testing.T) {
		for i := range 105 {
			appendAudit(t, s, &fuelgate.AuditEvent{Time: at(time.Duration(i) * time.Minute), Action: "bulk"})
		}
		list, err := s.AuditEvents(ctx, fuelgate.AuditFilter{})
		must(t, "AuditEvents", err)
		if len(list) != 100 {
			t.Fatalf("AuditEvents with no limit: got %d events, want 100", len(list))
		}
	})
	t.Run("DeleteBefore", func(t *testing.T) {
		s := open(t)
		cut := at(time.Hour)
		appendAudit(t, s, &fuelgate.AuditEvent{Time: cut.Add(-time.Microsecond), Action: "a"})
		atCut := appendAudit(t, s, &fuelgate.AuditEvent{Time: cut, Action: "a"})
		after := appendAudit(t, s, &fuelgate.AuditEvent{Time: cut.Add(time.Second), Action: "a"})
		n, err := s.DeleteAuditBefore(ctx, cut)
		must(t, "DeleteAuditBefore", err)
		if n != 1 {
			t.Fatalf("DeleteAuditBefore: got %d deleted, want 1", n)
		}
		list, err := s.AuditEvents(ctx, fuelgate.AuditFilter{})
		must(t, "AuditEvents", err)
		wantEqual(t, "AuditEvents IDs after sweep", auditIDs(list), []int64{after, atCut})
		next := appendAudit(t, s, &fuelgate.AuditEvent{Time: cut, Action: "a"})
		if next <= after {
			t.Fatalf("AppendAudit after sweep: got ID %d, want > %d (IDs are never reused)", next, after)
		}
	})
}

func testAuditFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	ev := func(min int, actor, action, outcome string) int64 {
		return appendAudit(t, s, &fuelgate.AuditEvent{Time: at(time.Duration(min) * time.Minute),
			Actor: actor, Action: action, Outcome: outcome})
	}
	issue := ev(0, "client:c1", "token.issue", fuelgate.OutcomeSuccess)
	revoke := ev(1, "client:c1", "token.revoke", fuelgate.OutcomeSuccess)
	tokens := ev(2, "user:bob", "tokens.list", fuelgate.OutcomeSuccess)
	bare := ev(3, "user:bob", "token", fuelgate.OutcomeFailure)
	login := ev(4, "user:alice", "soap.login", fuelgate.OutcomeFailure)
	underscore := ev(5, "operator", "axb.create", fuelgate.OutcomeSuccess)
	deep := ev(6, "operator", "token.issue.v1", fuelgate.OutcomeSuccess)

	tests := []struct {
		name   string
		filter fuelgate.AuditFilter
		want   []int64
	}{
		{"all newest first", fuelgate.AuditFilter{}, []int64{deep, underscore, login, bare, tokens, revoke, issue}},
		{"since", fuelgate.AuditFilter{Since: at(4 * time.Minute)}, []int64{deep, underscore, login}},
		{"action exact", fuelgate.AuditFilter{Action: "token.issue"}, []int64{issue}},
		{"action prefix", fuelgate.AuditFilter{Action: "token."}, []int64{deep, revoke, issue}},
		{"action prefix underscore is literal", fuelgate.AuditFilter{Action: "a_b."}, []int64{}},
		{"action prefix percent is literal", fuelgate.AuditFilter{Action: "%."}, []int64{}},
		{"action without match", fuelgate.AuditFilter{Action: "token.iss"}, []int64{}},
		{"actor", fuelgate.AuditFilter{Actor: "user:bob"}, []int64{bare, tokens}},
		{"outcome", fuelgate.AuditFilter{Outcome: fuelgate.OutcomeFailure}, []int64{login, bare}},
		{"actor and outcome", fuelgate.AuditFilter{Actor: "user:bob", Outcome: fuelgate.OutcomeSuccess}, []int64{tokens}},
		{"before", fuelgate.AuditFilter{BeforeID: bare}, []int64{tokens, revoke, issue}},
		{"limit", fuelgate.AuditFilter{Limit: 2}, []int64{deep, underscore}},
		{"before and limit", fuelgate.AuditFilter{BeforeID: login, Limit: 2}, []int64{bare, tokens}},
		{"prefix since and limit", fuelgate.AuditFilter{Action: "token.", Since: at(time.Minute), Limit: 1}, []int64{deep}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.AuditEvents(ctx, tt.filter)
			must(t, "AuditEvents", err)
			if list == nil {
				t.Fatalf("AuditEvents: got nil, want a non-nil slice")
			}
			wantEqual(t, "AuditEvents IDs", auditIDs(list), tt.want)
		})
	}

	t.Run("enterprise and BUs", func(t *testing.T) {
		s := open(t)
		in := func(ent, mid int64) int64 {
			return appendAudit(t, s, &fuelgate.AuditEvent{Time: at(0), EnterpriseMID: ent, MID: mid, Action: "a"})
		}
		e1 := in(1, 1)
		e1c := in(1, 2)
		e2 := in(5, 5)
		none := in(0, 0)
		tests := []struct {
			name   string
			filter fuelgate.AuditFilter
			want   []int64
		}{
			{"no filter", fuelgate.AuditFilter{}, []int64{none, e2, e1c, e1}},
			{"enterprise", fuelgate.AuditFilter{EnterpriseMID: 1}, []int64{e1c, e1}},
			{"enterprise and BU", fuelgate.AuditFilter{EnterpriseMID: 1, MIDs: []int64{2, 5}}, []int64{e1c}},
			{"BUs", fuelgate.AuditFilter{MIDs: []int64{1, 5}}, []int64{e2, e1}},
			{"no BUs selects nothing", fuelgate.AuditFilter{MIDs: []int64{}}, []int64{}},
		}
		for _, tt := range tests {
			list, err := s.AuditEvents(ctx, tt.filter)
			must(t, "AuditEvents", err)
			wantEqual(t, tt.name+": AuditEvents IDs", auditIDs(list), tt.want)
		}
	})

	t.Run("keyset paging", func(t *testing.T) {
		var got []int64
		var before int64
		for page := 0; page < 10; page++ {
			list, err := s.AuditEvents(ctx, fuelgate.AuditFilter{BeforeID: before, Limit: 3})
			must(t, "AuditEvents", err)
			if len(list) == 0 {
				break
			}
			got = append(got, auditIDs(list)...)
			before = list[len(list)-1].ID
		}
		wantEqual(t, "paged IDs", got, []int64{deep, underscore, login, bare, tokens, revoke, issue})
	})
}
