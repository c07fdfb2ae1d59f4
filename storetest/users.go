package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// normUser is what a store returns for u.
func normUser(u fuelgate.User) fuelgate.User {
	u.LockedUntil, u.LastLoginAt = norm(u.LockedUntil), norm(u.LastLoginAt)
	u.CreatedAt, u.UpdatedAt = norm(u.CreatedAt), norm(u.UpdatedAt)
	if len(u.DigestSecret) == 0 {
		u.DigestSecret = nil
	}
	u.MIDs, u.RoleIDs = sortedUnique(u.MIDs), sortedUnique(u.RoleIDs)
	return u
}

func sortedUnique[T int64 | string](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return slices.Compact(v)
}

func userIDs(list []*fuelgate.User) []int64 {
	ids := []int64{}
	for _, u := range list {
		ids = append(ids, u.ID)
	}
	return ids
}

// newUser returns a user with every field set.
func newUser(username string) *fuelgate.User {
	return &fuelgate.User{
		EnterpriseMID: 100, Username: username, Name: "Name of " + username, Email: username + "@example.com",
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", PasswordVersion: 3,
		DigestSecret: []byte{1, 2, 3, 4}, Active: true, APIUser: true, WebServices: true, FailedLogins: 2,
		LockedUntil: at(15 * time.Minute), DefaultMID: 101, MIDs: []int64{100, 101},
		RoleIDs: []string{"f1cfb80f-3550-e611-96fe-38eaa7142c61", "r-custom"}, LastLoginAt: at(time.Minute),
		CreatedAt: at(0), UpdatedAt: at(time.Second),
	}
}

func createUser(t *testing.T, s fuelgate.Store, u *fuelgate.User) *fuelgate.User {
	t.Helper()
	must(t, "CreateUser "+u.Username, s.CreateUser(t.Context(), u))
	if u.ID <= 0 {
		t.Fatalf("CreateUser %s: got ID %d, want > 0", u.Username, u.ID)
	}
	return u
}

