package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fuelgate/fuelgate"
)

const roleColumns = "id, role_key, enterprise_mid, name, description, is_system, created_at, updated_at"

const rolePermissionsQuery = "SELECT role_id, permission FROM role_permissions WHERE role_id IN (%s)"

// CreateRole stores a new custom role; ECONFLICT if its ID is taken.
func (s *Store) CreateRole(ctx context.Context, r *fuelgate.Role) error {
	return s.write(ctx, func(s *Store) error {
		_, err := s.tx.ExecContext(s.stmtCtx(ctx), "INSERT INTO roles ("+roleColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			r.ID, r.Key, r.EnterpriseMID, r.Name, r.Description, r.System, Micros(r.CreatedAt), Micros(r.UpdatedAt))
		if err != nil {
			return s.check("CreateRole", "role already exists", err)
		}
		if err := replaceSet(ctx, s.tx, "role_permissions", "role_id", "permission", r.ID, r.Permissions); err != nil {
			return s.internal("CreateRole", err)
		}
		return nil
	})
}

// Role returns the custom role with the given ID.
func (s *Store) Role(ctx context.Context, id string) (*fuelgate.Role, error) {
	var r *fuelgate.Role
	err := s.read(ctx, "Role", func(q Querier) error {
		var err error
		r, err = s.role(ctx, q, id, "")
		return err
	})
	if err != nil {
		return nil, s.internal("Role", err)
	}
	return r, nil
}

// Roles returns an enterprise's custom roles by name, then ID.
func (s *Store) Roles(ctx context.Context, enterpriseMID int64) ([]*fuelgate.Role, error) {
	list := []*fuelgate.Role{}
	err := s.read(ctx, "Roles", func(q Querier) error {
		rows, err := q.QueryContext(ctx, "SELECT "+roleColumns+" FROM roles WHERE enterprise_mid = $1 ORDER BY name, id", enterpriseMID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRole(rows)
			if err != nil {
				return err
			}
			list = append(list, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return loadRoleSets(ctx, q, list)
	})
	if err != nil {
		return nil, s.internal("Roles", err)
	}
	return list, nil
}

// UpdateRole applies fn to the stored role and writes it back with its
// permissions. The ID cannot change.
func (s *Store) UpdateRole(ctx context.Context, id string, fn func(*fuelgate.Role) error) (*fuelgate.Role, error) {
	var out *fuelgate.Role
	err := s.write(ctx, func(s *Store) error {
		r, err := s.role(ctx, s.tx, id, s.dialect.ForUpdate)
		if err != nil {
			return s.internal("UpdateRole", err)
		}
		if err := fn(r); err != nil {
			return err
		}
		r.ID = id
		_, err = s.tx.ExecContext(s.stmtCtx(ctx), `UPDATE roles SET role_key = $2, enterprise_mid = $3, name = $4,
			description = $5, is_system = $6, created_at = $7, updated_at = $8 WHERE id = $1`,
			id, r.Key, r.EnterpriseMID, r.Name, r.Description, r.System, Micros(r.CreatedAt), Micros(r.UpdatedAt))
		if err != nil {
			return s.check("UpdateRole", "role already exists", err)
		}
		if err := replaceSet(ctx, s.tx, "role_permissions", "role_id", "permission", id, r.Permissions); err != nil {
			return s.internal("UpdateRole", err)
		}
		out, err = s.role(ctx, s.tx, id, "")
		return s.internal("UpdateRole", err)
	})
	return out, err
}

func (s *Store) role(ctx context.Context, q Querier, id, lock string) (*fuelgate.Role, error) {
	r, err := scanRole(q.QueryRowContext(ctx, "SELECT "+roleColumns+" FROM roles WHERE id = $1"+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("role")
	}
	if err != nil {
		return nil, err
	}
	if err := loadRoleSets(ctx, q, []*fuelgate.Role{r}); err != nil {
		return nil, err
	}
	return r, nil
}

func loadRoleSets(ctx context.Context, q Querier, roles []*fuelgate.Role) error {
	if len(roles) == 0 {
		return nil
	}
	ids := make([]string, len(roles))
	for i, r := range roles {
		ids[i] = r.ID
	}
	perms, err := loadSets[string, string](ctx, q, rolePermissionsQuery, ids)
	if err != nil {
		return err
	}
	for _, r := range roles {
		r.Permissions = perms[r.ID]
	}
	return nil
}

func scanRole(r scanner) (*fuelgate.Role, error) {
	var role fuelgate.Role
	var created, updated int64
	err := r.Scan(&role.ID, &role.Key, &role.EnterpriseMID, &role.Name, &role.Description, &role.System, &created, &updated)
	if err != nil {
		return nil, err
	}
	role.CreatedAt, role.UpdatedAt = FromMicros(created), FromMicros(updated)
	return &role, nil
}
