package auth

import (
	"context"

	"github.com/fuelgate/fuelgate"
)

// Refresh trades a web or public app's refresh token for a new access token
// and a new refresh token (grant_type refresh_token), retiring the one
// presented: refresh tokens rotate. Presenting a retired (or revoked)
// refresh token is refused and revokes its whole family, every token issued
// since the authorization, because one of the two presenters is not the
// app. The refresh token must be the client's and unexpired; scope may
// narrow the authorization's scopes and account_id pick another BU, both
// for this access token, as manage allows (manage.Service.AppUserActor).
func (s *Service) Refresh(ctx context.Context, req AppTokenRequest) (*IssuedToken, error) {
	pkg, err := s.appClient(ctx, req.ClientID, req.ClientSecret)
	var t *fuelgate.Token
	var hash []byte
	if err == nil {
		t, hash, err = s.checkRefresh(ctx, pkg, req)
	}
	if err != nil {
		return nil, s.refuseApp(ctx, pkg, req, "refresh_token", err)
	}
	grant := appGrant{pkg: pkg, userID: t.UserID, family: t.Family, mid: t.MID, scopes: t.Scopes, name: "refresh_token",
		consume: func(tx fuelgate.Store) error { return reusedOn(tx.RevokeToken(ctx, hash, s.now().UTC())) }}
	tok, err := s.issueApp(ctx, grant, req)
	if err == nil {
		s.tokens.Delete(string(hash))
	}
	return tok, err
}

// checkRefresh finds and checks the refresh token of req for pkg and
// returns it with its storage key.
func (s *Service) checkRefresh(ctx context.Context, pkg *fuelgate.Package, req AppTokenRequest) (*fuelgate.Token, []byte, error) {
	hash, ok := tokenKey(req.RefreshToken)
	if !ok || len(req.RefreshToken) > MaxTokenLength {
		return nil, nil, ErrInvalidGrant
	}
	t, err := s.store.Token(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return nil, nil, ErrInvalidGrant
	}
	if err != nil {
		return nil, nil, err
	}
	switch {
	case t.Kind != fuelgate.TokenAppRefresh || t.PackageID != pkg.ID:
		return nil, nil, ErrInvalidGrant
	case t.Revoked():
		s.revokeFamily(ctx, pkg, t.Family, "retired refresh token presented", req.SourceIP)
		return nil, nil, ErrInvalidGrant
	case t.Expired(s.now()):
		return nil, nil, ErrInvalidGrant
	}
	return t, hash, nil
}
