package storetest

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func normRole(r fuelgate.Role) fuelgate.Role {
	r.CreatedAt, r.UpdatedAt = norm(r.CreatedAt), norm(r.UpdatedAt)
	r.Permissions = sortedUnique(r.Permissions)
	return r
}

func roleIDs(list []*fuelgate.Role) []string {
	ids := []string{}
	for _, r := range list {
		ids = append(ids, r.ID)
	}
	return ids
}

func testRoles(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	roles := []*fuelgate.Role{
		{ID: "r-1", Key: "KEY_1", EnterpriseMID: 100, Name: "Zeta", Description: "last by name",
			Permissions: []string{fuelgate.PermUsersView, fuelgate.PermAuditView, fuelgate.PermUsersView},
			CreatedAt:   at(0), UpdatedAt: at(time.Second)},
		{ID: "r-2", Key: "KEY_2", EnterpriseMID: 100, Name: "Alpha"},
		{ID: "r-3", Key: "KEY_3", EnterpriseMID: 200, Name: "Other", Permissions: []string{fuelgate.PermRolesView}},
	}
	for _, r := range roles {
		must(t, "CreateRole", s.CreateRole(ctx, r))
	}

	t.Run("RoundTrip", func(t *testing.T) {
		for _, r := range roles {
			got, err := s.Role(ctx, r.ID)
			must(t, "Role", err)
			wantEqual(t, "Role", *got, normRole(*r))
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.Role(ctx, "nope")
		wantCode(t, "Role(nope)", err, fuelgate.ENOTFOUND)
		_, err = s.UpdateRole(ctx, "nope", func(*fuelgate.Role) error { return nil })
		wantCode(t, "UpdateRole(nope)", err, fuelgate.ENOTFOUND)
	})
	t.Run("DuplicateID", func(t *testing.T) {
		err := s.CreateRole(ctx, &fuelgate.Role{ID: "r-1", EnterpriseMID: 300, Name: "dup"})
		wantCode(t, "CreateRole(r-1)", err, fuelgate.ECONFLICT)
	})
	t.Run("List", func(t *testing.T) {
		tests := []struct {
			name string
			mid  int64
			want []string
		}{
			{"by name", 100, []string{"r-2", "r-1"}},
			{"other enterprise", 200, []string{"r-3"}},
			{"none", 300, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.Roles(ctx, tt.mid)
				must(t, "Roles", err)
				wantEqual(t, "Roles IDs", roleIDs(list), tt.want)
				for _, r := range list {
					want, err := s.Role(ctx, r.ID)
					must(t, "Role", err)
					wantEqual(t, "Roles element", *r, *want)
				}
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		got, err := s.UpdateRole(ctx, "r-1", func(r *fuelgate.Role) error {
			r.ID = "ignored"
			r.Name, r.Description = "Zeta 2", "changed"
			r.Permissions = []string{fuelgate.PermPackageView}
			r.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, "UpdateRole", err)
		want := normRole(*roles[0])
		want.Name, want.Description = "Zeta 2", "changed"
		want.Permissions, want.UpdatedAt = []string{fuelgate.PermPackageView}, norm(at(time.Hour))
		wantEqual(t, "UpdateRole result", *got, want)
		read, err := s.Role(ctx, "r-1")
		must(t, "Role", err)
		wantEqual(t, "Role after update", *read, want)
	})
	t.Run("UpdateFuncError", func(t *testing.T) {
		before, err := s.Role(ctx, "r-3")
		must(t, "Role", err)
		got, err := s.UpdateRole(ctx, "r-3", func(r *fuelgate.Role) error {
			r.Name, r.Permissions = "changed", nil
			return errSentinel
		})
		if err != errSentinel || got != nil {
			t.Fatalf("UpdateRole: got (%v, %v), want (nil, errSentinel unchanged)", got, err)
		}
		after, err := s.Role(ctx, "r-3")
		must(t, "Role", err)
		wantEqual(t, "Role after failed update", *after, *before)
	})
}
