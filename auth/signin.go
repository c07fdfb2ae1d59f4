package auth

import (
	"context"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// SignIn authenticates a console sign-in by username and password
// (argon2id) and applies the lockout rules: a wrong password counts toward
// the enterprise's threshold, a success resets the count. It returns the
// user's actor, or ErrLoginFailed for every refusal (unknown user, wrong
// password, locked, and whatever manage refuses: an inactive user or
// default BU), so the caller cannot tell them apart; every refusal costs the
// same whether or not the username exists. When failed sign-ins from the
// address or for the username key have used up their allowance, it returns
// a *Throttled without looking at the password. Each attempt is audited as
// console.login (failures aggregated, see auditLog).
func (s *Service) SignIn(ctx context.Context, username, password, sourceIP string) (*manage.Actor, error) {
	key, exists := usernameKey(username)
	l := &login{s: s, ctx: ctx, key: key, sourceIP: sourceIP, action: "console.login", name: username}
	attempt, t := s.beginLogin(sourceIP, key)
	if t != nil {
		l.throttled()
		return nil, t
	}
	defer func() { attempt.end(l.failed) }()
	e, err := s.userSnapshot(ctx, username, key, exists)
	if err != nil {
		return nil, err
	}
	l.e = e
	ok, err := s.checkPassword(ctx, e.user, key, Credential{Username: username, Password: password, HasPassword: true})
	if err != nil {
		return nil, err
	}
	if !ok {
		s.recordFailure(key, e, sourceIP)
		return l.fail("bad credentials")
	}
	unlocked, err := s.confirmUnlocked(ctx, key, e)
	if err != nil {
		return nil, err
	}
	if !unlocked {
		return l.fail("user locked")
	}
	a, reason, err := s.manage.LoginActor(ctx, e.user, manage.ChannelConsole)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return l.fail(reason)
	}
	if e.user.FailedLogins > 0 {
		s.resetFailures(ctx, key, e.user)
	}
	s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: e.user.EnterpriseMID, MID: e.user.DefaultMID, Actor: "user:" + e.user.Username,
		Action: "console.login", Outcome: fuelgate.OutcomeSuccess, SourceIP: sourceIP})
	return a.WithSourceIP(sourceIP), nil
}
