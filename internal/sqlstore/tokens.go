package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fuelgate/fuelgate"
)

// CreateToken stores an issued token; ECONFLICT if its hash is already stored.
func (s *Store) CreateToken(ctx context.Context, t *fuelgate.Token) error {
	return s.write(ctx, func(s *Store) error {
		_, err := s.execPrepared(ctx, `INSERT INTO tokens (hash, kind, package_id, client_id, mid, scopes,
			issued_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.Hash, t.Kind, t.PackageID, t.ClientID, t.MID, joinScopes(t.Scopes),
			Micros(t.IssuedAt), Micros(t.ExpiresAt), Micros(t.RevokedAt))
		return s.check("CreateToken", "token already exists", err)
	})
}

// Token returns the token with the given hash.
func (s *Store) Token(ctx context.Context, hash []byte) (*fuelgate.Token, error) {
	var t fuelgate.Token
	var scopes string
	var issued, expires, revoked int64
	err := s.queryRowPrepared(ctx, `SELECT hash, kind, package_id, client_id, mid, scopes, issued_at,
		expires_at, revoked_at FROM tokens WHERE hash = $1`, hash).Scan(&t.Hash, &t.Kind, &t.PackageID,
		&t.ClientID, &t.MID, &scopes, &issued, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token")
	}
	if err != nil {
		return nil, s.internal("Token", err)
	}
	t.Scopes = splitScopes(scopes)
	t.IssuedAt, t.ExpiresAt, t.RevokedAt = FromMicros(issued), FromMicros(expires), FromMicros(revoked)
	return &t, nil
}

// RevokeToken marks one token revoked at at: ENOTFOUND for an unknown token,
// ECONFLICT if it was already revoked. Of concurrent calls for one token
// exactly one succeeds.
func (s *Store) RevokeToken(ctx context.Context, hash []byte, at time.Time) error {
	return s.write(ctx, func(s *Store) error {
		n, err := s.exec(ctx, "RevokeToken", "UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at = 0",
			hash, revokedMicros(at))
		if err != nil || n > 0 {
			return err
		}
		// Nothing changed: the token is missing or already revoked.
		var one int
		err = s.tx.QueryRowContext(s.stmtCtx(ctx), "SELECT 1 FROM tokens WHERE hash = $1", hash).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("token")
		}
		if err != nil {
			return s.internal("RevokeToken", err)
		}
		return fuelgate.Errorf(fuelgate.ECONFLICT, "token already revoked")
	})
}

// RevokeTokens revokes every unrevoked token matching f that expires after
// at. EINVALID for a zero filter.
func (s *Store) RevokeTokens(ctx context.Context, f fuelgate.TokenFilter, at time.Time) (int64, error) {
	if f == (fuelgate.TokenFilter{}) {
		return 0, fuelgate.Errorf(fuelgate.EINVALID, "token filter is empty")
	}
	var w where
	set := w.arg(revokedMicros(at))
	w.add("revoked_at = 0")
	w.add("expires_at > " + w.arg(Micros(at)))
	if f.PackageID != 0 {
		w.add("package_id = " + w.arg(f.PackageID))
	}
	if f.MID != 0 {
		w.add("mid = " + w.arg(f.MID))
	}
	return s.exec(ctx, "RevokeTokens", "UPDATE tokens SET revoked_at = "+set+w.String(), w.args...)
}

// DeleteTokensExpiredBefore deletes tokens whose expiry is before t. With
// Dialect.TryLock it returns 0 while another instance sweeps tokens.
func (s *Store) DeleteTokensExpiredBefore(ctx context.Context, t time.Time) (int64, error) {
	return s.sweep(ctx, "DeleteTokensExpiredBefore", SweepTokens, "DELETE FROM tokens WHERE expires_at < $1", Micros(t))
}

// CountTokens returns how many tokens are stored, expired and revoked ones
// included.
func (s *Store) CountTokens(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM tokens").Scan(&n); err != nil {
		return 0, s.internal("CountTokens", err)
	}
	return n, nil
}

// revokedMicros stores a revocation time; a zero at would read as "not
// revoked", so it is stored as 1µs after the epoch.
func revokedMicros(at time.Time) int64 {
	if us := Micros(at); us != 0 {
		return us
	}
	return 1
}

// exec runs one write statement in a write transaction and reports the
// number of rows it changed.
func (s *Store) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	var n int64
	err := s.write(ctx, func(s *Store) error {
		var err error
		n, err = s.execTx(ctx, op, query, args...)
		return err
	})
	return n, err
}

// execTx runs one write statement in s's transaction and reports the number
// of rows it changed.
func (s *Store) execTx(ctx context.Context, op, query string, args ...any) (int64, error) {
	res, err := s.execPrepared(ctx, query, args...)
	if err != nil {
		return 0, s.internal(op, err)
	}
	n, err := res.RowsAffected()
	return n, s.internal(op, err)
}
