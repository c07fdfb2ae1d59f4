package manage

import (
	"context"

	"github.com/fuelgate/fuelgate"
)

// These build the actors of authenticated principals. Package auth calls
// them once it has verified a credential; edges get actors from auth (or,
// for a console session, from SessionActor), never build them.

// TokenActor returns the actor of a token of pkg acting in mid with scopes.
func (s *Service) TokenActor(pkg *fuelgate.Package, mid int64, scopes []string, tokenKind fuelgate.TokenKind) *Actor {
	return clientActor(pkg, mid, scopes, tokenKind)
}

// TokenBU decides the BU a new token of pkg acts in: accountID (0: the BU
// where the package was created) must be one the package may reach, and
// active. A refusal is an EPERMISSION error with cause ErrNotInReach.
func (s *Service) TokenBU(ctx context.Context, pkg *fuelgate.Package, accountID int64) (int64, error) {
	mid := pkg.MID
	if accountID != 0 {
		mid = accountID
	}
	if !pkg.CanReach(mid) {
		return 0, NotInReach(mid)
	}
	a, err := s.account(ctx, mid)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND || (err == nil && !a.Active) {
		return 0, NotInReach(mid)
	}
	if err != nil {
		return 0, err
	}
	return mid, nil
}

// LoginActor returns the actor of user u, whose credential the caller has
// verified, signing in through ch, and "" — or nil and the reason the user
// may not sign in that way (see loginRefusal). The reason is for the audit
// trail only: callers answer every refusal with the same generic failure.
func (s *Service) LoginActor(ctx context.Context, u *fuelgate.User, ch Channel) (*Actor, string, error) {
	perms, reason, err := s.signInHoldings(ctx, u, ch)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	return userActor(u, perms), "", nil
}

// signInHoldings returns what user u holds when acting through ch (their
// effective permissions), or the reason they may not act that way (see
// loginRefusal).
func (s *Service) signInHoldings(ctx context.Context, u *fuelgate.User, ch Channel) (map[string]bool, string, error) {
	st, err := s.settingsOf(ctx, u.EnterpriseMID)
	if err != nil {
		return nil, "", err
	}
	rolePerms, err := s.rolePerms(ctx, u.RoleIDs)
	if err != nil {
		return nil, "", err
	}
	def, err := s.account(ctx, u.DefaultMID)
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		return nil, "", err
	}
	if reason := loginRefusal(u, def, st, rolePerms, ch); reason != "" {
		return nil, reason, nil
	}
	return effectivePerms(rolePerms, u.WebServices, st.PermissionModel), "", nil
}

// ErrSessionEnded is returned by SessionActor when a signed-in session may
// no longer act: the user is gone or inactive, their password changed, or
// their default BU was deactivated.
var ErrSessionEnded = fuelgate.Errorf(fuelgate.EUNAUTHORIZED, "The session has ended. Please sign in again.")

// SessionActor returns the actor of a console session of user userID that
// signed in with password version passwordVersion, re-read from the store,
// so that a change to the user takes effect on their next request.
func (s *Service) SessionActor(ctx context.Context, userID, passwordVersion int64) (*Actor, error) {
	u, err := s.store.User(ctx, userID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return nil, ErrSessionEnded
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordVersion != passwordVersion {
		return nil, ErrSessionEnded
	}
	a, reason, err := s.LoginActor(ctx, u, ChannelConsole)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return nil, ErrSessionEnded
	}
	return a, nil
}
