package manage

import (
	"context"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// FirstMID is the MID given to the first enterprise; later BUs count up.
const FirstMID int64 = 100000001

// Enterprise returns the MID of the enterprise (root) above mid.
func (s *Service) Enterprise(ctx context.Context, mid int64) (int64, error) {
	for range 1000 { // bounded: trees are far shallower
		a, err := s.store.Account(ctx, mid)
		if err != nil {
			return 0, err
		}
		if a.ParentMID == 0 {
			return a.MID, nil
		}
		mid = a.ParentMID
	}
	return 0, fuelgate.Errorf(fuelgate.EINTERNAL, "account tree too deep")
}

// CreateEnterprise creates a new enterprise (a root BU) with default settings.
// Only the operator may do this.
func (s *Service) CreateEnterprise(ctx context.Context, a *Actor, name string) (*fuelgate.Account, error) {
	if !a.Operator {
		return nil, s.denied(ctx, a, "bu.create", name, fuelgate.Errorf(fuelgate.EPERMISSION, "only the operator may create an enterprise"))
	}
	return s.createAccount(ctx, a, 0, name, false)
}

// errNotEmpty is returned by createAccount with onlyIfEmpty when the
// database already has a business unit.
var errNotEmpty = fuelgate.Errorf(fuelgate.ECONFLICT, "the database already has business units")

// CreateBusinessUnit creates a child BU under parent.
func (s *Service) CreateBusinessUnit(ctx context.Context, a *Actor, parent int64, name string) (*fuelgate.Account, error) {
	if err := s.canManageBU(ctx, a, parent); err != nil {
		return nil, s.denied(ctx, a, "bu.create", name, err)
	}
	if _, err := s.store.Account(ctx, parent); err != nil {
		return nil, notFoundAs(err, "parent business unit %d not found", parent)
	}
	return s.createAccount(ctx, a, parent, name, false)
}

// createAccount creates a BU; with onlyIfEmpty it creates it only when the
// database has no BU at all, deciding inside the write transaction.
func (s *Service) createAccount(ctx context.Context, a *Actor, parent int64, name string, onlyIfEmpty bool) (*fuelgate.Account, error) {
	name = strings.TrimSpace(name)
	if err := validName("name", name); err != nil {
		return nil, err
	}
	var acct *fuelgate.Account
	err := s.write(ctx, a, &fuelgate.AuditEvent{Action: "bu.create", Target: name}, func(tx fuelgate.Store) error {
		all, err := tx.Accounts(ctx, fuelgate.AccountFilter{})
		if err != nil {
			return err
		}
		if onlyIfEmpty && len(all) > 0 {
			return errNotEmpty
		}
		mid := FirstMID
		for _, x := range all {
			mid = max(mid, x.MID+1)
		}
		now := s.now().UTC()
		acct = &fuelgate.Account{MID: mid, ParentMID: parent, Name: name, Active: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		if parent == 0 {
			st := fuelgate.DefaultSettings(mid)
			st.UpdatedAt = now
			return tx.PutSettings(ctx, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// UpdateBusinessUnit renames a BU and/or (de)activates it. Deactivating a BU
// revokes every token acting in it.
func (s *Service) UpdateBusinessUnit(ctx context.Context, a *Actor, mid int64, name *string, active *bool) (*fuelgate.Account, error) {
	if err := s.canManageBU(ctx, a, mid); err != nil {
		return nil, s.denied(ctx, a, "bu.update", strconv.FormatInt(mid, 10), err)
	}
	if name != nil {
		*name = strings.TrimSpace(*name)
		if err := validName("name", *name); err != nil {
			return nil, err
		}
	}
	var out *fuelgate.Account
	err := s.write(ctx, a, &fuelgate.AuditEvent{MID: mid, Action: "bu.update", Target: strconv.FormatInt(mid, 10)}, func(tx fuelgate.Store) error {
		var err error
		out, err = tx.UpdateAccount(ctx, mid, func(acct *fuelgate.Account) error {
			if name != nil {
				acct.Name = *name
			}
			if active != nil {
				if !*active && acct.ParentMID == 0 {
					return fuelgate.Errorf(fuelgate.EINVALID, "the enterprise business unit cannot be deactivated")
				}
				acct.Active = *active
			}
			acct.UpdatedAt = s.now().UTC()
			return nil
		})
		if err != nil {
			return notFoundAs(err, "business unit %d not found", mid)
		}
		if active != nil && !*active {
			_, err = tx.RevokeTokens(ctx, fuelgate.TokenFilter{MID: mid}, s.now().UTC())
		}
		return err
	})
	return out, err
}

// BusinessUnits lists the BUs of the actor's enterprise (every BU for the operator).
func (s *Service) BusinessUnits(ctx context.Context, a *Actor) ([]*fuelgate.Account, error) {
	if err := a.require(fuelgate.PermBusinessUnitsView); err != nil {
		return nil, err
	}
	all, err := s.store.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil || a.Operator {
		return all, err
	}
	var out []*fuelgate.Account
	for _, acct := range all {
		if ent, err := s.Enterprise(ctx, acct.MID); err == nil && ent == a.EnterpriseMID {
			out = append(out, acct)
		}
	}
	return out, nil
}

// canManageBU checks that a may create or change BUs in mid's enterprise.
func (s *Service) canManageBU(ctx context.Context, a *Actor, mid int64) error {
	if err := a.require(fuelgate.PermBusinessUnitsManage); err != nil {
		return err
	}
	if a.Operator {
		return nil
	}
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return notFoundAs(err, "business unit %d not found", mid)
	}
	return a.inEnterprise(ent)
}

func validName(field, v string) error {
	if v == "" {
		return fuelgate.Errorf(fuelgate.EINVALID, "%s is required", field)
	}
	if len(v) > 200 {
		return fuelgate.Errorf(fuelgate.EINVALID, "%s is longer than 200 characters", field)
	}
	return nil
}

// notFoundAs rewrites an ENOTFOUND error with a specific message.
func notFoundAs(err error, format string, args ...any) error {
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return fuelgate.Errorf(fuelgate.ENOTFOUND, format, args...)
	}
	return err
}
