package manage

import (
	"context"
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Roles lists the system roles and the custom roles of enterprise (the
// actor's own for everyone but the operator).
func (s *Service) Roles(ctx context.Context, a *Actor, enterprise int64) ([]*fuelgate.Role, error) {
	if err := a.check(OpRoleRead); err != nil {
		return nil, err
	}
	return s.allRoles(ctx, a, enterprise)
}

// allRoles lists the roles of enterprise after the caller's decision.
func (s *Service) allRoles(ctx context.Context, a *Actor, enterprise int64) ([]*fuelgate.Role, error) {
	if a.kind != KindOperator {
		enterprise = a.enterprise
	}
	var out []*fuelgate.Role
	for i := range fuelgate.SystemRoles {
		r := fuelgate.SystemRoles[i]
		out = append(out, &r)
	}
	custom, err := s.store.Roles(ctx, enterprise)
	if err != nil {
		return nil, err
	}
	return append(out, custom...), nil
}

// GrantableRoles lists the roles the actor may give a user: those whose
// permissions it holds, for the user forms. It needs the permission to
// manage users.
func (s *Service) GrantableRoles(ctx context.Context, a *Actor, enterprise int64) ([]*fuelgate.Role, error) {
	if err := a.check(OpUserUpdate); err != nil {
		return nil, err
	}
	all, err := s.allRoles(ctx, a, enterprise)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r *fuelgate.Role) bool { return a.checkGrantRoles([]*fuelgate.Role{r}) != nil }), nil
}

// RoleNames maps the IDs of the enterprise's roles to their names, for
// showing users' roles; it needs the permission to read users or roles.
func (s *Service) RoleNames(ctx context.Context, a *Actor, enterprise int64) (map[string]*fuelgate.Role, error) {
	if !a.Allows(OpUserRead) && !a.Allows(OpRoleRead) {
		return nil, a.check(OpRoleRead)
	}
	all, err := s.allRoles(ctx, a, enterprise)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*fuelgate.Role, len(all))
	for _, r := range all {
		m[r.ID] = r
	}
	return m, nil
}

// CreateRole creates a custom role in enterprise with permissions from the
// catalog, each of which the actor must hold. The actor must reach the
// enterprise BU.
func (s *Service) CreateRole(ctx context.Context, a *Actor, enterprise int64, name, description string, perms []string) (*fuelgate.Role, error) {
	const action = "role.create"
	target := "role:" + fuelgate.Truncate(strings.TrimSpace(name), 64)
	if err := a.check(OpRoleCreate, enterprise); err != nil {
		return nil, s.denied(ctx, a, action, target, enterprise, err)
	}
	name = strings.TrimSpace(name)
	if err := validName("name", name); err != nil {
		return nil, err
	}
	if _, ok := fuelgate.SystemRole(name); ok {
		return nil, fuelgate.Errorf(fuelgate.ECONFLICT, "%q is a system role", name)
	}
	if err := validPerms(perms); err != nil {
		return nil, err
	}
	if ent, err := s.Enterprise(ctx, enterprise); err != nil || ent != enterprise {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "enterprise %d not found", enterprise)
	}
	if err := a.checkGrantPerms(perms); err != nil {
		return nil, s.denied(ctx, a, action, target, enterprise, err)
	}
	now := s.now().UTC()
	id := secret.GUID()
	r := &fuelgate.Role{ID: id, Key: id, EnterpriseMID: enterprise, Name: name, Description: strings.TrimSpace(description),
		Permissions: perms, CreatedAt: now, UpdatedAt: now}
	err := s.write(ctx, a, &fuelgate.AuditEvent{MID: enterprise, EnterpriseMID: enterprise, Action: action, Target: "role:" + name}, func(tx fuelgate.Store) error {
		existing, err := tx.Roles(ctx, enterprise)
		if err != nil {
			return err
		}
		for _, x := range existing {
			if strings.EqualFold(x.Name, name) {
				return fuelgate.Errorf(fuelgate.ECONFLICT, "a role named %q already exists", name)
			}
		}
		return tx.CreateRole(ctx, r)
	})
	return r, err
}

// UpdateRole changes a custom role's description and permissions. System
// roles cannot change. The actor must reach the enterprise BU and hold every
// permission of the role, before and after the change.
func (s *Service) UpdateRole(ctx context.Context, a *Actor, id string, description *string, perms *[]string) (*fuelgate.Role, error) {
	const action = "role.update"
	if _, ok := fuelgate.SystemRole(id); ok {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "system roles cannot be changed")
	}
	cur, err := s.store.Role(ctx, id)
	if err == nil && a.kind != KindOperator && cur.EnterpriseMID != a.enterprise {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	if err != nil {
		return nil, notFoundAs(err, "role %s not found", id)
	}
	target := "role:" + cur.Name
	if err := a.check(OpRoleUpdate, cur.EnterpriseMID); err != nil {
		return nil, s.denied(ctx, a, action, target, cur.EnterpriseMID, err)
	}
	if perms != nil {
		if err := validPerms(*perms); err != nil {
			return nil, err
		}
	}
	if err := a.checkTarget("role "+cur.Name, nil, permSet(cur.Permissions)); err != nil {
		return nil, s.denied(ctx, a, action, target, cur.EnterpriseMID, err)
	}
	if perms != nil {
		if err := a.checkGrantPerms(*perms); err != nil {
			return nil, s.denied(ctx, a, action, target, cur.EnterpriseMID, err)
		}
	}
	var out *fuelgate.Role
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.EnterpriseMID, EnterpriseMID: cur.EnterpriseMID, Action: action, Target: target}, func(tx fuelgate.Store) error {
		out, err = tx.UpdateRole(ctx, id, func(r *fuelgate.Role) error {
			if description != nil {
				r.Description = strings.TrimSpace(*description)
			}
			if perms != nil {
				r.Permissions = *perms
			}
			r.UpdatedAt = s.now().UTC()
			return nil
		})
		return err
	})
	return out, err
}

// resolveRoles maps role names, keys or IDs to the roles valid in enterprise.
func (s *Service) resolveRoles(ctx context.Context, enterprise int64, names []string) ([]*fuelgate.Role, error) {
	var out []*fuelgate.Role
	var custom []*fuelgate.Role
	for _, n := range names {
		n = strings.TrimSpace(n)
		if r, ok := fuelgate.SystemRole(n); ok {
			out = append(out, r)
			continue
		}
		if custom == nil {
			var err error
			if custom, err = s.store.Roles(ctx, enterprise); err != nil {
				return nil, err
			}
		}
		i := slices.IndexFunc(custom, func(r *fuelgate.Role) bool {
			return r.ID == n || r.Key == n || strings.EqualFold(r.Name, n)
		})
		if i < 0 {
			return nil, fuelgate.Errorf(fuelgate.EINVALID, "unknown role %q", fuelgate.Truncate(n, 64))
		}
		out = append(out, custom[i])
	}
	return out, nil
}

// roleIDs returns the IDs of roles without duplicates, in order.
func roleIDs(roles []*fuelgate.Role) []string {
	ids := []string{}
	for _, r := range roles {
		if !slices.Contains(ids, r.ID) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func validPerms(perms []string) error {
	for _, p := range perms {
		if _, ok := fuelgate.LookupPermission(p); !ok {
			return fuelgate.Errorf(fuelgate.EINVALID, "unknown permission %q", fuelgate.Truncate(p, 64))
		}
	}
	return nil
}
