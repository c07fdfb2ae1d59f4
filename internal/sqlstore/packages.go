package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fuelgate/fuelgate"
)

const packageColumns = `id, name, description, mid, enterprise_mid, legacy, enabled, integration_type,
	client_id, secret_hash, prev_secret_hash, prev_secret_expires, scopes, created_by, created_at, updated_at,
	secret_rotated_at, redirect_uris, require_pkce`

const packageMIDsQuery = "SELECT package_id, mid FROM package_accounts WHERE package_id IN (%s)"

// CreatePackage stores a new package and sets p.ID; ECONFLICT if its client
// ID is taken.
func (s *Store) CreatePackage(ctx context.Context, p *fuelgate.Package) error {
	return s.write(ctx, func(s *Store) error {
		var id int64
		err := s.tx.QueryRowContext(s.stmtCtx(ctx), `INSERT INTO packages (name, description, mid, enterprise_mid,
			legacy, enabled, integration_type, client_id, secret_hash, prev_secret_hash,
			prev_secret_expires, scopes, created_by, created_at, updated_at, secret_rotated_at, redirect_uris,
			require_pkce)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			p.Name, p.Description, p.MID, p.EnterpriseMID, p.Legacy, p.Enabled, p.IntegrationType,
			p.ClientID, blob(p.SecretHash), blob(p.PrevSecretHash), Micros(p.PrevSecretExpires),
			joinScopes(p.Scopes), p.CreatedBy, Micros(p.CreatedAt), Micros(p.UpdatedAt),
			Micros(p.SecretRotatedAt), joinScopes(p.RedirectURIs), p.RequirePKCE).Scan(&id)
		if err != nil {
			return s.check("CreatePackage", "client ID already exists", err)
		}
		if err := replaceSet(ctx, s.tx, "package_accounts", "package_id", "mid", id, p.MIDs); err != nil {
			return s.internal("CreatePackage", err)
		}
		p.ID = id
		return nil
	})
}

// Package returns the package with the given ID.
func (s *Store) Package(ctx context.Context, id int64) (*fuelgate.Package, error) {
	return s.onePackage(ctx, "Package", "id = $1", id)
}

// PackageByClientID returns the package whose integration has clientID.
func (s *Store) PackageByClientID(ctx context.Context, clientID string) (*fuelgate.Package, error) {
	return s.onePackage(ctx, "PackageByClientID", "client_id = $1", clientID)
}

func (s *Store) onePackage(ctx context.Context, op, cond string, arg any) (*fuelgate.Package, error) {
	var p *fuelgate.Package
	err := s.read(ctx, op, func(q Querier) error {
		var err error
		p, err = s.pkg(ctx, q, cond, arg, "")
		return err
	})
	if err != nil {
		return nil, s.internal(op, err)
	}
	return p, nil
}

// Packages returns the packages f selects, by ID ascending. MID selects
// packages created in that BU.
func (s *Store) Packages(ctx context.Context, f fuelgate.PackageFilter) ([]*fuelgate.Package, error) {
	var w where
	if f.EnterpriseMID != 0 {
		w.add("enterprise_mid = " + w.arg(f.EnterpriseMID))
	}
	if f.MID != 0 {
		w.add("mid = " + w.arg(f.MID))
	}
	list := []*fuelgate.Package{}
	err := s.read(ctx, "Packages", func(q Querier) error {
		rows, err := q.QueryContext(ctx, "SELECT "+packageColumns+" FROM packages"+w.String()+" ORDER BY id", w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPackage(rows)
			if err != nil {
				return err
			}
			list = append(list, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return loadPackageSets(ctx, q, list)
	})
	if err != nil {
		return nil, s.internal("Packages", err)
	}
	return list, nil
}

// UpdatePackage applies fn to the stored package and writes it back with its
// BUs. The ID cannot change; ECONFLICT if the new client ID is taken.
func (s *Store) UpdatePackage(ctx context.Context, id int64, fn func(*fuelgate.Package) error) (*fuelgate.Package, error) {
	var out *fuelgate.Package
	err := s.write(ctx, func(s *Store) error {
		p, err := s.pkg(ctx, s.tx, "id = $1", id, s.dialect.ForUpdate)
		if err != nil {
			return s.internal("UpdatePackage", err)
		}
		if err := fn(p); err != nil {
			return err
		}
		p.ID = id
		_, err = s.tx.ExecContext(s.stmtCtx(ctx), `UPDATE packages SET name = $2, description = $3, mid = $4,
			enterprise_mid = $5, legacy = $6, enabled = $7, integration_type = $8, client_id = $9,
			secret_hash = $10, prev_secret_hash = $11, prev_secret_expires = $12, scopes = $13,
			created_by = $14, created_at = $15, updated_at = $16, secret_rotated_at = $17, redirect_uris = $18,
			require_pkce = $19 WHERE id = $1`,
			id, p.Name, p.Description, p.MID, p.EnterpriseMID, p.Legacy, p.Enabled, p.IntegrationType,
			p.ClientID, blob(p.SecretHash), blob(p.PrevSecretHash), Micros(p.PrevSecretExpires),
			joinScopes(p.Scopes), p.CreatedBy, Micros(p.CreatedAt), Micros(p.UpdatedAt), Micros(p.SecretRotatedAt),
			joinScopes(p.RedirectURIs), p.RequirePKCE)
		if err != nil {
			return s.check("UpdatePackage", "client ID already exists", err)
		}
		if err := replaceSet(ctx, s.tx, "package_accounts", "package_id", "mid", id, p.MIDs); err != nil {
			return s.internal("UpdatePackage", err)
		}
		out, err = s.pkg(ctx, s.tx, "id = $1", id, "")
		return s.internal("UpdatePackage", err)
	})
	return out, err
}

func (s *Store) pkg(ctx context.Context, q Querier, cond string, arg any, lock string) (*fuelgate.Package, error) {
	p, err := scanPackage(q.QueryRowContext(ctx, "SELECT "+packageColumns+" FROM packages WHERE "+cond+lock, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("package")
	}
	if err != nil {
		return nil, err
	}
	if err := loadPackageSets(ctx, q, []*fuelgate.Package{p}); err != nil {
		return nil, err
	}
	return p, nil
}

func loadPackageSets(ctx context.Context, q Querier, pkgs []*fuelgate.Package) error {
	if len(pkgs) == 0 {
		return nil
	}
	ids := make([]int64, len(pkgs))
	for i, p := range pkgs {
		ids[i] = p.ID
	}
	mids, err := loadSets[int64, int64](ctx, q, packageMIDsQuery, ids)
	if err != nil {
		return err
	}
	for _, p := range pkgs {
		p.MIDs = mids[p.ID]
	}
	return nil
}

func scanPackage(r scanner) (*fuelgate.Package, error) {
	var p fuelgate.Package
	var prevExpires, created, updated, rotated int64
	var scopes, redirects string
	err := r.Scan(&p.ID, &p.Name, &p.Description, &p.MID, &p.EnterpriseMID, &p.Legacy, &p.Enabled,
		&p.IntegrationType, &p.ClientID, &p.SecretHash, &p.PrevSecretHash, &prevExpires, &scopes,
		&p.CreatedBy, &created, &updated, &rotated, &redirects, &p.RequirePKCE)
	if err != nil {
		return nil, err
	}
	p.SecretHash, p.PrevSecretHash = blob(p.SecretHash), blob(p.PrevSecretHash)
	p.PrevSecretExpires = FromMicros(prevExpires)
	p.Scopes = splitScopes(scopes)
	p.RedirectURIs = splitScopes(redirects) // URIs hold no spaces (manage refuses them)
	p.CreatedAt, p.UpdatedAt = FromMicros(created), FromMicros(updated)
	p.SecretRotatedAt = FromMicros(rotated)
	return &p, nil
}
