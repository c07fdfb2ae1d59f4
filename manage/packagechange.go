package manage

import (
	"context"
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// PackageChange is the input of UpdatePackage; nil fields stay as they are.
type PackageChange struct {
	Name        *string
	Description *string
	Scopes      *[]string
	MIDs        *[]int64 // further BUs its tokens may act in, besides the package's own
	Legacy      *bool
	// RedirectURIs and RequirePKCE: web and public apps (see NewPackage).
	RedirectURIs *[]string
	RequirePKCE  *bool
}

// UpdatePackage changes a package's name, description, scopes, the BUs its
// tokens may reach, its legacy flag and, for web and public apps, their
// redirect URIs and PKCE requirement. The actor must administer packages,
// reach every BU the package's tokens reach and hold every permission of its
// scopes (target limits, as for every change of a package), and may add
// only scopes whose permissions it holds and BUs it reaches (grant limits,
// as for a new package). A change that takes a scope or a BU away, or flips
// the legacy flag, revokes the package's tokens, which carry the old grant.
func (s *Service) UpdatePackage(ctx context.Context, a *Actor, clientID string, c PackageChange) (*fuelgate.Package, error) {
	const action = "package.update"
	cur, err := s.packageFor(ctx, a, clientID, action)
	if err != nil {
		return nil, err
	}
	deny := func(err error) error { return s.denied(ctx, a, action, "client:"+clientID, cur.MID, err) }
	var changed []string
	if c.Name != nil {
		*c.Name = strings.TrimSpace(*c.Name)
		if err := validName("name", *c.Name); err != nil {
			return nil, err
		}
		changed = append(changed, "name")
	}
	if c.Description != nil {
		*c.Description = strings.TrimSpace(*c.Description)
		changed = append(changed, "description")
	}
	narrows := false
	if c.Scopes != nil {
		for _, sc := range *c.Scopes {
			if !fuelgate.ValidScope(sc) {
				return nil, fuelgate.Errorf(fuelgate.EINVALID, "unknown scope %q", fuelgate.Truncate(sc, 64))
			}
		}
		scopes := slices.Compact(slices.Sorted(slices.Values(*c.Scopes)))
		if err := a.checkGrantScopes(added(cur.Scopes, scopes)); err != nil {
			return nil, deny(err)
		}
		narrows = narrows || len(added(scopes, cur.Scopes)) > 0
		c.Scopes = &scopes
		changed = append(changed, "scopes")
	}
	if c.MIDs != nil {
		if err := a.checkReachAll(added(cur.MIDs, *c.MIDs)); err != nil {
			return nil, deny(err)
		}
		mids, err := s.checkMIDs(ctx, cur.EnterpriseMID, cur.MID, *c.MIDs)
		if err != nil {
			return nil, err
		}
		narrows = narrows || len(added(mids, cur.MIDs)) > 0
		c.MIDs = &mids
		changed = append(changed, "business_units")
	}
	if c.Legacy != nil {
		narrows = narrows || *c.Legacy != cur.Legacy
		changed = append(changed, "legacy")
	}
	if c.Legacy != nil || c.RedirectURIs != nil || c.RequirePKCE != nil {
		if err := c.validIntegration(cur); err != nil {
			return nil, err
		}
		if c.RedirectURIs != nil {
			changed = append(changed, "redirect_uris")
		}
		if c.RequirePKCE != nil {
			changed = append(changed, "require_pkce")
		}
	}
	var out *fuelgate.Package
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.MID, Action: action, Target: "client:" + clientID,
		Detail: "changed: " + strings.Join(changed, ",")}, func(tx fuelgate.Store) error {
		now := s.now().UTC()
		var err error
		out, err = tx.UpdatePackage(ctx, cur.ID, func(p *fuelgate.Package) error {
			c.apply(p)
			p.UpdatedAt = now
			return nil
		})
		if err == nil && narrows {
			_, err = tx.RevokeTokens(ctx, fuelgate.TokenFilter{PackageID: cur.ID}, now)
		}
		return err
	})
	return out, err
}

func (c *PackageChange) apply(p *fuelgate.Package) {
	if c.Name != nil {
		p.Name = *c.Name
	}
	if c.Description != nil {
		p.Description = *c.Description
	}
	if c.Scopes != nil {
		p.Scopes = *c.Scopes
	}
	if c.MIDs != nil {
		p.MIDs = *c.MIDs
	}
	if c.Legacy != nil {
		p.Legacy = *c.Legacy
	}
	if c.RedirectURIs != nil {
		p.RedirectURIs = *c.RedirectURIs
	}
	if c.RequirePKCE != nil {
		p.RequirePKCE = *c.RequirePKCE
	}
}

// validIntegration checks the package's integration as the change leaves
// it, as CreatePackage checks a new one, and keeps the cleaned redirect URIs.
func (c *PackageChange) validIntegration(cur *fuelgate.Package) error {
	in := NewPackage{Type: cur.IntegrationType, Legacy: cur.Legacy, RedirectURIs: cur.RedirectURIs, RequirePKCE: cur.RequirePKCE}
	if c.Legacy != nil {
		in.Legacy = *c.Legacy
	}
	if c.RedirectURIs != nil {
		in.RedirectURIs = *c.RedirectURIs
	}
	if c.RequirePKCE != nil {
		in.RequirePKCE = *c.RequirePKCE
	}
	if err := validIntegration(&in); err != nil {
		return err
	}
	if c.RedirectURIs != nil {
		c.RedirectURIs = &in.RedirectURIs
	}
	return nil
}

// added returns the elements of next that are not in cur.
func added[T comparable](cur, next []T) []T {
	var out []T
	for _, x := range next {
		if !slices.Contains(cur, x) {
			out = append(out, x)
		}
	}
	return out
}
