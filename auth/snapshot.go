package auth

import (
	"context"
	"strconv"

	"github.com/fuelgate/fuelgate"
)

// snapshot holds short-lived copies of rarely changing rows (settings,
// accounts, roles) so that the hot paths do not read the store on every call.
// Entries live for TokenCacheTTL.

func (s *Service) settings(ctx context.Context, enterpriseMID int64) (*fuelgate.Settings, error) {
	key := "s:" + strconv.FormatInt(enterpriseMID, 10)
	if e, ok := s.users.get(key, s.now()); ok {
		return e.settings, nil
	}
	st, err := s.store.Settings(ctx, enterpriseMID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		st, err = fuelgate.DefaultSettings(enterpriseMID), nil
	}
	if err != nil {
		return nil, err
	}
	s.users.put(key, userEntry{settings: st}, s.now().Add(s.cfg.TokenCacheTTL), s.now())
	return st, nil
}

// Account returns the BU mid from a snapshot at most TokenCacheTTL old
// (ENOTFOUND when it does not exist).
func (s *Service) Account(ctx context.Context, mid int64) (*fuelgate.Account, error) {
	key := "a:" + strconv.FormatInt(mid, 10)
	if e, ok := s.users.get(key, s.now()); ok {
		if e.account == nil {
			return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "account not found")
		}
		return e.account, nil
	}
	a, err := s.store.Account(ctx, mid)
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		return nil, err
	}
	s.users.put(key, userEntry{account: a}, s.now().Add(s.cfg.TokenCacheTTL), s.now())
	return a, err
}

// permissions returns the union of the permissions of the given roles.
func (s *Service) permissions(ctx context.Context, roleIDs []string) (map[string]bool, error) {
	perms := map[string]bool{}
	for _, id := range roleIDs {
		r, ok := fuelgate.SystemRole(id)
		if !ok {
			var err error
			r, err = s.store.Role(ctx, id)
			if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
				continue // a deleted role grants nothing
			}
			if err != nil {
				return nil, err
			}
		}
		for _, p := range r.Permissions {
			perms[p] = true
		}
	}
	return perms, nil
}
