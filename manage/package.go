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
}

// CreatePackage creates an installed package with a server-to-server API
// Integration component and returns it with its client secret. The secret is
// returned exactly once; only its HMAC is stored.
func (s *Service) CreatePackage(ctx context.Context, a *Actor, in NewPackage) (*fuelgate.Package, string, error) {
	ent, err := s.packageEnterprise(ctx, a, in.MID, "package.create", in.Name)
	if err != nil {
		return nil, "", err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := validName("name", in.Name); err != nil {
		return nil, "", err
	}
	for _, sc := range in.Scopes {
		if !fuelgate.ValidScope(sc) {
			return nil, "", fuelgate.Errorf(fuelgate.EINVALID, "unknown scope %q", truncateField(sc))
		}
	}
	scopes := slices.Compact(slices.Sorted(slices.Values(in.Scopes)))
	mids, err := s.checkMIDs(ctx, ent, in.MID, in.MIDs)
	if err != nil {
		return nil, "", err
	}
	clientSecret := secret.ClientSecret()
	now := s.now().UTC()
	p := &fuelgate.Package{Name: in.Name, Description: strings.TrimSpace(in.Description), MID: in.MID, EnterpriseMID: ent,
		Legacy: in.Legacy, Enabled: true, IntegrationType: fuelgate.IntegrationServerToServer,
		ClientID: secret.ClientID(), SecretHash: secret.ClientSecretHash(s.keys.Pepper, clientSecret),
		Scopes: scopes, MIDs: mids, CreatedBy: a.Name, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: in.MID, Action: "package.create", Target: "client:" + p.ClientID}, func(tx fuelgate.Store) error {
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

// Packages lists the packages of the actor's enterprise (all for the operator).
func (s *Service) Packages(ctx context.Context, a *Actor) ([]*fuelgate.Package, error) {
	if !a.Can(fuelgate.PermPackageView) && !a.Can(fuelgate.PermPackageAdminister) {
		return nil, a.require(fuelgate.PermPackageView)
	}
	f := fuelgate.PackageFilter{}
	if !a.Operator {
		f.EnterpriseMID = a.EnterpriseMID
	}
	return s.store.Packages(ctx, f)
}

// packageFor loads a package the actor may administer.
func (s *Service) packageFor(ctx context.Context, a *Actor, clientID, action string) (*fuelgate.Package, error) {
	if err := a.require(fuelgate.PermPackageAdminister); err != nil {
		return nil, s.denied(ctx, a, action, "client:"+truncateField(clientID), err)
	}
	p, err := s.store.PackageByClientID(ctx, clientID)
	if err != nil {
		return nil, notFoundAs(err, "no package with client ID %q", truncateField(clientID))
	}
	if err := a.inEnterprise(p.EnterpriseMID); err != nil {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "no package with client ID %q", truncateField(clientID))
	}
	return p, nil
}

// packageEnterprise checks that a may administer packages in mid and returns its enterprise.
func (s *Service) packageEnterprise(ctx context.Context, a *Actor, mid int64, action, target string) (int64, error) {
	if err := a.require(fuelgate.PermPackageAdminister); err != nil {
		return 0, s.denied(ctx, a, action, target, err)
	}
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return 0, notFoundAs(err, "business unit %d not found", mid)
	}
	if err := a.inEnterprise(ent); err != nil {
		return 0, s.denied(ctx, a, action, strconv.FormatInt(mid, 10), err)
	}
	return ent, nil
}
