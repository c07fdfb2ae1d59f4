package auth

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/soap"
)

// userEntry is a cached snapshot: a user with their enterprise settings and
// permissions, or a settings, account or package row (see snapshot.go).
type userEntry struct {
	user     *fuelgate.User // nil for an unknown username
	settings *fuelgate.Settings
	account  *fuelgate.Account
	pkg      *fuelgate.Package
	perms    map[string]bool
}

// credEntry remembers a PasswordText credential verified by argon2id.
type credEntry struct {
	userID  int64
	version int64
}

// VerifyUser authenticates a SOAP call by WS-Security UsernameToken. It
// enforces, in this order: Created freshness, nonce length and replay (before
// any password work), the password (PasswordText against argon2id, with a
// verified-credential cache; PasswordDigest against the sealed password of a
// digest-capable user), then the policy: the enterprise allows
// username/password API logins, the user is active, not locked, flagged API
// User and holds the WebServices API permission (or the legacy web-services
// flag). Every failure is ErrLoginFailed. A wrong password counts toward the
// lockout threshold; a success resets the count.
func (s *Service) VerifyUser(ctx context.Context, ut *soap.UsernameToken, sourceIP string) (*Principal, error) {
	now := s.now()
	var auditMID int64 // set once the user is known, so their enterprise's admins see the failure
	fail := func(reason string) (*Principal, error) {
		s.audit(ctx, &fuelgate.AuditEvent{MID: auditMID, Actor: "user:" + truncateName(ut.Username), Action: "soap.login",
			Target: "usernametoken", Outcome: fuelgate.OutcomeFailure, SourceIP: sourceIP, Detail: reason})
		return nil, ErrLoginFailed
	}
	if ut.HasCreated && (ut.CreatedAt.Before(now.Add(-s.cfg.CreatedPast)) || ut.CreatedAt.After(now.Add(s.cfg.CreatedFuture))) {
		return fail("created outside the freshness window")
	}
	if ut.PasswordType == soap.PasswordDigest && (!ut.HasNonce || !ut.HasCreated) {
		return fail("digest without nonce and created")
	}
	e, err := s.userSnapshot(ctx, ut.Username)
	if err != nil {
		return nil, err
	}
	var userID int64
	if e.user != nil {
		userID, auditMID = e.user.ID, e.user.DefaultMID
	}
	if ut.HasNonce {
		if len(ut.Nonce) < s.cfg.NonceMin || len(ut.Nonce) > s.cfg.NonceMax {
			return fail("nonce length out of range")
		}
		sum := sha256.Sum256(ut.Nonce)
		fresh, err := s.store.UseNonce(ctx, userID, sum[:], now.Add(s.cfg.CreatedPast+s.cfg.CreatedFuture).UTC())
		if err != nil {
			return nil, err
		}
		if !fresh {
			return fail("nonce replayed")
		}
	}
	ok, err := s.checkPassword(ctx, e.user, ut)
	if err != nil {
		return nil, err
	}
	if !ok {
		if e.user != nil && !e.user.IsLocked(now) {
			s.recordFailure(ctx, e, sourceIP)
		}
		return fail("bad credentials")
	}
	if reason := s.policy(e, now); reason != "" {
		return fail(reason)
	}
	u := e.user
	if u.FailedLogins > 0 {
		s.resetFailures(ctx, u.ID)
	}
	return &Principal{Kind: PrincipalUser, EnterpriseMID: u.EnterpriseMID, MID: u.DefaultMID, User: u, Perms: e.perms}, nil
}

// policy returns why a user with a correct password may still not log in, or "".
func (s *Service) policy(e userEntry, now time.Time) string {
	u := e.user
	switch {
	case !e.settings.APIPasswordLogin:
		return "username/password API logins are disabled"
	case !u.Active:
		return "user inactive"
	case u.IsLocked(now):
		return "user locked"
	case !u.APIUser:
		return "not an API user"
	case e.settings.PermissionModel == fuelgate.ModelLegacy && !u.WebServices:
		return "no web services permission"
	case e.settings.PermissionModel != fuelgate.ModelLegacy && !e.perms[fuelgate.PermWebServicesAPI]:
		return "no WebServices API permission"
	}
	return ""
}

