package auth

import (
	"context"
	"errors"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// GrantRequest is a client_credentials request after the edge decoded it.
type GrantRequest struct {
	ClientID     string
	ClientSecret string
	AccountID    int64   // 0: the BU where the package was created
	Scope        *string // nil: all of the package's scopes; "" : none
	SourceIP     string
}

// IssuedToken is a newly minted v2 access token, with a refresh token for
// web and public apps. The texts are the only copies; the store keeps their
// SHA-256.
type IssuedToken struct {
	AccessToken  string
	RefreshToken string // web and public apps only
	ExpiresIn    int64  // seconds reported to the client (lifetime minus margin)
	ExpiresAt    time.Time
	Scopes       []string
	MID          int64
}

// SecretHash returns how a client secret is stored: HMAC-SHA256 under the pepper.
func (s *Service) SecretHash(clientSecret string) []byte {
	return secret.ClientSecretHash(s.keys.Pepper, clientSecret)
}

// dummySecretHash is compared against when the client ID is unknown, so that
// an unknown client costs the same as a wrong secret.
var dummySecretHash = make([]byte, 32)

// AuthenticateClient checks a client ID and secret. Unknown client, wrong
// secret and disabled package all give ErrInvalidClient, at the same cost: a
// success may be answered from the package snapshot (at most TokenCacheTTL
// old), but every failure is decided on a fresh read of the store, so a
// secret rotated by another process works at once and a failure costs one
// read whether or not the client ID exists.
func (s *Service) AuthenticateClient(ctx context.Context, clientID, clientSecret string) (*fuelgate.Package, error) {
	got := s.SecretHash(clientSecret)
	if clientID == "" || len(clientID) > 256 || len(clientSecret) > 1024 {
		secret.Equal(got, dummySecretHash)
		return nil, ErrInvalidClient
	}
	now := s.now()
	if p, ok := s.packages.Get(clientID, now); ok && s.clientOK(p, got) {
		s.obs.Cache("package", true)
		return p, nil
	}
	s.obs.Cache("package", false)
	pkg, err := s.store.PackageByClientID(ctx, clientID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		secret.Equal(got, dummySecretHash)
		secret.Equal(got, dummySecretHash)
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if !s.clientOK(pkg, got) {
		return nil, ErrInvalidClient
	}
	s.packages.Put(clientID, pkg, now.Add(s.cfg.TokenCacheTTL), now)
	return pkg, nil
}

// packageSnapshot returns the package with a client ID from a snapshot,
// reading the store when there is none, and when the snapshot expires.
func (s *Service) packageSnapshot(ctx context.Context, clientID string, now time.Time) (*fuelgate.Package, time.Time, error) {
	if p, until, ok := s.packages.Lookup(clientID, now); ok {
		return p, until, nil
	}
	pkg, err := s.store.PackageByClientID(ctx, clientID)
	if err != nil {
		return nil, time.Time{}, err
	}
	until := now.Add(s.cfg.TokenCacheTTL)
	s.packages.Put(clientID, pkg, until, now)
	return pkg, until, nil
}

// clientOK checks a secret's HMAC against the current and, during an
// overlap, the previous secret, in constant time, and that pkg is enabled.
func (s *Service) clientOK(pkg *fuelgate.Package, got []byte) bool {
	ok := secret.Equal(got, pkg.SecretHash)
	prevOK := len(pkg.PrevSecretHash) > 0 && secret.Equal(got, pkg.PrevSecretHash) &&
		s.now().Before(pkg.PrevSecretExpires)
	return (ok || prevOK) && pkg.Enabled
}

// Grant issues a v2 access token for client credentials.
func (s *Service) Grant(ctx context.Context, req GrantRequest) (*IssuedToken, error) {
	pkg, err := s.AuthenticateClient(ctx, req.ClientID, req.ClientSecret)
	if err == nil && pkg.Legacy {
		err = ErrLegacyPackage
	}
	if err == nil && pkg.UserApp() { // web apps act for a user: authorization_code and refresh_token only
		err = ErrNotServerToServer
	}
	if err == nil {
		if err = s.allowToken(pkg.ID); err != nil {
			s.obs.TokenRefused("v2")
			return nil, err
		}
	}
	var mid int64
	var scopes []string
	if err == nil {
		if mid, err = s.manage.TokenBU(ctx, pkg, req.AccountID); errors.Is(err, manage.ErrNotInReach) {
			err = ErrAccountUnreachable
		}
	}
	if err == nil {
		scopes, err = grantScopes(pkg, req.Scope)
	}
	if err != nil {
		// The event's MID decides which enterprise's admins see it, so it
		// comes from the authenticated package, never from the request: an
		// account_id naming another enterprise must not write into its trail.
		var auditEnt, auditMID int64
		if pkg != nil {
			auditEnt, auditMID = pkg.EnterpriseMID, pkg.MID
		}
		s.events.add(ctx, fuelgate.AuditEvent{EnterpriseMID: auditEnt, MID: auditMID, Actor: clientActor(req.ClientID),
			Action: "token.issue", Target: "v2", SourceIP: req.SourceIP, Detail: fuelgate.ErrorMessage(err)}, false)
		s.obs.TokenRefused("v2")
		return nil, err
	}
	st, err := s.settingsOf(ctx, pkg.EnterpriseMID)
	if err != nil {
		return nil, err
	}
	// A sealed token: nothing is stored, and the issue is audited in
	// aggregate (auditlog.go).
	rec := s.claims(fuelgate.TokenAccess, pkg, mid, scopes, st.TokenLifetime)
	tok := s.sealToken(rec)
	s.events.add(ctx, fuelgate.AuditEvent{Time: rec.IssuedAt, EnterpriseMID: pkg.EnterpriseMID, MID: mid, Actor: clientActor(pkg.ClientID),
		Action: "token.issue", Target: "v2", Outcome: fuelgate.OutcomeSuccess, SourceIP: req.SourceIP}, false)
	s.obs.TokenIssued("v2")
	return &IssuedToken{AccessToken: tok, ExpiresIn: fuelgate.ExpiresIn(st.TokenLifetime),
		ExpiresAt: rec.ExpiresAt, Scopes: scopes, MID: mid}, nil
}

// grantScopes narrows the package's scopes to the requested ones.
func grantScopes(pkg *fuelgate.Package, requested *string) ([]string, error) {
	if requested == nil {
		return append([]string(nil), pkg.Scopes...), nil
	}
	scopes, err := fuelgate.ParseScopes(*requested)
	if err != nil {
		return nil, ErrInvalidScope
	}
	for _, sc := range scopes {
		if !pkg.HasScope(sc) {
			return nil, ErrInvalidScope
		}
	}
	return scopes, nil
}

// mint creates a token text and its stored record.
func (s *Service) mint(kind fuelgate.TokenKind, pkg *fuelgate.Package, mid int64, scopes []string, lifetime time.Duration) (string, *fuelgate.Token) {
	rec := s.claims(kind, pkg, mid, scopes, lifetime)
	tok, key := newTokenText(rec.IssuedAt)
	rec.Hash = key
	return tok, rec
}

// claims is a new token of pkg issued now, without its text.
func (s *Service) claims(kind fuelgate.TokenKind, pkg *fuelgate.Package, mid int64, scopes []string, lifetime time.Duration) *fuelgate.Token {
	now := s.now().UTC()
	return &fuelgate.Token{Kind: kind, PackageID: pkg.ID, ClientID: pkg.ClientID,
		MID: mid, Scopes: scopes, IssuedAt: now, ExpiresAt: now.Add(lifetime)}
}

func clientActor(clientID string) string {
	return "client:" + fuelgate.Truncate(clientID, 64)
}
