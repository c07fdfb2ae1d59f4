package manage

import (
	"context"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Roles lists the system roles and the custom roles of enterprise.
func (s *Service) Roles(ctx context.Context, a *Actor, enterprise int64) ([]*fuelgate.Role, error) {
	if err := a.require(fuelgate.PermRolesView); err != nil {
		return nil, err
	}
	if err := a.inEnterprise(enterprise); err != nil {
		return nil, err
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

// CreateRole creates a custom role in enterprise with permissions from the catalog.
func (s *Service) CreateRole(ctx context.Context, a *Actor, enterprise int64, name, description string, perms []string) (*fuelgate.Role, error) {
	if err := a.require(fuelgate.PermRolesManage); err != nil {
		return nil, s.denied(ctx, a, "role.create", name, err)
	}
	if err := a.inEnterprise(enterprise); err != nil {
		return nil, s.denied(ctx, a, "role.create", name, err)
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
	if _, err := s.Enterprise(ctx, enterprise); err != nil {
		return nil, notFoundAs(err, "enterprise %d not found", enterprise)
	}
	now := s.now().UTC()
	id := newGUID()
	r := &fuelgate.Role{ID: id, Key: id, EnterpriseMID: enterprise, Name: name, Description: strings.TrimSpace(description),
		Permissions: perms, CreatedAt: now, UpdatedAt: now}
	err := s.write(ctx, a, &fuelgate.AuditEvent{MID: enterprise, Action: "role.create", Target: "role:" + name}, func(tx fuelgate.Store) error {
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

// UpdateRole changes a custom role's description and permissions. System roles cannot change.
func (s *Service) UpdateRole(ctx context.Context, a *Actor, id string, description *string, perms *[]string) (*fuelgate.Role, error) {
	if _, ok := fuelgate.SystemRole(id); ok {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "system roles cannot be changed")
	}
	cur, err := s.store.Role(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "role %s not found", id)
	}
	if err := a.require(fuelgate.PermRolesManage); err != nil {
		return nil, s.denied(ctx, a, "role.update", "role:"+cur.Name, err)
	}
	if err := a.inEnterprise(cur.EnterpriseMID); err != nil {
		return nil, s.denied(ctx, a, "role.update", "role:"+cur.Name, err)
	}
	if perms != nil {
		if err := validPerms(*perms); err != nil {
			return nil, err
		}
	}
	var out *fuelgate.Role
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.EnterpriseMID, Action: "role.update", Target: "role:" + cur.Name}, func(tx fuelgate.Store) error {
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

// resolveRoles maps role names, keys or IDs to role IDs valid in enterprise.
func (s *Service) resolveRoles(ctx context.Context, enterprise int64, names []string) ([]string, error) {
	var ids []string
	var custom []*fuelgate.Role
	for _, n := range names {
		n = strings.TrimSpace(n)
		if r, ok := fuelgate.SystemRole(n); ok {
			ids = append(ids, r.ID)
			continue
		}
		if custom == nil {
			var err error
			if custom, err = s.store.Roles(ctx, enterprise); err != nil {
				return nil, err
			}
		}
		found := false
		for _, r := range custom {
			if r.ID == n || r.Key == n || strings.EqualFold(r.Name, n) {
				ids = append(ids, r.ID)
				found = true
				break
			}
		}
		if !found {
			return nil, fuelgate.Errorf(fuelgate.EINVALID, "unknown role %q", truncateField(n))
		}
	}
	return ids, nil
}

func validPerms(perms []string) error {
	for _, p := range perms {
		if _, ok := fuelgate.LookupPermission(p); !ok {
			return fuelgate.Errorf(fuelgate.EINVALID, "unknown permission %q", truncateField(p))
		}
	}
	return nil
}

// newGUID returns a random GUID in the form SFMC uses for ObjectIDs.
func newGUID() string {
	b := secret.Bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}
