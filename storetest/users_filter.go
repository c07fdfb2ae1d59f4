package storetest

import (
	"testing"

	"github.com/fuelgate/fuelgate"
)

func testUserFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	mk := func(ent int64, username, name, email string, mids ...int64) int64 {
		u := &fuelgate.User{EnterpriseMID: ent, Username: username, Name: name, Email: email, MIDs: mids}
		if len(mids) > 0 {
			u.DefaultMID = mids[0]
		}
		return createUser(t, s, u).ID
	}
	alice := mk(100, "alice", "Alice Able", "alice@example.com", 100, 101)
	bob := mk(100, "bob", "Bob Baker", "bob@example.org", 100)
	carol := mk(100, "carol_x", "Carol 100% Sure", "carol@example.com", 101, 102)
	dave := mk(200, "dave", "Dave Dunn", "DAVE@EXAMPLE.NET", 200)
	erin := mk(100, "erinxx", "Erin Eve", "erin@example.com")

	tests := []struct {
		name   string
		filter fuelgate.UserFilter
		want   []int64
	}{
		{"all", fuelgate.UserFilter{}, []int64{alice, bob, carol, dave, erin}},
		{"enterprise", fuelgate.UserFilter{EnterpriseMID: 100}, []int64{alice, bob, carol, erin}},
		{"other enterprise", fuelgate.UserFilter{EnterpriseMID: 200}, []int64{dave}},
		{"no enterprise", fuelgate.UserFilter{EnterpriseMID: 300}, []int64{}},
		{"mid", fuelgate.UserFilter{MID: 101}, []int64{alice, carol}},
		{"mid and enterprise", fuelgate.UserFilter{EnterpriseMID: 200, MID: 101}, []int64{}},
		{"default BUs", fuelgate.UserFilter{DefaultMIDs: []int64{101, 200}}, []int64{carol, dave}},
		{"default BU and enterprise", fuelgate.UserFilter{EnterpriseMID: 100, DefaultMIDs: []int64{100}}, []int64{alice, bob}},
		{"no default BUs selects nothing", fuelgate.UserFilter{DefaultMIDs: []int64{}}, []int64{}},
		{"query username", fuelgate.UserFilter{Query: "ALI"}, []int64{alice}},
		{"query name", fuelgate.UserFilter{Query: "baker"}, []int64{bob}},
		{"query email", fuelgate.UserFilter{Query: "example.net"}, []int64{dave}},
		{"query email domain", fuelgate.UserFilter{Query: "@example.com"}, []int64{alice, carol, erin}},
		{"query percent is literal", fuelgate.UserFilter{Query: "%"}, []int64{carol}},
		{"query underscore is literal", fuelgate.UserFilter{Query: "_x"}, []int64{carol}},
		{"query backslash is literal", fuelgate.UserFilter{Query: `\`}, []int64{}},
		{"query and mid", fuelgate.UserFilter{Query: "example.com", MID: 100}, []int64{alice}},
		{"after", fuelgate.UserFilter{AfterID: bob}, []int64{carol, dave, erin}},
		{"limit", fuelgate.UserFilter{Limit: 2}, []int64{alice, bob}},
		{"after and limit", fuelgate.UserFilter{AfterID: alice, Limit: 2}, []int64{bob, carol}},
		{"enterprise after and limit", fuelgate.UserFilter{EnterpriseMID: 100, AfterID: carol, Limit: 5}, []int64{erin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Users(ctx, tt.filter)
			must(t, "Users", err)
			if list == nil {
				t.Fatalf("Users: got nil, want a non-nil slice")
			}
			wantEqual(t, "Users IDs", userIDs(list), tt.want)
		})
	}

	t.Run("associations", func(t *testing.T) {
		list, err := s.Users(ctx, fuelgate.UserFilter{MID: 101})
		must(t, "Users", err)
		for _, u := range list {
			want, err := s.User(ctx, u.ID)
			must(t, "User", err)
			wantEqual(t, "Users element", *u, *want)
		}
	})

	t.Run("keyset paging", func(t *testing.T) {
		var got []int64
		after := int64(0)
		for page := 0; page < 10; page++ {
			list, err := s.Users(ctx, fuelgate.UserFilter{AfterID: after, Limit: 2})
			must(t, "Users", err)
			if len(list) == 0 {
				break
			}
			got = append(got, userIDs(list)...)
			after = list[len(list)-1].ID
		}
		wantEqual(t, "paged IDs", got, []int64{alice, bob, carol, dave, erin})
	})
}
