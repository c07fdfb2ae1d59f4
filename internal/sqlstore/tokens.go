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
			issued_at, expires_at, revoked_at, user_id, family) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			t.Hash, t.Kind, t.PackageID, t.ClientID, t.MID, joinScopes(t.Scopes),
			Micros(t.IssuedAt), Micros(t.ExpiresAt), Micros(t.RevokedAt), t.UserID, t.Family)
		return s.check("CreateToken", "token already exists", err)
	})
}

const tokenColumns = "hash, kind, package_id, client_id, mid, scopes, issued_at, expires_at, revoked_at, user_id, family"

// Token returns the token with the given hash.
func (s *Store) Token(ctx context.Context, hash []byte) (*fuelgate.Token, error) {
	t, err := scanToken(s.queryRowPrepared(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = $1", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token")
	}
	if err != nil {
		return nil, s.internal("Token", err)
	}
	return t, nil
}

func scanToken(r scanner) (*fuelgate.Token, error) {
	var t fuelgate.Token
	var scopes string
	var issued, expires, revoked int64
	err := r.Scan(&t.Hash, &t.Kind, &t.PackageID, &t.ClientID, &t.MID, &scopes, &issued, &expires, &revoked,
		&t.UserID, &t.Family)
	if err != nil {
		return nil, err
	}
	t.Scopes = splitScopes(scopes)
	t.IssuedAt, t.ExpiresAt, t.RevokedAt = FromMicros(issued), FromMicros(expires), FromMicros(revoked)
	return &t, nil
}

// LiveTokens returns at most limit unrevoked tokens matching f that expire
// after now, newest first. f must set UserID or Family: those are indexed
// (for the tokens that have them), the others are not.
func (s *Store) LiveTokens(ctx context.Context, f fuelgate.TokenFilter, now time.Time, limit int) ([]*fuelgate.Token, error) {
	if f.UserID == 0 && f.Family == "" {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "token filter needs a user or a family")
	}
	w := tokenWhere(f)
	w.add("revoked_at = 0")
	w.add("expires_at > " + w.arg(Micros(now)))
	q := "SELECT " + tokenColumns + " FROM tokens" + w.String() + " ORDER BY issued_at DESC LIMIT " + w.arg(max(limit, 0))
	list := []*fuelgate.Token{}
	err := s.read(ctx, "LiveTokens", func(qr Querier) error {
		rows, err := qr.QueryContext(ctx, q, w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			list = append(list, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.internal("LiveTokens", err)
	}
	return list, nil
}

// tokenWhere turns the fields of f into conditions. The user and family
// conditions repeat the predicates of their partial indexes (user_id <> 0,
// family <> ”), so that both databases use those indexes with a bound value.
func tokenWhere(f fuelgate.TokenFilter) *where {
	w := &where{}
	if f.PackageID != 0 {
		w.add("package_id = " + w.arg(f.PackageID))
	}
	if f.MID != 0 {
		w.add("mid = " + w.arg(f.MID))
	}
	if f.UserID != 0 {
		w.add("user_id = " + w.arg(f.UserID) + " AND user_id <> 0")
	}
	if f.Family != "" {
		w.add("family = " + w.arg(f.Family) + " AND family <> ''")
	}
	if f.Kind != "" {
		w.add("kind = " + w.arg(f.Kind))
	}
	return w
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
	w := tokenWhere(f)
	w.add("revoked_at = 0")
	w.add("expires_at > " + w.arg(Micros(at)))
	set := w.arg(revokedMicros(at))
	var n int64
	err := s.write(ctx, func(s *Store) error {
		var err error
		if n, err = s.execTx(ctx, "RevokeTokens", "UPDATE tokens SET revoked_at = "+set+w.String(), w.args...); err != nil {
			return err
		}
		if f.MatchesSealed() {
			return s.addEpoch(ctx, fuelgate.TokenEpoch{PackageID: f.PackageID, MID: f.MID}, at)
		}
		return nil
	})
	return n, err
}

// DeleteTokensExpiredBefore deletes tokens, and denials of sealed tokens,
// whose expiry is before t. With Dialect.TryLock it returns 0 while another
// instance sweeps tokens.
func (s *Store) DeleteTokensExpiredBefore(ctx context.Context, t time.Time) (int64, error) {
	n, err := s.sweep(ctx, "DeleteTokensExpiredBefore", SweepTokens, "DELETE FROM tokens WHERE expires_at < $1", Micros(t))
	if err != nil {
		return n, err
	}
	d, err := s.sweep(ctx, "DeleteTokensExpiredBefore", SweepTokens, "DELETE FROM token_denials WHERE expires_at < $1", Micros(t))
	return n + d, err
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
	return s.execIn(ctx, s.write, op, query, args...)
}

// execLossy is exec for a write that a database crash may lose without harm
// (see writeLossy).
func (s *Store) execLossy(ctx context.Context, op, query string, args ...any) (int64, error) {
	return s.execIn(ctx, s.writeLossy, op, query, args...)
}

// execIn runs one write statement in the transaction write gives it.
func (s *Store) execIn(ctx context.Context, write func(context.Context, func(*Store) error) error,
	op, query string, args ...any) (int64, error) {
	var n int64
	err := write(ctx, func(s *Store) error {
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