func testUsers(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	alice := createUser(t, s, newUser("Alice"))
	sparse := createUser(t, s, &fuelgate.User{EnterpriseMID: 100, Username: "sparse", DigestSecret: []byte{},
		MIDs: []int64{102, 100, 102}, RoleIDs: []string{"b", "a", "b"}})

	t.Run("IDs", func(t *testing.T) {
		if sparse.ID <= alice.ID {
			t.Fatalf("CreateUser IDs: got %d then %d, want increasing", alice.ID, sparse.ID)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		for _, u := range []*fuelgate.User{alice, sparse} {
			want := normUser(*u)
			got, err := s.User(ctx, u.ID)
			must(t, "User", err)
			wantEqual(t, "User", *got, want)
			got, err = s.UserByUsername(ctx, u.Username)
			must(t, "UserByUsername", err)
			wantEqual(t, "UserByUsername", *got, want)
		}
	})
	t.Run("UsernameCase", func(t *testing.T) {
		for _, name := range []string{"alice", "ALICE", "aLiCe"} {
			got, err := s.UserByUsername(ctx, name)
			must(t, "UserByUsername "+name, err)
			if got.ID != alice.ID || got.Username != "Alice" {
				t.Fatalf("UserByUsername(%q): got (%d, %q), want (%d, %q)", name, got.ID, got.Username, alice.ID, "Alice")
			}
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.User(ctx, 9999)
		wantCode(t, "User(9999)", err, fuelgate.ENOTFOUND)
		_, err = s.UserByUsername(ctx, "nobody")
		wantCode(t, "UserByUsername(nobody)", err, fuelgate.ENOTFOUND)
		_, err = s.UpdateUser(ctx, 9999, func(*fuelgate.User) error { return nil })
		wantCode(t, "UpdateUser(9999)", err, fuelgate.ENOTFOUND)
	})
	t.Run("UsernameUnique", func(t *testing.T) {
		tests := []struct {
			name     string
			username string
			want     string
		}{
			{"same", "Alice", fuelgate.ECONFLICT},
			{"lower", "alice", fuelgate.ECONFLICT},
			{"upper", "ALICE", fuelgate.ECONFLICT},
			{"other enterprise", "alice", fuelgate.ECONFLICT},
			{"different", "alice2", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := newUser(tt.username)
				if tt.name == "other enterprise" {
					u.EnterpriseMID = 200
				}
				wantCode(t, "CreateUser "+tt.username, s.CreateUser(ctx, u), tt.want)
			})
		}
		_, err := s.UpdateUser(ctx, sparse.ID, func(u *fuelgate.User) error {
			u.Username = "ALICE"
			return nil
		})
		wantCode(t, "UpdateUser rename to ALICE", err, fuelgate.ECONFLICT)
		got, err := s.User(ctx, sparse.ID)
		must(t, "User", err)
		wantEqual(t, "User after conflicting rename", *got, normUser(*sparse))
	})
	t.Run("Update", func(t *testing.T) {
		got, err := s.UpdateUser(ctx, alice.ID, func(u *fuelgate.User) error {
			u.ID = 12345 // ignored
			u.Username, u.Name, u.Email = "alice.smith", "Alice Smith", "alice@example.org"
			u.DigestSecret, u.Active, u.APIUser, u.WebServices = nil, false, false, false
			u.FailedLogins, u.LockedUntil, u.PasswordVersion = 0, time.Time{}, 4
			u.DefaultMID, u.MIDs, u.RoleIDs = 102, []int64{103, 102, 102}, nil
			u.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, "UpdateUser", err)
		want := normUser(*alice)
		want.Username, want.Name, want.Email = "alice.smith", "Alice Smith", "alice@example.org"
		want.DigestSecret, want.Active, want.APIUser, want.WebServices = nil, false, false, false
		want.FailedLogins, want.LockedUntil, want.PasswordVersion = 0, time.Time{}, 4
		want.DefaultMID, want.MIDs, want.RoleIDs = 102, []int64{102, 103}, nil
		want.UpdatedAt = norm(at(time.Hour))
		wantEqual(t, "UpdateUser result", *got, want)
		read, err := s.UserByUsername(ctx, "Alice.Smith")
		must(t, "UserByUsername", err)
		wantEqual(t, "User after update", *read, want)
		_, err = s.UserByUsername(ctx, "alice")
		wantCode(t, "UserByUsername(old name)", err, fuelgate.ENOTFOUND)
		must(t, "CreateUser with the freed name", s.CreateUser(ctx, newUser("alice")))
	})
	t.Run("UpdateFuncError", func(t *testing.T) {
		before, err := s.User(ctx, sparse.ID)
		must(t, "User", err)
		got, err := s.UpdateUser(ctx, sparse.ID, func(u *fuelgate.User) error {
			u.Name, u.MIDs, u.RoleIDs = "changed", []int64{1}, []string{"x"}
			return errSentinel
		})
		if err != errSentinel || got != nil {
			t.Fatalf("UpdateUser: got (%v, %v), want (nil, errSentinel unchanged)", got, err)
		}
		after, err := s.User(ctx, sparse.ID)
		must(t, "User", err)
		wantEqual(t, "User after failed update", *after, *before)
	})
}

func testUserConcurrentUpdates(t *testing.T, open Opener) {
	const goroutines, increments = 32, 20
	s := open(t)
	ctx := t.Context()
	u := createUser(t, s, &fuelgate.User{EnterpriseMID: 100, Username: "counter"})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Go(func() {
			for range increments {
				_, err := s.UpdateUser(ctx, u.ID, func(u *fuelgate.User) error {
					u.FailedLogins++
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, err := s.User(ctx, u.ID)
	must(t, "User", err)
	if got.FailedLogins != goroutines*increments {
		t.Fatalf("FailedLogins: got %d, want %d", got.FailedLogins, goroutines*increments)
	}
}
