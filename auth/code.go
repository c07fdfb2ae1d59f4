package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// AppTokenRequest is an authorization_code or refresh_token request of a
// web or public app after the edge decoded it.
type AppTokenRequest struct {
	ClientID     string
	ClientSecret string // web apps; "" for public apps
	// authorization_code
	Code         string
	RedirectURI  string
	CodeVerifier string
	HasVerifier  bool
	// refresh_token
	RefreshToken string

	AccountID int64   // 0: the BU of the code or refresh token
	Scope     *string // nil: every scope of the authorization
	SourceIP  string
}

// The errors of the web and public app grants besides ErrInvalidClient,
// ErrInvalidGrant, ErrInvalidScope and ErrAccountUnreachable.
var (
	// ErrUnauthorizedClient: a client that is not a web or public app asked
	// for authorization_code or refresh_token.
	ErrUnauthorizedClient = &fuelgate.Error{Code: fuelgate.EPERMISSION, Message: "client not authorized for this grant"}
	// ErrNotServerToServer: a web or public app asked for client_credentials;
	// its tokens act for a user who authorized it.
	ErrNotServerToServer = &fuelgate.Error{Code: fuelgate.EPERMISSION, Message: "a web or public app cannot use client_credentials"}

	// errReused is returned inside the issuing transaction when the code or
	// refresh token was spent concurrently.
	errReused = errors.New("authorization code or refresh token used twice")
)

// ExchangeCode trades an authorization code for an access token and a
// refresh token (grant_type authorization_code). The code must be the
// client's, unexpired and unused, the redirect URI the one it was issued
// for, and the code verifier match its PKCE challenge (a verifier without a
// challenge is refused too). A code presented a second time is refused and
// revokes every token issued from it. The tokens act for the user who
// authorized the app, in the BU they chose (or account_id), with what
// manage allows (manage.Service.AppUserActor).
func (s *Service) ExchangeCode(ctx context.Context, req AppTokenRequest) (*IssuedToken, error) {
	pkg, err := s.appClient(ctx, req.ClientID, req.ClientSecret)
	var c *fuelgate.AuthCode
	if err == nil {
		c, err = s.checkCode(ctx, pkg, req)
	}
	if err != nil {
		return nil, s.refuseApp(ctx, pkg, req, "authorization_code", err)
	}
	grant := appGrant{pkg: pkg, userID: c.UserID, family: c.Family, mid: c.MID, scopes: c.Scopes, name: "authorization_code",
		consume: func(tx fuelgate.Store) error { return reusedOn(tx.UseAuthCode(ctx, c.Hash, s.now().UTC())) }}
	return s.issueApp(ctx, grant, req)
}

// checkCode finds and checks the code of req for pkg.
func (s *Service) checkCode(ctx context.Context, pkg *fuelgate.Package, req AppTokenRequest) (*fuelgate.AuthCode, error) {
	hash, ok := tokenKey(req.Code)
	if !ok || len(req.Code) > MaxTokenLength {
		return nil, ErrInvalidGrant
	}
	c, err := s.store.AuthCode(ctx, hash)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return nil, ErrInvalidGrant
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.PackageID != pkg.ID:
		return nil, ErrInvalidGrant
	case c.Used():
		s.revokeFamily(ctx, pkg, c.Family, "authorization code used twice", req.SourceIP)
		return nil, ErrInvalidGrant
	case !s.now().Before(c.ExpiresAt), req.RedirectURI != c.RedirectURI, !pkceOK(c.Challenge, req.CodeVerifier, req.HasVerifier):
		return nil, ErrInvalidGrant
	}
	return c, nil
}

// pkceOK checks a code verifier against the code's S256 challenge (RFC 7636
// §4.6): 43–128 characters of [A-Za-z0-9-._~] whose SHA-256, base64url
// encoded, is the challenge. Without a challenge no verifier may be sent.
func pkceOK(challenge, verifier string, hasVerifier bool) bool {
	if challenge == "" {
		return !hasVerifier
	}
	if len(verifier) < 43 || len(verifier) > 128 || indexNotUnreserved(verifier) >= 0 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return secret.Equal([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge))
}

// indexNotUnreserved returns the index of the first byte of s that
// is not an RFC 3986 unreserved character, or -1.
func indexNotUnreserved(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return i
		}
	}
	return -1
}

// appClient authenticates the client of a web or public app grant: a web
// app (and any other confidential client) by its secret, a public app by its
// client ID alone, with no secret. A client that is not a web or public app
// is ErrUnauthorizedClient.
func (s *Service) appClient(ctx context.Context, clientID, clientSecret string) (*fuelgate.Package, error) {
	pkg, err := s.anyClient(ctx, clientID, clientSecret)
	if err != nil {
		return nil, err
	}
	if !pkg.UserApp() {
		return pkg, ErrUnauthorizedClient
	}
	return pkg, nil
}

// anyClient authenticates a client by its secret, or, when it sends none, as
// a public app by its client ID alone.
func (s *Service) anyClient(ctx context.Context, clientID, clientSecret string) (*fuelgate.Package, error) {
	if clientSecret != "" {
		return s.AuthenticateClient(ctx, clientID, clientSecret)
	}
	return s.publicClient(ctx, clientID)
}

