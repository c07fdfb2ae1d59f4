package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

type roleJSON struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	System      bool     `json:"system"`
	Permissions []string `json:"permissions"`
}

func toRoleJSON(r *fuelgate.Role) roleJSON {
	perms := make([]string, 0, len(r.Permissions))
	for _, p := range r.Permissions {
		perms = append(perms, fuelgate.DisplayPermission(p))
	}
	return roleJSON{ID: r.ID, Key: r.Key, Name: r.Name, System: r.System, Permissions: perms}
}

// enterpriseOf returns the enterprise of mid, or the only enterprise when mid is 0.
func enterpriseOf(ctx context.Context, e *env, mid int64) (int64, error) {
	if mid > 0 {
		return e.manage.Enterprise(ctx, mid)
	}
	roots, err := e.store.Accounts(ctx, fuelgate.AccountFilter{ParentMID: new(int64)})
	if err != nil {
		return 0, err
	}
	if len(roots) != 1 {
		return 0, fmt.Errorf("%w: --mid is required (the database has %d enterprises)", errUsage, len(roots))
	}
	return roots[0].MID, nil
}

func (m *Main) roleList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("role list", &c)
	mid := fs.Int64("mid", 0, "a BU of the enterprise (default: the only enterprise)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.actInEnterprise(ctx, &c, *mid, func(e *env, ent int64) (printed, error) {
		roles, err := e.manage.Roles(ctx, manage.Operator(), ent)
		return listOf(roles, toRoleJSON, func(w io.Writer, items []roleJSON) {
			for _, r := range items {
				kind := "custom"
				if r.System {
					kind = "system"
				}
				fmt.Fprintf(w, "%s (%s, %s)\n", r.Name, kind, r.Key)
				for _, p := range r.Permissions {
					fmt.Fprintf(w, "    %s\n", p)
				}
			}
		}), err
	})
}

func (m *Main) roleCreate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("role create", &c)
	mid := fs.Int64("mid", 0, "a BU of the enterprise (default: the only enterprise)")
	name := fs.String("name", "", "role name")
	desc := fs.String("description", "", "description")
	var perms listFlag
	fs.Var(&perms, "permission", "permission, dotted (e.g. "+fuelgate.PermWebServicesAPI+") or as displayed (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*name != "", "name"); err != nil {
		return err
	}
	names := make([]string, 0, len(perms))
	for _, p := range perms {
		names = append(names, permissionName(p))
	}
	return m.actInEnterprise(ctx, &c, *mid, func(e *env, ent int64) (printed, error) {
		r, err := e.manage.CreateRole(ctx, manage.Operator(), ent, *name, *desc, names)
		if err != nil {
			return printed{}, err
		}
		return printed{toRoleJSON(r), func(w io.Writer) { fmt.Fprintf(w, "created role %q (%s)\n", r.Name, r.ID) }}, nil
	})
}

// permissionName accepts a dotted name or an SFMC-style display name.
func permissionName(s string) string {
	for _, p := range fuelgate.Permissions {
		if strings.EqualFold(p.Display, strings.TrimSpace(s)) {
			return p.Name
		}
	}
	return strings.TrimSpace(s)
}
