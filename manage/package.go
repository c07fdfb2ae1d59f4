package manage

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// NewPackage is the input of CreatePackage.
type NewPackage struct {
	MID         int64 // the BU the package is created in
	Name        string
	Description string
	Scopes      []string
	MIDs        []int64 // further BUs its tokens may act in (same enterprise)
	Legacy      bool
	// Type is the API Integration type: fuelgate.IntegrationServerToServer
	// (the default when empty), IntegrationWebApp or IntegrationPublicApp.
	Type fuelgate.IntegrationType
	// RedirectURIs are where /v2/authorize may send codes: required for web
	// and public apps, compared exactly; https, or http on a loopback host.
	RedirectURIs []string
	// RequirePKCE makes /v2/authorize refuse a request without a PKCE
	// challenge (web and public apps).
	RequirePKCE bool
	// ClientID and ClientSecret, when set, are used instead of generated
	// ones (the operator only, for set-ups that pin credentials; see
	// chooseCredentials). A public app has no secret.
	ClientID, ClientSecret string
}

// CreatePackage creates an installed package with an API Integration
// component of in.Type and returns it with its client secret ("" for a
// public app, which has none). The secret is returned exactly once; only its
// HMAC is stored. The actor must reach the package's BU (which must be
// active) and every further BU its tokens may reach, and hold every
// permission its scopes give.
func (s *Service) CreatePackage(ctx context.Context, a *Actor, in NewPackage) (*fuelgate.Package, string, error) {
	const action = "package.create"
	target := fuelgate.Truncate(strings.TrimSpace(in.Name), 64)
	if err := a.check(OpPackageCreate, in.MID); err != nil {
		return nil, "", s.denied(ctx, a, action, target, in.MID, err)
	}
	ent, err := s.Enterprise(ctx, in.MID)
	if err != nil {
		return nil, "", notFoundAs(err, "business unit %d not found", in.MID)
	}
	if err := s.activeBU(ctx, in.MID); err != nil {
		return nil, "", err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := validName("name", in.Name); err != nil {
		return nil, "", err
	}
	for _, sc := range in.Scopes {
		if !fuelgate.ValidScope(sc) {
			return nil, "", fuelgate.Errorf(fuelgate.EINVALID, "unknown scope %q", fuelgate.Truncate(sc, 64))
		}
	}
	scopes := slices.Compact(slices.Sorted(slices.Values(in.Scopes)))
	if err := validIntegration(&in); err != nil {
		return nil, "", err
	}
	if err := a.checkReachAll(in.MIDs); err != nil {
		return nil, "", s.denied(ctx, a, action, target, in.MID, err)
	}
	mids, err := s.checkMIDs(ctx, ent, in.MID, in.MIDs)
	if err != nil {
		return nil, "", err
	}
	if err := a.checkGrantScopes(scopes); err != nil {
		return nil, "", s.denied(ctx, a, action, target, in.MID, err)
	}
	clientID, clientSecret, err := a.chooseCredentials(in.ClientID, in.ClientSecret, in.Type != fuelgate.IntegrationPublicApp)
	if err != nil {
		return nil, "", s.denied(ctx, a, action, target, in.MID, err)
	}
	var secretHash []byte
	if clientSecret != "" {
		secretHash = secret.ClientSecretHash(s.keys.Pepper, clientSecret)
	}
	now := s.now().UTC()
	p := &fuelgate.Package{Name: in.Name, Description: strings.TrimSpace(in.Description), MID: in.MID, EnterpriseMID: ent,
		Legacy: in.Legacy, Enabled: true, IntegrationType: in.Type,
		ClientID: clientID, SecretHash: secretHash,
		Scopes: scopes, MIDs: mids, RedirectURIs: in.RedirectURIs, RequirePKCE: in.RequirePKCE,
		CreatedBy: a.name, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: in.MID, EnterpriseMID: ent, Action: action, Target: "client:" + p.ClientID}, func(tx fuelgate.Store) error {
		return tx.CreatePackage(ctx, p)
	})
	if err != nil {
		return nil, "", err
	}
	return p, clientSecret, nil
}

