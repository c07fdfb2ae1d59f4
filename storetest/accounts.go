package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// errSentinel is returned by update functions to check it comes back unchanged.
var errSentinel = errors.New("storetest: update function failed")

func normAccount(a fuelgate.Account) fuelgate.Account {
	a.CreatedAt, a.UpdatedAt = norm(a.CreatedAt), norm(a.UpdatedAt)
	return a
}

func accountMIDs(list []*fuelgate.Account) []int64 {
	mids := []int64{}
	for _, a := range list {
		mids = append(mids, a.MID)
	}
	return mids
}

// createAccounts stores the tree 100 → {101 → 103, 102}.
func createAccounts(t *testing.T, s fuelgate.Store) []fuelgate.Account {
	t.Helper()
	accounts := []fuelgate.Account{
		{MID: 100, Name: "Enterprise", Active: true, CreatedAt: at(0), UpdatedAt: at(time.Second)},
		{MID: 101, ParentMID: 100, Name: "BU 1", Active: true, CreatedAt: at(time.Minute), UpdatedAt: at(time.Minute)},
		{MID: 102, ParentMID: 100, Name: "BU 2", Active: false, CreatedAt: at(time.Hour)},
		{MID: 103, ParentMID: 101, Name: "BU 1.1", Active: true},
	}
	for i := range accounts {
		a := accounts[i]
		must(t, "CreateAccount", s.CreateAccount(t.Context(), &a))
	}
	return accounts
}

func testAccounts(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	accounts := createAccounts(t, s)

	t.Run("RoundTrip", func(t *testing.T) {
		for _, want := range accounts {
			got, err := s.Account(ctx, want.MID)
			must(t, "Account", err)
			wantEqual(t, "Account", *got, normAccount(want))
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.Account(ctx, 999)
		wantCode(t, "Account(999)", err, fuelgate.ENOTFOUND)
		_, err = s.UpdateAccount(ctx, 999, func(*fuelgate.Account) error { return nil })
		wantCode(t, "UpdateAccount(999)", err, fuelgate.ENOTFOUND)
	})
	t.Run("DuplicateMID", func(t *testing.T) {
		err := s.CreateAccount(ctx, &fuelgate.Account{MID: 101, Name: "again"})
		wantCode(t, "CreateAccount(101)", err, fuelgate.ECONFLICT)
	})
	t.Run("Filter", func(t *testing.T) {
		ptr := func(v int64) *int64 { return &v }
		tests := []struct {
			name   string
			filter fuelgate.AccountFilter
			want   []int64
		}{
			{"all", fuelgate.AccountFilter{}, []int64{100, 101, 102, 103}},
			{"enterprises", fuelgate.AccountFilter{ParentMID: ptr(0)}, []int64{100}},
			{"children of 100", fuelgate.AccountFilter{ParentMID: ptr(100)}, []int64{101, 102}},
			{"children of 101", fuelgate.AccountFilter{ParentMID: ptr(101)}, []int64{103}},
			{"no children", fuelgate.AccountFilter{ParentMID: ptr(555)}, []int64{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.Accounts(ctx, tt.filter)
				must(t, "Accounts", err)
				if list == nil {
					t.Fatalf("Accounts: got nil, want a non-nil slice")
				}
				wantEqual(t, "Accounts MIDs", accountMIDs(list), tt.want)
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		got, err := s.UpdateAccount(ctx, 102, func(a *fuelgate.Account) error {
			a.MID = 7 // ignored
			a.Name, a.Active, a.UpdatedAt = "BU 2 renamed", true, at(2*time.Hour)
			return nil
		})
		must(t, "UpdateAccount", err)
		want := normAccount(accounts[2])
		want.Name, want.Active, want.UpdatedAt = "BU 2 renamed", true, norm(at(2*time.Hour))
		wantEqual(t, "UpdateAccount result", *got, want)
		read, err := s.Account(ctx, 102)
		must(t, "Account", err)
		wantEqual(t, "Account after update", *read, want)
		if _, err := s.Account(ctx, 7); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
			t.Fatalf("Account(7): got %v, want ENOTFOUND (the MID must not change)", err)
		}
	})
	t.Run("UpdateFuncError", func(t *testing.T) {
		before, err := s.Account(ctx, 101)
		must(t, "Account", err)
		got, err := s.UpdateAccount(ctx, 101, func(a *fuelgate.Account) error {
			a.Name = "changed"
			return errSentinel
		})
		if err != errSentinel || got != nil {
			t.Fatalf("UpdateAccount: got (%v, %v), want (nil, errSentinel unchanged)", got, err)
		}
		after, err := s.Account(ctx, 101)
		must(t, "Account", err)
		wantEqual(t, "Account after failed update", *after, *before)
	})
}
