package sqlstore

import (
	"context"
	"time"
)

// UseNonce records (userID, nonceHash) until expires and reports whether it
// was fresh. A recorded pair whose expiry is before now no longer counts: it
// is replaced and the nonce is fresh again. Of concurrent calls with one pair
// exactly one returns true.
//
// Outside a transaction, with Dialect.RecordNonces, concurrent calls are
// recorded together (see nonceGroup).
func (s *Store) UseNonce(ctx context.Context, userID int64, nonceHash []byte, now, expires time.Time) (bool, error) {
	if s.tx == nil && s.nonces != nil {
		return s.nonces.use(ctx, s, NonceUse{UserID: userID, Hash: nonceHash, Now: Micros(now), Expires: Micros(expires)})
	}
	n, err := s.execLossy(ctx, "UseNonce", `INSERT INTO nonces (user_id, nonce_hash, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, nonce_hash) DO UPDATE SET expires_at = excluded.expires_at
		WHERE nonces.expires_at < $4`,
		userID, nonceHash, Micros(expires), Micros(now))
	return n > 0, err
}

// DeleteNoncesExpiredBefore deletes nonces whose expiry is before t. With
// Dialect.TryLock it returns 0 while another instance sweeps nonces.
func (s *Store) DeleteNoncesExpiredBefore(ctx context.Context, t time.Time) (int64, error) {
	return s.sweep(ctx, "DeleteNoncesExpiredBefore", SweepNonces, "DELETE FROM nonces WHERE expires_at < $1", Micros(t))
}
