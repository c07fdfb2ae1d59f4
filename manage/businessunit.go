package manage

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// FirstMID is the MID given to the first enterprise; later BUs count up.
const FirstMID int64 = 100000001

// CreateEnterprise creates a new enterprise (a root BU) with default settings.
// Only the operator may do this.
func (s *Service) CreateEnterprise(ctx context.Context, a *Actor, name string) (*fuelgate.Account, error) {
	if a.kind != KindOperator {
		return nil, s.denied(ctx, a, "bu.create", fuelgate.Truncate(name, 64), 0,
			fuelgate.WrapError(fuelgate.EPERMISSION, "", "Only the operator may create an enterprise.", ErrNoPermission))
	}
	return s.createAccount(ctx, a, 0, name, false)
}

// errNotEmpty is returned by createAccount with onlyIfEmpty when the
// database already has a business unit.
var errNotEmpty = fuelgate.Errorf(fuelgate.ECONFLICT, "the database already has business units")

// CreateBusinessUnit creates a child BU under parent, which the actor must
// reach and which must be active. A user who creates a BU is assigned to it.
func (s *Service) CreateBusinessUnit(ctx context.Context, a *Actor, parent int64, name string) (*fuelgate.Account, error) {
	if err := a.check(OpBusinessUnitCreate, parent); err != nil {
		return nil, s.denied(ctx, a, "bu.create", fuelgate.Truncate(name, 64), parent, err)
	}
	p, err := s.store.Account(ctx, parent)
	if err != nil {
		return nil, notFoundAs(err, "parent business unit %d not found", parent)
	}
	if !p.Active {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "parent business unit %d is inactive: nothing can be created in it", parent)
	}
	return s.createAccount(ctx, a, parent, name, false)
}

// createAccount creates a BU; with onlyIfEmpty it creates it only when the
// database has no BU at all, deciding inside the write transaction.
func (s *Service) createAccount(ctx context.Context, a *Actor, parent int64, name string, onlyIfEmpty bool) (*fuelgate.Account, error) {
	return s.createAccountAt(ctx, a, parent, 0, name, onlyIfEmpty)
}

// createAccountAt is createAccount with the MID chosen by the caller (0: the
// next free one).
func (s *Service) createAccountAt(ctx context.Context, a *Actor, parent, mid int64, name string, onlyIfEmpty bool) (*fuelgate.Account, error) {
	name = strings.TrimSpace(name)
	if err := validName("name", name); err != nil {
		return nil, err
	}
	var acct *fuelgate.Account
	ev := &fuelgate.AuditEvent{Action: "bu.create", Target: name}
	err := s.write(ctx, a, ev, func(tx fuelgate.Store) error {
		all, err := tx.Accounts(ctx, fuelgate.AccountFilter{})
		if err != nil {
			return err
		}
		if onlyIfEmpty && len(all) > 0 {
			return errNotEmpty
		}
		mid := mid // fn may run again: choose afresh each run
		if mid == 0 {
			mid = FirstMID
			for _, x := range all {
				mid = max(mid, x.MID+1)
			}
		}
		now := s.now().UTC()
		acct = &fuelgate.Account{MID: mid, ParentMID: parent, Name: name, Active: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		ev.MID = mid
		if parent == 0 {
			st := fuelgate.DefaultSettings(mid)
			st.UpdatedAt = now
			return tx.PutSettings(ctx, st)
		}
		if a.userID != 0 { // a user, or an app acting for one
			_, err = tx.UpdateUser(ctx, a.userID, func(u *fuelgate.User) error {
				u.MIDs = append(u.MIDs, mid)
				slices.Sort(u.MIDs)
				u.UpdatedAt = now
				return nil
			})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// UpdateBusinessUnit renames a BU and/or (de)activates it. Deactivating a BU
// revokes every token acting in it; its users whose default BU it is can no
// longer sign in.
func (s *Service) UpdateBusinessUnit(ctx context.Context, a *Actor, mid int64, name *string, active *bool) (*fuelgate.Account, error) {
	if err := a.check(OpBusinessUnitUpdate, mid); err != nil {
		return nil, s.denied(ctx, a, "bu.update", strconv.FormatInt(mid, 10), mid, err)
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

// BusinessUnits lists the BUs the actor reaches (every BU for the operator).
// Users may always list the BUs assigned to them; tokens need accounts_read.
func (s *Service) BusinessUnits(ctx context.Context, a *Actor) ([]*fuelgate.Account, error) {
	if err := a.check(OpBusinessUnitRead); err != nil {
		return nil, err
	}
	if a.kind == KindOperator {
		return s.store.Accounts(ctx, fuelgate.AccountFilter{})
	}
	var out []*fuelgate.Account
	for _, m := range a.reach {
		acct, err := s.account(ctx, m)
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, acct)
	}
	return out, nil
}

// BusinessUnitView is a BU as the SOAP API shows it.
type BusinessUnitView struct {
	*fuelgate.Account
	EnterpriseMID int64
	ParentName    string // "" for an enterprise
}

// BusinessUnitsIn returns the BUs of mids the actor reaches, in MID order,
// with their enterprise and parent's name; the others are left out.
func (s *Service) BusinessUnitsIn(ctx context.Context, a *Actor, mids []int64) ([]BusinessUnitView, error) {
	if err := a.check(OpBusinessUnitRead); err != nil {
		return nil, err
	}
	var out []BusinessUnitView
	for _, m := range a.within(mids) {
		acct, err := s.account(ctx, m)
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		v := BusinessUnitView{Account: acct}
		if v.EnterpriseMID, err = s.Enterprise(ctx, m); err != nil {
			return nil, err
		}
		if a.kind != KindOperator && v.EnterpriseMID != a.enterprise {
			continue // defence in depth: never a BU of another enterprise
		}
		if acct.ParentMID != 0 {
			p, err := s.account(ctx, acct.ParentMID)
			if err != nil {
				return nil, err
			}
			v.ParentName = p.Name
		}
		out = append(out, v)
	}
	return out, nil
}

// businessUnitsOf checks that every BU of mids exists in enterprise ent.
func (s *Service) businessUnitsOf(ctx context.Context, ent int64, mids []int64) error {
	for _, m := range mids {
		e, err := s.Enterprise(ctx, m)
		if err != nil || e != ent {
			return fuelgate.Errorf(fuelgate.EINVALID, "business unit %d is not in enterprise %d", m, ent)
		}
	}
	return nil
}

// activeBU checks that mid exists and is active: nothing is created in an
// inactive BU.
func (s *Service) activeBU(ctx context.Context, mid int64) error {
	acct, err := s.account(ctx, mid)
	if err != nil {
		return notFoundAs(err, "business unit %d not found", mid)
	}
	if !acct.Active {
		return fuelgate.Errorf(fuelgate.EINVALID, "business unit %d is inactive: nothing can be created in it", mid)
	}
	return nil
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
