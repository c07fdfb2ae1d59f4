package manage

import (
	"context"
	"strconv"

	"github.com/fuelgate/fuelgate"
)

// Snapshots: short-lived copies of rarely changing rows (business units,
// custom roles, settings), so that decisions on the hot paths do not read the
// store on every call. Entries live for Config.CacheTTL and are dropped by
// Forget. The values are shared: never modify one.

// account returns BU mid from a snapshot (ENOTFOUND when there is none).
func (s *Service) account(ctx context.Context, mid int64) (*fuelgate.Account, error) {
	key := strconv.FormatInt(mid, 10)
	now := s.now()
	if a, ok := s.accounts.Get(key, now); ok {
		if a == nil {
			return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "business unit %d not found", mid)
		}
		return a, nil
	}
	a, err := s.store.Account(ctx, mid)
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		return nil, err
	}
	s.accounts.Put(key, a, now.Add(s.ttl), now)
	if err != nil {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "business unit %d not found", mid)
	}
	return a, nil
}

// Enterprise returns the MID of the enterprise (root) above mid.
func (s *Service) Enterprise(ctx context.Context, mid int64) (int64, error) {
	return rootOf(mid, func(m int64) (*fuelgate.Account, error) { return s.account(ctx, m) })
}

// settingsOf returns the settings of enterprise ent (the defaults when none are stored).
func (s *Service) settingsOf(ctx context.Context, ent int64) (*fuelgate.Settings, error) {
	key := strconv.FormatInt(ent, 10)
	now := s.now()
	if st, ok := s.settings.Get(key, now); ok {
		return st, nil
	}
	st, err := s.store.Settings(ctx, ent)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		st, err = fuelgate.DefaultSettings(ent), nil
	}
	if err != nil {
		return nil, err
	}
	s.settings.Put(key, st, now.Add(s.ttl), now)
	return st, nil
}

// role returns the role with ID id: a system role, or a custom role from a
// snapshot; nil when there is none (a deleted role grants nothing).
func (s *Service) role(ctx context.Context, id string) (*fuelgate.Role, error) {
	if r, ok := fuelgate.SystemRole(id); ok && r.ID == id {
		return r, nil
	}
	now := s.now()
	if r, ok := s.roles.Get(id, now); ok {
		return r, nil
	}
	r, err := s.store.Role(ctx, id)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		r, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.roles.Put(id, r, now.Add(s.ttl), now)
	return r, nil
}

// rolePerms returns the union of the permissions of the roles roleIDs.
func (s *Service) rolePerms(ctx context.Context, roleIDs []string) (map[string]bool, error) {
	perms := map[string]bool{}
	for _, id := range roleIDs {
		r, err := s.role(ctx, id)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		for _, p := range r.Permissions {
			perms[p] = true
		}
	}
	return perms, nil
}

// holdings returns what user u holds: their effective permissions.
func (s *Service) holdings(ctx context.Context, u *fuelgate.User) (map[string]bool, error) {
	perms, err := s.rolePerms(ctx, u.RoleIDs)
	if err != nil {
		return nil, err
	}
	st, err := s.settingsOf(ctx, u.EnterpriseMID)
	if err != nil {
		return nil, err
	}
	return effectivePerms(perms, u.WebServices, st.PermissionModel), nil
}
