package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func testAtomic(t *testing.T, open Opener) {
	tests := []struct {
		name     string
		fn       func(ctx context.Context, s fuelgate.Store) error
		wantErr  error  // when set, Atomic must return exactly this error
		wantCode string // otherwise, the code of Atomic's error
		kept     bool   // whether account 500 and user "atomic" exist afterwards
	}{
		{"commit", func(ctx context.Context, s fuelgate.Store) error {
			return createPair(ctx, s)
		}, nil, "", true},
		{"rollback", func(ctx context.Context, s fuelgate.Store) error {
			if err := createPair(ctx, s); err != nil {
				return err
			}
			return errSentinel
		}, errSentinel, "", false},
		{"nested commit", func(ctx context.Context, s fuelgate.Store) error {
			return s.Atomic(ctx, func(tx fuelgate.Store) error { return createPair(ctx, tx) })
		}, nil, "", true},
		{"outer error rolls back nested", func(ctx context.Context, s fuelgate.Store) error {
			if err := s.Atomic(ctx, func(tx fuelgate.Store) error { return createPair(ctx, tx) }); err != nil {
				return err
			}
			return errSentinel
		}, errSentinel, "", false},
		{"conflict rolls back", func(ctx context.Context, s fuelgate.Store) error {
			if err := createPair(ctx, s); err != nil {
				return err
			}
			return s.CreateAccount(ctx, &fuelgate.Account{MID: 500})
		}, nil, fuelgate.ECONFLICT, false},
		{"reads see own writes", func(ctx context.Context, s fuelgate.Store) error {
			if err := createPair(ctx, s); err != nil {
				return err
			}
			u, err := s.UserByUsername(ctx, "atomic")
			if err != nil {
				return err
			}
			_, err = s.UpdateUser(ctx, u.ID, func(u *fuelgate.User) error {
				u.Name = "updated in tx"
				return nil
			})
			return err
		}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			ctx := t.Context()
			err := s.Atomic(ctx, func(tx fuelgate.Store) error { return tt.fn(ctx, tx) })
			if tt.wantErr != nil {
				if err != tt.wantErr {
					t.Fatalf("Atomic: got %v, want %v unchanged", err, tt.wantErr)
				}
			} else {
				wantCode(t, "Atomic", err, tt.wantCode)
			}
			_, errA := s.Account(ctx, 500)
			_, errU := s.UserByUsername(ctx, "atomic")
			want := fuelgate.ENOTFOUND
			if tt.kept {
				want = ""
			}
			wantCode(t, "Account(500) after Atomic", errA, want)
			wantCode(t, "UserByUsername(atomic) after Atomic", errU, want)
		})
	}
}

// createPair creates account 500 and user "atomic" in it.
func createPair(ctx context.Context, s fuelgate.Store) error {
	if err := s.CreateAccount(ctx, &fuelgate.Account{MID: 500, Name: "Atomic", Active: true}); err != nil {
		return err
	}
	return s.CreateUser(ctx, &fuelgate.User{EnterpriseMID: 500, Username: "atomic", DefaultMID: 500, MIDs: []int64{500}})
}

func testContext(t *testing.T, open Opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"CreateAccount", func() error { return s.CreateAccount(ctx, &fuelgate.Account{MID: 1}) }},
		{"Account", func() error { _, err := s.Account(ctx, 1); return err }},
		{"User", func() error { _, err := s.User(ctx, 1); return err }},
		{"Users", func() error { _, err := s.Users(ctx, fuelgate.UserFilter{}); return err }},
		{"UpdateUser", func() error {
			_, err := s.UpdateUser(ctx, 1, func(*fuelgate.User) error { return nil })
			return err
		}},
		{"UseNonce", func() error { _, err := s.UseNonce(ctx, 1, hash("n"), at(0), at(time.Hour)); return err }},
		{"Atomic", func() error { return s.Atomic(ctx, func(fuelgate.Store) error { return nil }) }},
		{"Ping", func() error { return s.Ping(ctx) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, context.Canceled) {
				t.Fatalf("%s with a canceled context: got %v, want context.Canceled", tt.name, err)
			}
		})
	}
	if _, err := s.Account(t.Context(), 1); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		t.Fatalf("Account after canceled CreateAccount: got %v, want ENOTFOUND", err)
	}
}
