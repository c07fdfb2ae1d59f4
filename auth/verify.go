package auth

import (
	"context"
	"slices"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// MaxTokenLength is the longest token text accepted (SFMC's documented maximum).
const MaxTokenLength = 512

// tokenEntry is a cached verification result. A nil actor means the token is
// unknown or refused.
type tokenEntry struct {
	actor     *manage.Actor
	kind      fuelgate.TokenKind
	expiresAt time.Time
}

// VerifyToken checks a token presented to the SOAP endpoint or a Bearer
// endpoint and returns the actor it acts as (manage.Service.TokenActor, or
// for a token a web or public app holds for a user,
// manage.Service.AppUserActor). kinds lists the token kinds
// acceptable at that place. It returns ErrTokenExpired for a token past its
// expiry (a stored token is still recognised for fuelgate.TokenGrace after
// it; a sealed one, which carries its expiry, always) and ErrLoginFailed for
// anything else that is not a valid token.
func (s *Service) VerifyToken(ctx context.Context, token string, kinds ...fuelgate.TokenKind) (*manage.Actor, error) {
	if token == "" || len(token) > MaxTokenLength {
		return nil, ErrLoginFailed
	}
	key, ok := cacheKey(token)
	if !ok {
		return nil, ErrLoginFailed
	}
	now := s.now()
	e, ok := s.tokens.Get(key, now)
	s.obs.Cache("token", ok)
	if !ok {
		var until time.Time
		var err error
		if e, until, err = s.loadToken(ctx, token, now); err != nil {
			return nil, err
		}
		s.tokens.Put(key, e, until, now)
	}
	if e.actor == nil || !kindIn(e.kind, kinds) {
		return nil, ErrLoginFailed
	}
	if !now.Before(e.expiresAt) {
		return nil, ErrTokenExpired
	}
	return e.actor, nil
}

// cacheKey is the key of a token's verification in the token cache: its
// storage key, or for a sealed token the SHA-256 of its text; false when
// the text cannot be a token of this server.
func cacheKey(token string) (string, bool) {
	if key, ok := tokenKey(token); ok {
		return string(key), true
	}
	if looksSealed(token) {
		return string(secret.SHA256(token)), true
	}
	return "", false
}

// loadToken decides whether a token is usable, apart from expiry, which is
// checked on every call, and until when that decision may be cached.
func (s *Service) loadToken(ctx context.Context, token string, now time.Time) (tokenEntry, time.Time, error) {
	until := now.Add(s.cfg.TokenCacheTTL)
	if t, ok := s.unseal(token); ok {
		return s.loadSealed(ctx, t, now, until)
	}
	hash, ok := tokenKey(token)
	if !ok { // of a sealed token's length, but it does not open
		return tokenEntry{}, until, nil
	}
	t, err := s.store.Token(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return tokenEntry{}, until, nil
	}
	if err != nil {
		return tokenEntry{}, until, err
	}
	e := tokenEntry{kind: t.Kind, expiresAt: t.ExpiresAt}
	if t.Revoked() {
		return e, until, nil
	}
	pkg, err := s.store.Package(ctx, t.PackageID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return e, until, nil
	}
	if err != nil {
		return tokenEntry{}, until, err
	}
	e, err = s.tokenActor(ctx, pkg, t, e)
	return e, until, err
}

// loadSealed decides on a sealed token from the revocation and package
// snapshots, without a store read while they last: the decision may be
// cached until the older of them expires.
func (s *Service) loadSealed(ctx context.Context, t *fuelgate.Token, now, until time.Time) (tokenEntry, time.Time, error) {
	e := tokenEntry{kind: t.Kind, expiresAt: t.ExpiresAt}
	revs, revUntil, err := s.revs.get(ctx, s, now)
	if err != nil {
		return tokenEntry{}, until, err
	}
	until = earliest(until, revUntil)
	if revs.Refuses(t) {
		return e, until, nil
	}
	pkg, pkgUntil, err := s.packageSnapshot(ctx, t.ClientID, now)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return e, until, nil
	}
	if err != nil {
		return tokenEntry{}, until, err
	}
	until = earliest(until, pkgUntil)
	if pkg.ID != t.PackageID {
		return e, until, nil
	}
	e, err = s.tokenActor(ctx, pkg, t, e)
	return e, until, err
}

