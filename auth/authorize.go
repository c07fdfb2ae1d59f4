package auth

import (
	"context"
	"encoding/base64"
	"slices"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// AuthorizeRequest is a GET /v2/authorize request after the edge decoded it.
type AuthorizeRequest struct {
	ResponseType        string
	ClientID            string
	RedirectURI         string
	Scope               *string // nil: absent (every scope of the package)
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	// Repeated names a parameter that appeared more than once ("" when none).
	Repeated string
}

// Authorization is a validated authorization request: the app, where its
// code goes, what it asks for and the client's state.
type Authorization struct {
	Package     *fuelgate.Package
	RedirectURI string
	Scopes      []string
	State       string
	Challenge   string // the PKCE S256 challenge, "" when none
}

// AuthorizeError is a refusal the edge sends back to the app by redirecting
// to its redirect URI with error, error_description and state (RFC 6749
// §4.1.2.1): the client and the redirect URI are known to be the app's.
type AuthorizeError struct {
	Code        string // invalid_request, unsupported_response_type, invalid_scope, access_denied…
	Description string
}

func (e *AuthorizeError) Error() string { return e.Code + ": " + e.Description }

// The refusals of /v2/authorize that must not redirect (RFC 6749 §4.1.2.1):
// the edge shows them on an error page. Their messages are safe to show.
var (
	// ErrUnknownApp: no enabled web or public app has this client ID.
	ErrUnknownApp = fuelgate.Errorf(fuelgate.EINVALID, "The client ID does not name an installed package's web or public app, or the package is disabled.")
	// ErrNotAnApp: the client is a server-to-server integration (SFMC's text).
	ErrNotAnApp = fuelgate.Errorf(fuelgate.EINVALID, "The client is not authorized to request an authorization code using this method.")
	// ErrRedirectURI: the redirect URI is missing or not registered for the app.
	ErrRedirectURI = fuelgate.Errorf(fuelgate.EINVALID, "The redirect_uri is missing or is not one of the app's registered redirect URIs (they must match exactly).")
	// ErrAccessDenied: the signed-in user may not authorize the app (in that
	// business unit); sent back as access_denied.
	ErrAccessDenied = &AuthorizeError{Code: "access_denied", Description: "The user cannot authorize this app in the chosen business unit."}
)

// maxState bounds the state the client asks to get back.
const maxState = 2048

// Authorize validates an authorization request. It returns ErrUnknownApp,
// ErrNotAnApp or ErrRedirectURI when the client or its redirect URI cannot be
// trusted (never redirect then), an *AuthorizeError for what the app is told
// by redirect, or the validated Authorization.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	if req.Repeated == "client_id" || req.Repeated == "redirect_uri" || req.ClientID == "" || len(req.ClientID) > 256 {
		return nil, ErrUnknownApp
	}
	pkg, err := s.store.PackageByClientID(ctx, req.ClientID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND || (err == nil && !pkg.Enabled) {
		return nil, ErrUnknownApp
	}
	if err != nil {
		return nil, err
	}
	if !pkg.UserApp() {
		return nil, ErrNotAnApp
	}
	if req.RedirectURI == "" || !pkg.HasRedirectURI(req.RedirectURI) {
		return nil, ErrRedirectURI
	}
	bad := func(code, desc string) (*Authorization, error) {
		return nil, &AuthorizeError{Code: code, Description: desc}
	}
	switch {
	case req.Repeated != "":
		return bad("invalid_request", "The parameter "+req.Repeated+" appears more than once.")
	case len(req.State) > maxState:
		return bad("invalid_request", "The state is longer than 2048 characters.")
	case req.ResponseType != "code":
		return bad("unsupported_response_type", `Use "code" as the response_type.`)
	}
	a := &Authorization{Package: pkg, RedirectURI: req.RedirectURI, State: req.State}
	if a.Scopes, err = grantScopes(pkg, req.Scope); err != nil {
		return bad("invalid_scope", "The requested scope is invalid, unknown, or not granted to this package.")
	}
	switch {
	case req.CodeChallenge == "" && req.CodeChallengeMethod != "":
		return bad("invalid_request", "code_challenge_method was sent without a code_challenge.")
	case req.CodeChallenge == "" && pkg.RequirePKCE:
		return bad("invalid_request", "This app must send a PKCE code_challenge (method S256).")
	case req.CodeChallenge == "":
	case req.CodeChallengeMethod != "S256":
		return bad("invalid_request", `The code_challenge_method must be "S256" ("plain" is not accepted).`)
	case !validChallenge(req.CodeChallenge):
		return bad("invalid_request", "The code_challenge must be the 43-character base64url SHA-256 of the code verifier.")
	default:
		a.Challenge = req.CodeChallenge
	}
	return a, nil
}

// validChallenge reports whether c can be an S256 challenge: base64url of 32 bytes.
func validChallenge(c string) bool {
	b, err := base64.RawURLEncoding.DecodeString(c)
	return err == nil && len(b) == 32 && len(c) == 43
}

// IssueCode issues an authorization code for the authorization az, which
// the signed-in user a grants in business unit mid. Manage decides whether
// the user may (manage.Service.AppUserActor); a refusal is ErrAccessDenied.
// The code is valid for fuelgate.AuthCodeLifetime and works once.
func (s *Service) IssueCode(ctx context.Context, a *manage.Actor, az *Authorization, mid int64) (string, error) {
	pkg := az.Package
	fail := func(reason string) (string, error) {
		s.audit(ctx, &fuelgate.AuditEvent{EnterpriseMID: pkg.EnterpriseMID, MID: pkg.MID, Actor: a.Name(), Action: "app.authorize",
			Target: clientActor(pkg.ClientID), Outcome: fuelgate.OutcomeFailure, SourceIP: a.SourceIP(), Detail: reason})
		return "", ErrAccessDenied
	}
	if a.Kind() != manage.KindUser {
		return fail("not a signed-in user")
	}
	app, reason, err := s.manage.AppUserActor(ctx, pkg, a.UserID(), mid, az.Scopes, fuelgate.TokenAccess)
	if err != nil {
		return "", err
	}
	if app == nil {
		return fail(reason)
	}
	now := s.now().UTC()
	code, hash := newTokenText(now)
	c := &fuelgate.AuthCode{Hash: hash, PackageID: pkg.ID, ClientID: pkg.ClientID, UserID: a.UserID(), MID: mid,
		Scopes: slices.Clone(az.Scopes), RedirectURI: az.RedirectURI, Challenge: az.Challenge, Family: secret.GUID(),
		IssuedAt: now, ExpiresAt: now.Add(fuelgate.AuthCodeLifetime)}
	err = s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		if err := tx.CreateAuthCode(ctx, c); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &fuelgate.AuditEvent{Time: now, EnterpriseMID: pkg.EnterpriseMID, MID: mid, Actor: a.Name(),
			Action: "app.authorize", Target: clientActor(pkg.ClientID), Outcome: fuelgate.OutcomeSuccess, SourceIP: a.SourceIP()})
	})
	if err != nil {
		return "", err
	}
	return code, nil
}