// publicClient returns the enabled public app with clientID, read fresh
// from the store; anything else is ErrInvalidClient (a web app must send its
// secret).
func (s *Service) publicClient(ctx context.Context, clientID string) (*fuelgate.Package, error) {
	if clientID == "" || len(clientID) > 256 {
		return nil, ErrInvalidClient
	}
	pkg, err := s.store.PackageByClientID(ctx, clientID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if !pkg.Enabled || pkg.IntegrationType != fuelgate.IntegrationPublicApp {
		return nil, ErrInvalidClient
	}
	return pkg, nil
}

// appGrant is what a code or refresh token authorizes, and how to spend it.
type appGrant struct {
	pkg     *fuelgate.Package
	userID  int64
	family  string
	mid     int64    // the BU of the code or refresh token
	scopes  []string // the scopes of the authorization
	name    string   // the grant type, for the audit trail
	consume func(tx fuelgate.Store) error
}

// issueApp issues an access token and a refresh token for g, in the BU and
// with the scopes req asks for, after manage has decided what they may do;
// the code or refresh token is spent in the same transaction.
func (s *Service) issueApp(ctx context.Context, g appGrant, req AppTokenRequest) (*IssuedToken, error) {
	pkg := g.pkg
	scopes, err := narrowScopes(g.scopes, req.Scope)
	if err != nil {
		return nil, s.refuseApp(ctx, pkg, req, g.name, err)
	}
	mid := g.mid
	if req.AccountID != 0 {
		mid = req.AccountID
	}
	app, reason, err := s.manage.AppUserActor(ctx, pkg, g.userID, mid, scopes, fuelgate.TokenAccess)
	if err != nil {
		return nil, err
	}
	if app == nil {
		err = ErrInvalidGrant
		if req.AccountID != 0 && slices.Contains([]string{manage.ReasonUserReach, manage.ReasonPackageReach, manage.ReasonBUInactive}, reason) {
			err = ErrAccountUnreachable
		}
		return nil, s.refuseApp(ctx, pkg, req, g.name, &fuelgate.Error{Code: fuelgate.ErrorCode(err), Message: reason, Err: err})
	}
	st, err := s.settingsOf(ctx, pkg.EnterpriseMID)
	if err != nil {
		return nil, err
	}
	access, arec := s.mint(fuelgate.TokenAccess, pkg, mid, scopes, st.TokenLifetime)
	refresh, rrec := s.mint(fuelgate.TokenAppRefresh, pkg, mid, g.scopes, s.cfg.RefreshLifetime)
	for _, r := range []*fuelgate.Token{arec, rrec} {
		r.UserID, r.Family = g.userID, g.family
	}
	err = s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		if err := g.consume(tx); err != nil {
			return err
		}
		for _, r := range []*fuelgate.Token{arec, rrec} {
			if err := tx.CreateToken(ctx, r); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, &fuelgate.AuditEvent{Time: arec.IssuedAt, EnterpriseMID: pkg.EnterpriseMID, MID: mid,
			Actor: app.Name(), Action: "token.issue", Target: "v2", Outcome: fuelgate.OutcomeSuccess, SourceIP: req.SourceIP,
			Detail: g.name})
	})
	if errors.Is(err, errReused) {
		s.revokeFamily(ctx, pkg, g.family, "authorization code or refresh token used twice", req.SourceIP)
		return nil, s.refuseApp(ctx, pkg, req, g.name, ErrInvalidGrant)
	}
	if err != nil {
		return nil, err
	}
	s.obs.TokenIssued("v2")
	return &IssuedToken{AccessToken: access, RefreshToken: refresh, ExpiresIn: fuelgate.ExpiresIn(st.TokenLifetime),
		ExpiresAt: arec.ExpiresAt, Scopes: scopes, MID: mid}, nil
}

// narrowScopes returns the requested scopes if every one is among granted,
// or granted when none are requested (RFC 6749 §6).
func narrowScopes(granted []string, requested *string) ([]string, error) {
	if requested == nil {
		return slices.Clone(granted), nil
	}
	scopes, err := fuelgate.ParseScopes(*requested)
	if err != nil {
		return nil, ErrInvalidScope
	}
	for _, sc := range scopes {
		if !slices.Contains(granted, sc) {
			return nil, ErrInvalidScope
		}
	}
	return scopes, nil
}

// reusedOn turns the ECONFLICT of spending a code or refresh token twice
// into errReused.
func reusedOn(err error) error {
	if fuelgate.ErrorCode(err) == fuelgate.ECONFLICT {
		return errReused
	}
	return err
}

// revokeFamily revokes every token of one authorization, after a code or
// refresh token was presented a second time: one of the two presenters is
// not the app. Caches drop every token at once.
func (s *Service) revokeFamily(ctx context.Context, pkg *fuelgate.Package, family, reason, sourceIP string) {
	n, err := s.store.RevokeTokens(ctx, fuelgate.TokenFilter{Family: family}, s.now().UTC())
	if err != nil {
		s.log.ErrorContext(ctx, "revoke token family", "err", err)
		return
	}
	s.tokens.Clear()
	if err := fuelgate.NotifyChange(ctx, s.store); err != nil {
		s.log.ErrorContext(ctx, "notify other instances", "err", err)
	}
	if n > 0 {
		s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: pkg.EnterpriseMID, MID: pkg.MID, Actor: clientActor(pkg.ClientID),
			Action: "token.revoke_family", Target: "family:" + family, Outcome: fuelgate.OutcomeSuccess, SourceIP: sourceIP,
			Detail: reason})
	}
}

// refuseApp audits and counts a refused web or public app grant and returns err.
func (s *Service) refuseApp(ctx context.Context, pkg *fuelgate.Package, req AppTokenRequest, grant string, err error) error {
	var ent, mid int64
	if pkg != nil {
		ent, mid = pkg.EnterpriseMID, pkg.MID
	}
	s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: ent, MID: mid, Actor: clientActor(req.ClientID), Action: "token.issue",
		Target: "v2", Outcome: fuelgate.OutcomeFailure, SourceIP: req.SourceIP, Detail: grant + ": " + fuelgate.ErrorMessage(err)})
	s.obs.TokenRefused("v2")
	return err
}