// checkPassword verifies the token's password for u (nil: unknown user, which
// costs the same as a wrong password).
func (s *Service) checkPassword(ctx context.Context, u *fuelgate.User, ut *soap.UsernameToken) (bool, error) {
	if ut.PasswordType == soap.PasswordDigest {
		pw := "\x00unknown-user\x00"
		if u != nil && u.DigestCapable() {
			plain, err := secret.Open(s.keys.EncryptionKey, u.DigestSecret, secret.DigestAAD(u.ID))
			if err != nil {
				s.log.ErrorContext(ctx, "cannot open digest secret", "user_id", u.ID, "err", err)
				return false, nil
			}
			pw = string(plain)
			return soap.VerifyDigest(ut, pw), nil
		}
		soap.VerifyDigest(ut, pw)
		return false, nil
	}
	if !ut.HasPassword || ut.Password == "" {
		return false, nil
	}
	key := string(secret.HMAC(s.keys.Pepper, "cred", ut.Username, ut.Password))
	if u != nil {
		c, ok := s.creds.get(key, s.now())
		hit := ok && c.userID == u.ID && c.version == u.PasswordVersion
		s.obs.Cache("credential", hit)
		if hit {
			return true, nil
		}
	}
	// Concurrent logins with the same credential share one argon2id run.
	return s.flights.do(ctx, key, func() (bool, error) { return s.slowVerify(ctx, key, u, ut.Password) })
}