// RotateSecret gives a package a new client secret. The old secret keeps
// working until overlapUntil (a zero or past time ends it at once, and then
// tokens issued under it are revoked). The new secret is returned once.
func (s *Service) RotateSecret(ctx context.Context, a *Actor, clientID string, overlapUntil time.Time) (*fuelgate.Package, string, error) {
	cur, err := s.packageFor(ctx, a, clientID, "package.rotate_secret")
	if err != nil {
		return nil, "", err
	}
	if cur.IntegrationType == fuelgate.IntegrationPublicApp {
		return nil, "", fuelgate.Errorf(fuelgate.EINVALID, "a public app has no client secret to rotate")
	}
	now := s.now().UTC()
	if overlapUntil.After(now.Add(30 * 24 * time.Hour)) {
		return nil, "", fuelgate.Errorf(fuelgate.EINVALID, "the overlap may last at most 30 days")
	}
	clientSecret := secret.ClientSecret()
	var out *fuelgate.Package
	detail := "old secret retired now"
	if overlapUntil.After(now) {
		detail = "old secret valid until " + overlapUntil.UTC().Format(time.RFC3339)
	}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.MID, Action: "package.rotate_secret", Target: "client:" + clientID, Detail: detail}, func(tx fuelgate.Store) error {
		out, err = tx.UpdatePackage(ctx, cur.ID, func(p *fuelgate.Package) error {
			p.PrevSecretHash = p.SecretHash
			p.PrevSecretExpires = overlapUntil.UTC()
			if !overlapUntil.After(now) {
				p.PrevSecretHash, p.PrevSecretExpires = nil, time.Time{}
			}
			p.SecretHash = secret.ClientSecretHash(s.keys.Pepper, clientSecret)
			p.SecretRotatedAt = now
			p.UpdatedAt = now
			return nil
		})
		if err != nil {
			return err
		}
		if !overlapUntil.After(now) {
			_, err = tx.RevokeTokens(ctx, fuelgate.TokenFilter{PackageID: cur.ID}, now)
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, clientSecret, nil
}

// SetPackageEnabled enables or disables a package. Disabling revokes its tokens at once.
func (s *Service) SetPackageEnabled(ctx context.Context, a *Actor, clientID string, enabled bool) (*fuelgate.Package, error) {
	action := "package.enable"
	if !enabled {
		action = "package.disable"
	}
	cur, err := s.packageFor(ctx, a, clientID, action)
	if err != nil {
		return nil, err
	}
	var out *fuelgate.Package
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.MID, Action: action, Target: "client:" + clientID}, func(tx fuelgate.Store) error {
		now := s.now().UTC()
		out, err = tx.UpdatePackage(ctx, cur.ID, func(p *fuelgate.Package) error {
			p.Enabled = enabled
			p.UpdatedAt = now
			return nil
		})
		if err == nil && !enabled {
			_, err = tx.RevokeTokens(ctx, fuelgate.TokenFilter{PackageID: cur.ID}, now)
		}
		return err
	})
	return out, err
}

// Packages lists the packages whose BU the actor reaches (all for the operator).
func (s *Service) Packages(ctx context.Context, a *Actor) ([]*fuelgate.Package, error) {
	if err := a.check(OpPackageRead); err != nil {
		return nil, err
	}
	if a.kind == KindOperator {
		return s.store.Packages(ctx, fuelgate.PackageFilter{})
	}
	all, err := s.store.Packages(ctx, fuelgate.PackageFilter{EnterpriseMID: a.enterprise})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(p *fuelgate.Package) bool { return !a.Reaches(p.MID) }), nil
}

// Package returns the package with clientID if the actor may see it
// (ENOTFOUND otherwise).
func (s *Service) Package(ctx context.Context, a *Actor, clientID string) (*fuelgate.Package, error) {
	if err := a.check(OpPackageRead); err != nil {
		return nil, err
	}
	p, err := s.store.PackageByClientID(ctx, clientID)
	if err == nil && a.kind != KindOperator && (p.EnterpriseMID != a.enterprise || !a.Reaches(p.MID)) {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	return p, notFoundAs(err, "no package with client ID %q", fuelgate.Truncate(clientID, 64))
}

// Self is what an actor may know about itself (GET /v2/userinfo).
type Self struct {
	Package        *fuelgate.Package // the installed package of a client or app actor; nil for others
	User           *fuelgate.User    // the user an app actor acts for; nil for others
	EnterpriseName string
}

// Self describes the actor to itself: its package, the user an app acts
// for, and its enterprise's name.
func (s *Service) Self(ctx context.Context, a *Actor) (*Self, error) {
	out := &Self{}
	if a.kind == KindClient || a.kind == KindApp {
		p, err := s.store.Package(ctx, a.packageID)
		if err != nil {
			return nil, err
		}
		out.Package = p
	}
	if a.kind == KindApp {
		u, err := s.store.User(ctx, a.userID)
		if err != nil {
			return nil, err
		}
		out.User = u
	}
	if a.enterprise != 0 {
		ent, err := s.account(ctx, a.enterprise)
		if err != nil {
			return nil, err
		}
		out.EnterpriseName = ent.Name
	}
	return out, nil
}

// packageFor loads a package the actor may change: it must administer
// packages, reach every BU the package's tokens reach and hold every
// permission of its scopes.
func (s *Service) packageFor(ctx context.Context, a *Actor, clientID, action string) (*fuelgate.Package, error) {
	target := "client:" + fuelgate.Truncate(clientID, 64)
	if err := a.check(OpPackageUpdate); err != nil {
		return nil, s.denied(ctx, a, action, target, 0, err)
	}
	p, err := s.store.PackageByClientID(ctx, clientID)
	if err == nil && a.kind != KindOperator && p.EnterpriseMID != a.enterprise {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	if err != nil {
		return nil, notFoundAs(err, "no package with client ID %q", fuelgate.Truncate(clientID, 64))
	}
	if err := a.checkTarget("package "+strconv.Quote(p.Name), p.MIDs, scopePermissions(p.Scopes)); err != nil {
		return nil, s.denied(ctx, a, action, target, p.MID, err)
	}
	return p, nil
}
