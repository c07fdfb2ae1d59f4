package auth

import (
	"context"
	"time"

	"github.com/fuelgate/fuelgate"
)

// LegacyRequest is a /v1/requestToken request after the edge decoded it.
type LegacyRequest struct {
	ClientID     string
	ClientSecret string
	RefreshToken string // a v1 refresh token to trade in (single use)
	Offline      bool   // accessType "offline": also issue a refresh token
	WithLegacy   bool   // ?legacy=1: also issue a legacyToken for the <oAuth> header
	SourceIP     string
}

// LegacyTokens are the tokens of one /v1/requestToken answer.
type LegacyTokens struct {
	AccessToken  string
	LegacyToken  string // empty unless requested
	RefreshToken string // empty unless offline
	ExpiresIn    int64
}

// GrantLegacy issues v1 tokens to a legacy package. A refresh token, when
// given, is consumed: it works exactly once.
func (s *Service) GrantLegacy(ctx context.Context, req LegacyRequest) (*LegacyTokens, error) {
	pkg, err := s.AuthenticateClient(ctx, req.ClientID, req.ClientSecret)
	if err == nil && !pkg.Legacy {
		err = ErrNotLegacyPackage
	}
	if err == nil {
		if err = s.allowToken(pkg.ID); err != nil {
			s.obs.TokenRefused("v1")
			return nil, err
		}
	}
	if err == nil && req.RefreshToken != "" {
		err = s.consumeRefresh(ctx, pkg, req.RefreshToken)
	}
	if err != nil {
		var auditEnt, auditMID int64
		if pkg != nil {
			auditEnt, auditMID = pkg.EnterpriseMID, pkg.MID
		}
		s.events.add(ctx, fuelgate.AuditEvent{EnterpriseMID: auditEnt, MID: auditMID, Actor: clientActor(req.ClientID), Action: "token.issue", Target: "v1",
			SourceIP: req.SourceIP, Detail: fuelgate.ErrorMessage(err)}, false)
		s.obs.TokenRefused("v1")
		return nil, err
	}
	out := &LegacyTokens{ExpiresIn: int64(s.cfg.LegacyLifetime / time.Second)}
	var recs []*fuelgate.Token
	add := func(kind fuelgate.TokenKind, lifetime time.Duration) string {
		tok, rec := s.mint(kind, pkg, pkg.MID, pkg.Scopes, lifetime)
		recs = append(recs, rec)
		return tok
	}
	out.AccessToken = add(fuelgate.TokenLegacyAccess, s.cfg.LegacyLifetime)
	if req.WithLegacy {
		out.LegacyToken = add(fuelgate.TokenLegacy, s.cfg.LegacyLifetime)
	}
	if req.Offline {
		out.RefreshToken = add(fuelgate.TokenRefresh, s.cfg.RefreshLifetime)
	}
	err = s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		for _, r := range recs {
			if err := tx.CreateToken(ctx, r); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, &fuelgate.AuditEvent{Time: s.now(), EnterpriseMID: pkg.EnterpriseMID, MID: pkg.MID, Actor: clientActor(pkg.ClientID),
			Action: "token.issue", Target: "v1", Outcome: fuelgate.OutcomeSuccess, SourceIP: req.SourceIP})
	})
	if err != nil {
		return nil, err
	}
	s.obs.TokenIssued("v1")
	return out, nil
}

// consumeRefresh checks and uses up a v1 refresh token of pkg.
func (s *Service) consumeRefresh(ctx context.Context, pkg *fuelgate.Package, token string) error {
	if len(token) > MaxTokenLength {
		return ErrInvalidGrant
	}
	hash, ok := tokenKey(token)
	if !ok {
		return ErrInvalidGrant
	}
	t, err := s.store.Token(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return ErrInvalidGrant
	}
	if err != nil {
		return err
	}
	if t.Kind != fuelgate.TokenRefresh || t.PackageID != pkg.ID || t.Revoked() || t.Expired(s.now()) {
		return ErrInvalidGrant
	}
	err = s.store.RevokeToken(ctx, hash, s.now().UTC())
	if fuelgate.ErrorCode(err) == fuelgate.ECONFLICT {
		return ErrInvalidGrant // used concurrently
	}
	return err
}
