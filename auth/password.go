package auth

import (
	"context"
	"crypto/sha256"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/internal/userkey"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// userEntry is a cached snapshot of a username: the user (nil when unknown),
// their enterprise's settings, and what manage decided for a UsernameToken
// login (the actor, or the reason it is refused).
type userEntry struct {
	user        *fuelgate.User
	settings    *fuelgate.Settings
	soapActor   *manage.Actor
	soapRefusal string
}

// credEntry remembers a PasswordText credential verified by argon2id.
type credEntry struct {
	userID  int64
	version int64
}

// maxPresentedUsername bounds the username text worth normalizing: every
// stored username has at most 128 bytes, and no other spelling of one is
// this long.
const maxPresentedUsername = 4096

// usernameKey returns the key a presented username is cached, locked out
// and throttled under: its canonical key (package userkey, the key the
// store looks users up by), or a digest of it when it is long, so that
// tables keyed by it stay small. ok is false when the name is too long to
// be any user's.
func usernameKey(name string) (key string, ok bool) {
	if len(name) > maxPresentedUsername {
		return digestKey(name), false
	}
	k := userkey.Of(name)
	if len(k) > 64 {
		k = digestKey(k)
	}
	return k, true
}

func digestKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "\x00" + string(sum[:])
}

// userSnapshot returns the snapshot of the user named name (whose key is
// key), from the cache when it holds one at most TokenCacheTTL old. A name
// that cannot exist (ok false) is unknown without a lookup.
func (s *Service) userSnapshot(ctx context.Context, name, key string, ok bool) (userEntry, error) {
	var e userEntry
	if !ok {
		return e, nil
	}
	now := s.now()
	e, hit := s.users.Get(key, now)
	s.obs.Cache("user", hit)
	if hit {
		return e, nil
	}
	u, err := s.store.UserByUsername(ctx, name)
	switch {
	case fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND:
	case err != nil:
		return e, err
	default:
		if e, err = s.entryFor(ctx, u); err != nil {
			return e, err
		}
	}
	s.users.Put(key, e, now.Add(s.cfg.TokenCacheTTL), now)
	return e, nil
}

// entryFor builds the snapshot of a user read from the store.
func (s *Service) entryFor(ctx context.Context, u *fuelgate.User) (userEntry, error) {
	e := userEntry{user: u}
	var err error
	if e.settings, err = s.settingsOf(ctx, u.EnterpriseMID); err != nil {
		return e, err
	}
	e.soapActor, e.soapRefusal, err = s.manage.LoginActor(ctx, u, manage.ChannelSOAPUser)
	return e, err
}

// credKey is the verified-credential cache key of a username key and a
// PasswordText password.
func (s *Service) credKey(key, password string) string {
	return string(secret.HMAC(s.keys.Pepper, "cred", key, password))
}

// cachedCredential reports whether the PasswordText credential (key,
// password) was verified by argon2id for u within CredentialCacheTTL. It is
// looked up for unknown users too, so the lookup metrics do not tell them
// apart.
func (s *Service) cachedCredential(u *fuelgate.User, ck string) bool {
	ce, ok := s.creds.Get(ck, s.now())
	hit := ok && u != nil && ce.userID == u.ID && ce.version == u.PasswordVersion
	s.obs.Cache("credential", hit)
	return hit
}

// checkPassword verifies c's password for u (nil: unknown user, which costs
// the same as a wrong password). key is c's username key.
func (s *Service) checkPassword(ctx context.Context, u *fuelgate.User, key string, c Credential) (bool, error) {
	if c.Digest {
		if u != nil && u.DigestCapable() {
			plain, err := secret.Open(s.keys.EncryptionKey, u.DigestSecret, secret.DigestAAD(u.ID))
			if err != nil {
				s.log.ErrorContext(ctx, "cannot open digest secret", "user_id", u.ID, "err", err)
				return false, nil
			}
			return c.HasPassword && soap.DigestMatches(c.Password, c.Nonce, c.Created, string(plain)), nil
		}
		// The same work for a user without a digest-capable password or an
		// unknown one: open a sealed dummy, compute the digest.
		plain, _ := secret.Open(s.keys.EncryptionKey, s.dummyDigest, secret.DigestAAD(0))
		soap.DigestMatches(c.Password, c.Nonce, c.Created, string(plain))
		return false, nil
	}
	if !c.HasPassword || c.Password == "" {
		return false, nil
	}
	ck := s.credKey(key, c.Password)
	if s.cachedCredential(u, ck) {
		return true, nil
	}
	return s.sharedVerify(ctx, ck, u, c.Password)
}

// sharedVerify runs argon2id for one credential once for all concurrent
// callers: the first starts it, later ones wait for its result. The run is
// detached from every caller's cancellation, so that whoever leaves first,
// the others still get their answer; a caller that leaves gets its
// context's error.
func (s *Service) sharedVerify(ctx context.Context, ck string, u *fuelgate.User, password string) (bool, error) {
	detached := context.WithoutCancel(ctx)
	ch := s.flights.DoChan(ck, func() (any, error) { return s.slowVerify(detached, ck, u, password) })
	select {
	case r := <-ch:
		ok, _ := r.Val.(bool)
		return ok, r.Err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// slowVerify runs argon2id for u (nil: a dummy hash, same cost) under the
// concurrency bound, and caches a success.
func (s *Service) slowVerify(ctx context.Context, ck string, u *fuelgate.User, password string) (bool, error) {
	hash := secret.DummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	select { // bound concurrent argon2id runs: a flood queues instead of exhausting memory
	case s.slow <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	s.obs.SlowHash()
	ok, err := secret.VerifyPassword(hash, password)
	<-s.slow
	if err != nil {
		s.log.ErrorContext(ctx, "stored password hash unreadable", "err", err)
		return false, nil
	}
	ok = ok && u != nil
	if ok {
		now := s.now()
		s.creds.Put(ck, credEntry{userID: u.ID, version: u.PasswordVersion}, now.Add(s.cfg.CredentialCacheTTL), now)
	}
	return ok, nil
}
