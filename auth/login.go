package auth

import (
	"context"
	"crypto/sha256"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// VerifyUser authenticates a SOAP call by WS-Security UsernameToken and
// returns the user's actor. It enforces, in this order: the throttles of
// failed logins per source address and per username key (a throttled
// attempt costs no password work and no write), Created freshness, nonce
// length and replay (before any password work), the password (PasswordText
// against argon2id, with a verified-credential cache; PasswordDigest against
// the sealed password of a digest-capable user), the soft lock, then asks
// manage whether the user may sign in this way (the enterprise allows
// username/password API logins; the user and their default BU are active;
// the user is an API User with the WebServices API permission or the legacy
// web-services flag). Every failure is ErrLoginFailed and costs the same
// whether or not the username exists. A wrong password counts toward the
// lockout threshold; a success resets the count.
func (s *Service) VerifyUser(ctx context.Context, c Credential, sourceIP string) (*manage.Actor, error) {
	now := s.now()
	key, exists := usernameKey(c.Username)
	l := &login{s: s, ctx: ctx, key: key, sourceIP: sourceIP, action: "soap.login", target: "usernametoken", name: c.Username}
	attempt, t := s.beginLogin(sourceIP, key)
	if t != nil {
		if a := l.throttledButCached(c, exists); a != nil {
			return a, nil
		}
		l.throttled()
		return nil, ErrLoginFailed
	}
	defer func() { attempt.end(l.failed) }()
	if c.HasCreated && (c.CreatedAt.Before(now.Add(-s.cfg.CreatedPast)) || c.CreatedAt.After(now.Add(s.cfg.CreatedFuture))) {
		return l.fail("created outside the freshness window")
	}
	if c.Digest && (!c.HasNonce || !c.HasCreated) {
		return l.fail("digest without nonce and created")
	}
	e, err := s.userSnapshot(ctx, c.Username, key, exists)
	if err != nil {
		return nil, err
	}
	l.e = e
	if c.HasNonce {
		if len(c.Nonce) < s.cfg.NonceMin || len(c.Nonce) > s.cfg.NonceMax {
			return l.fail("nonce length out of range")
		}
		var userID int64
		if e.user != nil {
			userID = e.user.ID
		}
		sum := sha256.Sum256(c.Nonce)
		fresh, err := s.store.UseNonce(ctx, userID, sum[:], now.UTC(), now.Add(s.cfg.CreatedPast+s.cfg.CreatedFuture).UTC())
		if err != nil {
			return nil, err
		}
		if !fresh {
			return l.fail("nonce replayed")
		}
	}
	ok, err := s.checkPassword(ctx, e.user, key, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.recordFailure(key, e, sourceIP)
		return l.fail("bad credentials")
	}
	return l.succeed()
}

// login is one password login being decided.
type login struct {
	s              *Service
	ctx            context.Context
	key, name      string // username key, and the name as presented
	sourceIP       string
	action, target string
	e              userEntry
	failed         bool // the login failed: it spends from the throttles
}

// fail marks the login failed (so that it spends from the throttles),
// audits it (aggregated) and answers ErrLoginFailed.
func (l *login) fail(reason string) (*manage.Actor, error) {
	l.failed = true
	l.s.events.add(l.ctx, l.event(reason), false)
	return nil, ErrLoginFailed
}

// throttled audits a failure the throttle refused (aggregated, never
// written on its own).
func (l *login) throttled() {
	l.s.events.add(l.ctx, l.event("throttled"), true)
}

// event is the audit event of a failure. A known user's failures are shown
// to their enterprise's admins, in their default BU.
func (l *login) event(reason string) fuelgate.AuditEvent {
	var ent, mid int64
	if l.e.user != nil {
		ent, mid = l.e.user.EnterpriseMID, l.e.user.DefaultMID
	}
	return fuelgate.AuditEvent{EnterpriseMID: ent, MID: mid, Actor: "user:" + fuelgate.Truncate(l.name, 128),
		Action: l.action, Target: l.target, SourceIP: l.sourceIP, Detail: reason}
}

// succeed grants a UsernameToken login whose password is right, unless the
// user is locked or manage refuses it.
func (l *login) succeed() (*manage.Actor, error) {
	unlocked, err := l.s.confirmUnlocked(l.ctx, l.key, l.e)
	if err != nil {
		return nil, err
	}
	if !unlocked {
		return l.fail("user locked")
	}
	if l.e.soapActor == nil {
		return l.fail(l.e.soapRefusal)
	}
	if l.e.user.FailedLogins > 0 {
		l.s.resetFailures(l.ctx, l.key, l.e.user)
	}
	return l.e.soapActor.WithSourceIP(l.sourceIP), nil
}

// throttledButCached lets a throttled PasswordText login through when its
// credential is in the verified-credential cache: that costs no password
// work, and it keeps a flood of somebody else's failures (for this username
// or from this address) from cutting off a client that keeps using a
// password it proved within CredentialCacheTTL. It returns nil otherwise.
func (l *login) throttledButCached(c Credential, exists bool) *manage.Actor {
	if c.Digest || !c.HasPassword || c.Password == "" || !exists {
		return nil
	}
	ck := l.s.credKey(l.key, c.Password)
	if _, ok := l.s.creds.Get(ck, l.s.now()); !ok {
		return nil
	}
	e, err := l.s.userSnapshot(l.ctx, c.Username, l.key, exists)
	if err != nil || !l.s.cachedCredential(e.user, ck) || e.soapActor == nil {
		return nil
	}
	l.e = e
	if unlocked, err := l.s.confirmUnlocked(l.ctx, l.key, e); err != nil || !unlocked {
		return nil
	}
	return e.soapActor.WithSourceIP(l.sourceIP)
}