// slowVerify runs argon2id for u (nil: a dummy hash, same cost) under the
// concurrency bound, and caches a success.
func (s *Service) slowVerify(ctx context.Context, key string, u *fuelgate.User, password string) (bool, error) {
	hash := secret.DummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	select { // bound concurrent argon2id runs: a flood queues instead of exhausting memory
	case s.slow <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	ok, err := secret.VerifyPassword(hash, password)
	<-s.slow
	if err != nil {
		s.log.ErrorContext(ctx, "stored password hash unreadable", "err", err)
		return false, nil
	}
	ok = ok && u != nil
	if ok {
		now := s.now()
		s.creds.put(key, credEntry{userID: u.ID, version: u.PasswordVersion}, now.Add(s.cfg.CredentialCacheTTL), now)
	}
	return ok, nil
}

// userSnapshot returns the cached user, settings and permissions for username.
func (s *Service) userSnapshot(ctx context.Context, username string) (userEntry, error) {
	key := "u:" + username
	now := s.now()
	e, ok := s.users.get(key, now)
	s.obs.Cache("user", ok)
	if ok {
		return e, nil
	}
	u, err := s.store.UserByUsername(ctx, username)
	switch {
	case fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND:
	case err != nil:
		return e, err
	default:
		e.user = u
		if e.settings, err = s.settings(ctx, u.EnterpriseMID); err != nil {
			return e, err
		}
		if e.perms, err = s.permissions(ctx, u.RoleIDs); err != nil {
			return e, err
		}
	}
	s.users.put(key, e, now.Add(s.cfg.TokenCacheTTL), now)
	return e, nil
}

// recordFailure counts a failed password login and soft-locks the user at the
// enterprise's threshold.
func (s *Service) recordFailure(ctx context.Context, e userEntry, sourceIP string) {
	now := s.now().UTC()
	locked := false
	_, err := s.store.UpdateUser(ctx, e.user.ID, func(u *fuelgate.User) error {
		if u.IsLocked(now) {
			return nil
		}
		u.FailedLogins++
		if u.FailedLogins >= e.settings.LockoutThreshold {
			u.LockedUntil = now.Add(e.settings.LockoutDuration)
			u.FailedLogins = 0
			locked = true
		}
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record failed login", "err", err)
	}
	s.users.del("u:" + e.user.Username)
	if locked {
		s.obs.Lockout()
		if err := fuelgate.NotifyChange(ctx, s.store); err != nil {
			s.log.ErrorContext(ctx, "notify other instances", "err", err)
		}
		s.audit(ctx, &fuelgate.AuditEvent{MID: e.user.DefaultMID, Actor: "system", Action: "user.lockout",
			Target: "user:" + e.user.Username, Outcome: fuelgate.OutcomeSuccess, SourceIP: sourceIP,
			Detail: "locked for " + e.settings.LockoutDuration.String()})
	}
}

// resetFailures clears the failure count after a successful login.
func (s *Service) resetFailures(ctx context.Context, id int64) {
	u, err := s.store.UpdateUser(ctx, id, func(u *fuelgate.User) error {
		u.FailedLogins = 0
		u.LastLoginAt = s.now().UTC()
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "reset failed logins", "err", err)
		return
	}
	s.users.del("u:" + u.Username)
}

// SignIn authenticates an admin-console sign-in by username and password
// (argon2id) and applies the lockout rules: a wrong password counts toward
// the enterprise's threshold, a success resets the count. It returns the user,
// or ErrLoginFailed for every refusal (unknown user, wrong password, inactive,
// locked), so the caller cannot tell them apart. Each attempt is audited as
// console.login.
func (s *Service) SignIn(ctx context.Context, username, password, sourceIP string) (*fuelgate.User, error) {
	e, err := s.userSnapshot(ctx, username)
	if err != nil {
		return nil, err
	}
	ok, err := s.checkPassword(ctx, e.user, &soap.UsernameToken{Username: username, Password: password, HasPassword: true})
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !ok {
		if e.user != nil && !e.user.IsLocked(now) {
			s.recordFailure(ctx, e, sourceIP)
		}
	}
	if !ok || !e.user.Active || e.user.IsLocked(now) {
		var mid int64 // a known user's failures are visible to their enterprise's admins
		if e.user != nil {
			mid = e.user.DefaultMID
		}
		s.audit(ctx, &fuelgate.AuditEvent{MID: mid, Actor: "user:" + truncateName(username), Action: "console.login",
			Outcome: fuelgate.OutcomeFailure, SourceIP: sourceIP})
		return nil, ErrLoginFailed
	}
	if e.user.FailedLogins > 0 {
		s.resetFailures(ctx, e.user.ID)
	}
	s.audit(ctx, &fuelgate.AuditEvent{MID: e.user.DefaultMID, Actor: "user:" + username, Action: "console.login",
		Outcome: fuelgate.OutcomeSuccess, SourceIP: sourceIP})
	return e.user, nil
}

// CheckTimestamp validates a request's wsu:Timestamp: Expires not more than
// CreatedFuture in the past and Created not more than CreatedFuture ahead.
func (s *Service) CheckTimestamp(ts *soap.Timestamp) error {
	if ts == nil {
		return nil
	}
	now := s.now()
	if ts.HasExpires && ts.Expires.Before(now.Add(-s.cfg.CreatedFuture)) {
		return ErrLoginFailed
	}
	if ts.HasCreated && ts.Created.After(now.Add(s.cfg.CreatedFuture)) {
		return ErrLoginFailed
	}
	return nil
}

func truncateName(s string) string {
	if len(s) > 128 {
		return s[:128] + "…"
	}
	return s
}

// Permissions returns the union of the permissions granted by the given role
// IDs (system or custom); unknown IDs grant nothing. The admin console uses it
// to build a signed-in user's manage.Actor.
func (s *Service) Permissions(ctx context.Context, roleIDs []string) (map[string]bool, error) {
	return s.permissions(ctx, roleIDs)
}
