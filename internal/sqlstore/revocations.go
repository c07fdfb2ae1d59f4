package sqlstore

import (
	"context"
	"time"

	"github.com/fuelgate/fuelgate"
)

// addEpoch records that the sealed tokens of e issued at or before at are
// revoked; an epoch only moves forward.
func (s *Store) addEpoch(ctx context.Context, e fuelgate.TokenEpoch, at time.Time) error {
	_, err := s.execTx(ctx, "RevokeTokens", `INSERT INTO token_epochs (package_id, mid, revoked_before) VALUES ($1, $2, $3)
		ON CONFLICT (package_id, mid) DO UPDATE SET revoked_before = excluded.revoked_before
		WHERE excluded.revoked_before > token_epochs.revoked_before`, e.PackageID, e.MID, Micros(at))
	return err
}

// DenyToken records that the sealed token with the given hash is revoked
// until expiresAt. Denying a token again changes nothing.
func (s *Store) DenyToken(ctx context.Context, hash []byte, expiresAt time.Time) error {
	if len(hash) == 0 {
		return fuelgate.Errorf(fuelgate.EINVALID, "token hash is empty")
	}
	_, err := s.exec(ctx, "DenyToken", `INSERT INTO token_denials (hash, expires_at) VALUES ($1, $2)
		ON CONFLICT (hash) DO NOTHING`, hash, Micros(expiresAt))
	return err
}

// TokenRevocations returns every revocation epoch and every denial not yet
// swept.
func (s *Store) TokenRevocations(ctx context.Context) (*fuelgate.TokenRevocations, error) {
	r := &fuelgate.TokenRevocations{Epochs: map[fuelgate.TokenEpoch]time.Time{}, Denied: map[string]bool{}}
	if err := s.epochs(ctx, r.Epochs); err != nil {
		return nil, s.internal("TokenRevocations", err)
	}
	if err := s.denials(ctx, r.Denied); err != nil {
		return nil, s.internal("TokenRevocations", err)
	}
	return r, nil
}

func (s *Store) epochs(ctx context.Context, into map[fuelgate.TokenEpoch]time.Time) error {
	rows, err := s.q().QueryContext(ctx, "SELECT package_id, mid, revoked_before FROM token_epochs")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e fuelgate.TokenEpoch
		var before int64
		if err := rows.Scan(&e.PackageID, &e.MID, &before); err != nil {
			return err
		}
		into[e] = FromMicros(before)
	}
	return rows.Err()
}

func (s *Store) denials(ctx context.Context, into map[string]bool) error {
	rows, err := s.q().QueryContext(ctx, "SELECT hash FROM token_denials")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return err
		}
		into[string(h)] = true
	}
	return rows.Err()
}
