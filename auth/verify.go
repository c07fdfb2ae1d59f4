package auth

import (
	"context"
	"slices"
	"time"

	"github.com/fuelgate/fuelgate"
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
// expiry (still recognised for fuelgate.TokenGrace after it) and ErrLoginFailed
// for anything else that is not a valid token.
func (s *Service) VerifyToken(ctx context.Context, token string, kinds ...fuelgate.TokenKind) (*manage.Actor, error) {
	if token == "" || len(token) > MaxTokenLength {
		return nil, ErrLoginFailed
	}
	hash, ok := tokenKey(token)
	if !ok {
		return nil, ErrLoginFailed
	}
	key := string(hash)
	now := s.now()
	e, ok := s.tokens.Get(key, now)
	s.obs.Cache("token", ok)
	if !ok {
		var err error
		e, err = s.loadToken(ctx, hash)
		if err != nil {
			return nil, err
		}
		until := now.Add(s.cfg.TokenCacheTTL)
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

// loadToken reads a token and its package from the store and decides whether
// it is usable, apart from expiry, which is checked on every call.
func (s *Service) loadToken(ctx context.Context, hash []byte) (tokenEntry, error) {
	t, err := s.store.Token(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return tokenEntry{}, nil
	}
	if err != nil {
		return tokenEntry{}, err
	}
	e := tokenEntry{kind: t.Kind, expiresAt: t.ExpiresAt}
	if t.Revoked() {
		return e, nil
	}
	pkg, err := s.store.Package(ctx, t.PackageID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return e, nil
	}
	if err != nil {
		return tokenEntry{}, err
	}
	if !pkg.Enabled || !pkg.CanReach(t.MID) || s.issuedUnderRetiredSecret(pkg, t) {
		return e, nil
	}
	if t.UserID != 0 { // a web or public app acting for a user: manage decides with the user as stored now
		e.actor, _, err = s.manage.AppUserActor(ctx, pkg, t.UserID, t.MID, t.Scopes, t.Kind)
		return e, err
	}
	e.actor = s.manage.TokenActor(pkg, t.MID, t.Scopes, t.Kind)
	return e, nil
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
	if token == "" || len(token) > MaxTokenLength {
		return &TokenInfo{}, nil
	}
	hash, ok := tokenKey(token)
	if !ok {
		return &TokenInfo{}, nil
	}
	t, err := s.store.Token(ctx, hash)
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
	if token == "" || len(token) > MaxTokenLength {
		return nil
	}
	hash, ok := tokenKey(token)
	if !ok {
		return nil
	}
	t, err := s.store.Token(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND || (err == nil && t.PackageID != pkg.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	err = s.store.RevokeToken(ctx, hash, s.now().UTC())
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ECONFLICT {
		return err
	}
	s.tokens.Delete(string(hash))
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
