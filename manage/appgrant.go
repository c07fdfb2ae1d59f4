package manage

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
)

// AppGrant is one authorization a user gave a web or public app: the live
// refresh token of one token family.
type AppGrant struct {
	Family      string
	ClientID    string
	PackageName string
	MID         int64 // the BU the app's tokens act in now
	Scopes      []string
	// LastUsed is when the app last traded a code or a refresh token, the
	// issue time of its current refresh token.
	LastUsed time.Time
	Expires  time.Time // when the current refresh token expires
}

// MaxAppGrants bounds the grants listed for one user.
const MaxAppGrants = 200

// AppGrants lists the apps user userID has authorized, most recently used
// first. A user reads their own; others need the permission to read users
// and must see the user (OpAppGrantRead).
func (s *Service) AppGrants(ctx context.Context, a *Actor, userID int64) ([]AppGrant, error) {
	if _, err := s.grantOwner(ctx, a, OpAppGrantRead, userID); err != nil {
		return nil, err
	}
	toks, err := s.store.LiveTokens(ctx, fuelgate.TokenFilter{UserID: userID, Kind: fuelgate.TokenAppRefresh}, s.now(), MaxAppGrants)
	if err != nil {
		return nil, err
	}
	pkgs := map[int64]*fuelgate.Package{}
	out := make([]AppGrant, 0, len(toks))
	for _, t := range toks {
		p, ok := pkgs[t.PackageID]
		if !ok {
			if p, err = s.store.Package(ctx, t.PackageID); err != nil && fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
				return nil, err
			}
			pkgs[t.PackageID] = p
		}
		g := AppGrant{Family: t.Family, ClientID: t.ClientID, MID: t.MID, Scopes: t.Scopes, LastUsed: t.IssuedAt, Expires: t.ExpiresAt}
		if p != nil {
			g.PackageName = p.Name
		}
		out = append(out, g)
	}
	return out, nil
}

// RevokeAppGrant revokes every token of one authorization (family) that
// user userID gave an app. A user revokes their own; others need the
// permission to manage users, and reach and hold what the user does, as for
// changing the user (OpAppGrantRevoke). ENOTFOUND when the user has no live
// grant of that family.
func (s *Service) RevokeAppGrant(ctx context.Context, a *Actor, userID int64, family string) error {
	const action = "app_grant.revoke"
	u, err := s.grantOwner(ctx, a, OpAppGrantRevoke, userID)
	if err != nil {
		return err
	}
	if family == "" {
		return fuelgate.Errorf(fuelgate.ENOTFOUND, "There is no such app grant.")
	}
	toks, err := s.store.LiveTokens(ctx, fuelgate.TokenFilter{UserID: userID, Family: family}, s.now(), 1)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return fuelgate.Errorf(fuelgate.ENOTFOUND, "There is no such app grant.")
	}
	detail := "client:" + toks[0].ClientID + " in " + strconv.FormatInt(toks[0].MID, 10)
	return s.write(ctx, a, &fuelgate.AuditEvent{MID: u.DefaultMID, EnterpriseMID: u.EnterpriseMID, Action: action,
		Target: "user:" + u.Username, Detail: detail}, func(tx fuelgate.Store) error {
		_, err := tx.RevokeTokens(ctx, fuelgate.TokenFilter{UserID: userID, Family: family}, s.now().UTC())
		return err
	})
}

// grantOwner decides op on the app grants of user userID and returns the
// user: the user themself may; anyone else needs a permission of op's rule
// and must see the user, and to revoke, reach and hold what the user does
// (the target limits of user.update).
func (s *Service) grantOwner(ctx context.Context, a *Actor, op Op, userID int64) (*fuelgate.User, error) {
	u, err := s.store.User(ctx, userID)
	if err == nil && !a.sees(u) && !(a.kind == KindUser && a.userID == userID) {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	if err != nil {
		return nil, notFoundAs(err, "user %d not found", userID)
	}
	if a.kind == KindUser && a.userID == userID {
		return u, nil
	}
	target := "user:" + u.Username
	r := rule(op)
	if !slices.ContainsFunc(r.AnyOf, a.Holds) {
		return nil, s.denied(ctx, a, string(op), target, u.DefaultMID, noPermission(r.AnyOf[0]))
	}
	if op == OpAppGrantRevoke {
		held, err := s.holdings(ctx, u)
		if err != nil {
			return nil, err
		}
		if err := a.checkTarget("user "+strconv.Quote(u.Username), u.MIDs, held); err != nil {
			return nil, s.denied(ctx, a, string(op), target, u.DefaultMID, err)
		}
	}
	return u, nil
}
