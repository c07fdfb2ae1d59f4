package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fuelgate/fuelgate"
)

// CreateAuthCode stores an authorization code; ECONFLICT if its hash is
// already stored.
func (s *Store) CreateAuthCode(ctx context.Context, c *fuelgate.AuthCode) error {
	return s.write(ctx, func(s *Store) error {
		_, err := s.tx.ExecContext(s.stmtCtx(ctx), `INSERT INTO auth_codes (hash, package_id, client_id, user_id, mid,
			scopes, redirect_uri, challenge, family, issued_at, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			c.Hash, c.PackageID, c.ClientID, c.UserID, c.MID, joinScopes(c.Scopes), c.RedirectURI, c.Challenge,
			c.Family, Micros(c.IssuedAt), Micros(c.ExpiresAt), Micros(c.UsedAt))
		return s.check("CreateAuthCode", "authorization code already exists", err)
	})
}

// AuthCode returns the authorization code with the given hash.
func (s *Store) AuthCode(ctx context.Context, hash []byte) (*fuelgate.AuthCode, error) {
	var c fuelgate.AuthCode
	var scopes string
	var issued, expires, used int64
	err := s.q().QueryRowContext(ctx, `SELECT hash, package_id, client_id, user_id, mid, scopes, redirect_uri,
		challenge, family, issued_at, expires_at, used_at FROM auth_codes WHERE hash = $1`, hash).Scan(
		&c.Hash, &c.PackageID, &c.ClientID, &c.UserID, &c.MID, &scopes, &c.RedirectURI, &c.Challenge, &c.Family,
		&issued, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("authorization code")
	}
	if err != nil {
		return nil, s.internal("AuthCode", err)
	}
	c.Scopes = splitScopes(scopes)
	c.IssuedAt, c.ExpiresAt, c.UsedAt = FromMicros(issued), FromMicros(expires), FromMicros(used)
	return &c, nil
}

// UseAuthCode marks a code used at at: ENOTFOUND for an unknown code,
// ECONFLICT if it was used already. Of concurrent calls for one code exactly
// one succeeds.
func (s *Store) UseAuthCode(ctx context.Context, hash []byte, at time.Time) error {
	return s.write(ctx, func(s *Store) error {
		n, err := s.execTx(ctx, "UseAuthCode", "UPDATE auth_codes SET used_at = $2 WHERE hash = $1 AND used_at = 0",
			hash, revokedMicros(at))
		if err != nil || n > 0 {
			return err
		}
		var one int
		err = s.tx.QueryRowContext(s.stmtCtx(ctx), "SELECT 1 FROM auth_codes WHERE hash = $1", hash).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("authorization code")
		}
		if err != nil {
			return s.internal("UseAuthCode", err)
		}
		return fuelgate.Errorf(fuelgate.ECONFLICT, "authorization code already used")
	})
}

// DeleteAuthCodesExpiredBefore deletes codes whose expiry is before t. With
// Dialect.TryLock it returns 0 while another instance sweeps codes.
func (s *Store) DeleteAuthCodesExpiredBefore(ctx context.Context, t time.Time) (int64, error) {
	return s.sweep(ctx, "DeleteAuthCodesExpiredBefore", SweepAuthCodes, "DELETE FROM auth_codes WHERE expires_at < $1", Micros(t))
}
