package manage

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// The installed packages of Apply.

func (r *applier) packages(ctx context.Context, t *Tenant) error {
	seen := map[int64]string{}
	for i, p := range t.Packages {
		path := "packages[" + strconv.Itoa(i) + "]"
		name := strings.TrimSpace(p.Name)
		label := "package " + strconv.Quote(name)
		fail := func(q string, err error) error { return &ApplyError{Path: q, Object: label, Err: err} }
		integration, ok := PackageTypes[cmp.Or(p.Type, PackageTypeServer)]
		if !ok {
			return fail(path+".type", fuelgate.Errorf(fuelgate.EINVALID, "type must be %q, %q or %q",
				PackageTypeServer, PackageTypeWeb, PackageTypePublic))
		}
		home, err := r.resolve(p.BU)
		if err != nil {
			return fail(path+".bu", err)
		}
		extra, ierr := r.resolveAll(p.BusinessUnits)
		if ierr != nil {
			return fail(path+".business_units"+ierr.index, ierr.err)
		}
		cur, ferr := r.findPackage(ctx, p.ClientID, name)
		if ferr != nil {
			return fail(path+"."+ferr.field, ferr.err)
		}
		if cur == nil {
			created, generated, err := r.createPackage(ctx, p, integration, home, extra)
			if err != nil {
				return fail(path, err)
			}
			seen[created.ID] = path
			r.record(ObjectPackage, packageName(created), path, true, nil, generated)
			continue
		}
		label = "package " + packageName(cur)
		if prev, dup := seen[cur.ID]; dup {
			return fail(path, fuelgate.Errorf(fuelgate.EINVALID, "%s describes the same package", prev))
		}
		seen[cur.ID] = path
		if cur.MID != home {
			return fail(path+".bu", fuelgate.Errorf(fuelgate.EINVALID,
				"the package was created in business unit %d: moving a package is not supported", cur.MID))
		}
		if cur.IntegrationType != integration {
			return fail(path+".type", fuelgate.Errorf(fuelgate.EINVALID,
				"the package is of type %q: changing a package's type is not supported", PackageTypeOf(cur.IntegrationType)))
		}
		fields, err := r.updatePackage(ctx, cur, p, home, extra)
		if err != nil {
			return fail(path, err)
		}
		r.record(ObjectPackage, packageName(cur), path, false, fields, nil)
	}
	return nil
}

// packageName is how a plan names a package: its name and client ID.
func packageName(p *fuelgate.Package) string {
	return strconv.Quote(p.Name) + " (client " + p.ClientID + ")"
}

// findPackage returns the enterprise's package with clientID or, when
// clientID is empty, the one named name; nil when there is none.
func (r *applier) findPackage(ctx context.Context, clientID, name string) (*fuelgate.Package, *fieldError) {
	if clientID != "" {
		p, err := r.s.store.PackageByClientID(ctx, clientID)
		switch {
		case fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND:
			return nil, nil
		case err != nil:
			return nil, &fieldError{"client_id", err}
		case p.EnterpriseMID != r.ent:
			return nil, &fieldError{"client_id", fuelgate.Errorf(fuelgate.ECONFLICT, "client ID %q belongs to a package of another enterprise", clientID)}
		}
		return p, nil
	}
	all, err := r.s.store.Packages(ctx, fuelgate.PackageFilter{EnterpriseMID: r.ent})
	if err != nil {
		return nil, &fieldError{"name", err}
	}
	all = slices.DeleteFunc(all, func(p *fuelgate.Package) bool { return p.Name != name })
	if len(all) > 1 {
		return nil, &fieldError{"name", fuelgate.Errorf(fuelgate.EINVALID, "several packages are named %q: give the client_id", name)}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return nil, nil
}

// createPackage creates p, of integration type integration, with a
// generated client secret when p has none (a public app has none at all),
// and returns the package and what it generated.
func (r *applier) createPackage(ctx context.Context, p PackageSpec, integration fuelgate.IntegrationType, home int64, extra []int64) (*fuelgate.Package, []string, error) {
	created, sec, err := r.s.CreatePackage(ctx, r.a, NewPackage{MID: home, Name: p.Name, Description: p.Description,
		Scopes: p.Scopes, MIDs: extra, Legacy: p.Legacy, Type: integration, RedirectURIs: p.RedirectURIs,
		RequirePKCE: p.RequirePKCE, ClientID: p.ClientID, ClientSecret: p.ClientSecret})
	if err != nil {
		return nil, nil, err
	}
	if !p.Enabled {
		if _, err := r.s.SetPackageEnabled(ctx, r.a, created.ClientID, false); err != nil {
			return nil, nil, err
		}
	}
	if p.ClientSecret != "" || sec == "" {
		return created, nil, nil
	}
	r.plan.Generated = append(r.plan.Generated, Credential{Kind: ObjectPackage, Name: created.ClientID, What: "client_secret", Value: sec})
	return created, []string{"client_secret"}, nil
}

// updatePackage brings cur to p and returns the fields it changed.
func (r *applier) updatePackage(ctx context.Context, cur *fuelgate.Package, p PackageSpec, home int64, extra []int64) ([]string, error) {
	var c PackageChange
	var fields []string
	if name := strings.TrimSpace(p.Name); name != cur.Name {
		c.Name, fields = &name, append(fields, "name")
	}
	if desc := strings.TrimSpace(p.Description); desc != cur.Description {
		c.Description, fields = &desc, append(fields, "description")
	}
	if !sameSet(p.Scopes, cur.Scopes) {
		c.Scopes, fields = &p.Scopes, append(fields, "scopes")
	}
	if !sameSet(append([]int64{home}, extra...), cur.MIDs) {
		c.MIDs, fields = &extra, append(fields, "business_units")
	}
	if p.Legacy != cur.Legacy {
		c.Legacy, fields = &p.Legacy, append(fields, "legacy")
	}
	if !sameSet(p.RedirectURIs, cur.RedirectURIs) {
		c.RedirectURIs, fields = &p.RedirectURIs, append(fields, "redirect_uris")
	}
	if p.RequirePKCE != cur.RequirePKCE {
		c.RequirePKCE, fields = &p.RequirePKCE, append(fields, "require_pkce")
	}
	if len(fields) > 0 {
		if _, err := r.s.UpdatePackage(ctx, r.a, cur.ClientID, c); err != nil {
			return nil, err
		}
	}
	if p.Enabled != cur.Enabled {
		if _, err := r.s.SetPackageEnabled(ctx, r.a, cur.ClientID, p.Enabled); err != nil {
			return nil, err
		}
		fields = append(fields, "enabled")
	}
	if p.ClientSecret != "" {
		changed, err := r.s.SetClientSecret(ctx, r.a, cur.ClientID, p.ClientSecret)
		if err != nil {
			return nil, err
		}
		if changed {
			fields = append(fields, "client_secret")
		}
	}
	return fields, nil
}