// tokenActor completes e with the actor of t, a token neither revoked nor of
// an unknown package, if pkg still lets it act.
func (s *Service) tokenActor(ctx context.Context, pkg *fuelgate.Package, t *fuelgate.Token, e tokenEntry) (tokenEntry, error) {
	if !pkg.Enabled || !pkg.CanReach(t.MID) || s.issuedUnderRetiredSecret(pkg, t) {
		return e, nil
	}
	var err error
	if t.UserID != 0 { // a web or public app acting for a user: manage decides with the user as stored now
		e.actor, _, err = s.manage.AppUserActor(ctx, pkg, t.UserID, t.MID, t.Scopes, t.Kind)
		return e, err
	}
	e.actor = s.manage.TokenActor(pkg, t.MID, t.Scopes, t.Kind)
	return e, nil
}

// findToken returns the token a text names, sealed (its claims) or stored,
// and whether it is sealed; ENOTFOUND when it names none.
func (s *Service) findToken(ctx context.Context, token string) (*fuelgate.Token, bool, error) {
	if token == "" || len(token) > MaxTokenLength {
		return nil, false, fuelgate.Errorf(fuelgate.ENOTFOUND, "token not found")
	}
	if t, ok := s.unseal(token); ok {
		return t, true, nil
	}
	hash, ok := tokenKey(token)
	if !ok {
		return nil, false, fuelgate.Errorf(fuelgate.ENOTFOUND, "token not found")
	}
	t, err := s.store.Token(ctx, hash)
	return t, false, err
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// issuedUnderRetiredSecret reports whether t was issued before the package's
// last secret rotation and the overlap for the old secret has ended.
func (s *Service) issuedUnderRetiredSecret(pkg *fuelgate.Package, t *fuelgate.Token) bool {
	if pkg.SecretRotatedAt.IsZero() || !t.IssuedAt.Before(pkg.SecretRotatedAt) {
		return false
	}
	return !s.now().Before(pkg.PrevSecretExpires)
}

func kindIn(kind fuelgate.TokenKind, kinds []fuelgate.TokenKind) bool {
	return len(kinds) == 0 || slices.Contains(kinds, kind)
}

// TokenInfo describes a token for introspection (RFC 7662).
type TokenInfo struct {
	Active    bool
	ClientID  string
	MID       int64
	Scopes    []string
	Kind      fuelgate.TokenKind
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Introspect authenticates the calling client (a public app by its client ID
// alone) and describes token if it is one of the caller's own active tokens;
// every other case is simply inactive.
func (s *Service) Introspect(ctx context.Context, clientID, clientSecret, token string) (*TokenInfo, error) {
	pkg, err := s.anyClient(ctx, clientID, clientSecret)
	if err != nil {
		return nil, err
	}
	t, _, err := s.findToken(ctx, token)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return &TokenInfo{}, nil
	}
	if err != nil {
		return nil, err
	}
	if t.PackageID != pkg.ID {
		return &TokenInfo{}, nil
	}
	if _, err := s.VerifyToken(ctx, token); err != nil {
		return &TokenInfo{}, nil
	}
	return &TokenInfo{Active: true, ClientID: t.ClientID, MID: t.MID, Scopes: t.Scopes, Kind: t.Kind,
		IssuedAt: t.IssuedAt, ExpiresAt: t.ExpiresAt}, nil
}

// Revoke authenticates the calling client (a public app by its client ID
// alone) and revokes token if it is one of the caller's own tokens; a web or
// public app's refresh token takes its whole family with it (RFC 7009 §2.1:
// the access tokens of the same authorization). Unknown or foreign tokens
// are ignored (RFC 7009: the answer is the same either way).
func (s *Service) Revoke(ctx context.Context, clientID, clientSecret, token, sourceIP string) error {
	pkg, err := s.anyClient(ctx, clientID, clientSecret)
	if err != nil {
		return err
	}
	t, sealed, err := s.findToken(ctx, token)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND || (err == nil && t.PackageID != pkg.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	if sealed {
		err = s.store.DenyToken(ctx, t.Hash, t.ExpiresAt)
		s.revs.drop()
	} else {
		err = s.store.RevokeToken(ctx, t.Hash, s.now().UTC())
	}
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ECONFLICT {
		return err
	}
	key, _ := cacheKey(token)
	s.tokens.Delete(key)
	if t.Kind == fuelgate.TokenAppRefresh && t.Family != "" {
		if _, err := s.store.RevokeTokens(ctx, fuelgate.TokenFilter{Family: t.Family}, s.now().UTC()); err != nil {
			return err
		}
		s.tokens.Clear()
	}
	if err := fuelgate.NotifyChange(ctx, s.store); err != nil {
		s.log.ErrorContext(ctx, "notify other instances", "err", err)
	}
	s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: pkg.EnterpriseMID, MID: t.MID, Actor: clientActor(pkg.ClientID), Action: "token.revoke",
		Target: string(t.Kind), Outcome: fuelgate.OutcomeSuccess, SourceIP: sourceIP})
	return nil
}
