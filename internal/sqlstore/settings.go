package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Settings returns an enterprise's settings; ENOTFOUND if none were stored.
func (s *Store) Settings(ctx context.Context, enterpriseMID int64) (*fuelgate.Settings, error) {
	var st fuelgate.Settings
	var lockout, lifetime, updated int64
	err := s.q().QueryRowContext(ctx,
		`SELECT enterprise_mid, permission_model, api_password_login, lockout_threshold,
		lockout_duration, token_lifetime, updated_at FROM settings WHERE enterprise_mid = $1`,
		enterpriseMID).Scan(&st.EnterpriseMID, &st.PermissionModel, &st.APIPasswordLogin,
		&st.LockoutThreshold, &lockout, &lifetime, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("settings")
	}
	if err != nil {
		return nil, s.internal("Settings", err)
	}
	st.LockoutDuration, st.TokenLifetime = time.Duration(lockout), time.Duration(lifetime)
	st.UpdatedAt = FromMicros(updated)
	return &st, nil
}

// PutSettings creates or replaces an enterprise's settings.
func (s *Store) PutSettings(ctx context.Context, st *fuelgate.Settings) error {
	return s.write(ctx, func(s *Store) error {
		_, err := s.tx.ExecContext(s.stmtCtx(ctx),
			`INSERT INTO settings (enterprise_mid, permission_model, api_password_login, lockout_threshold,
			lockout_duration, token_lifetime, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (enterprise_mid) DO UPDATE SET permission_model = excluded.permission_model,
			api_password_login = excluded.api_password_login, lockout_threshold = excluded.lockout_threshold,
			lockout_duration = excluded.lockout_duration, token_lifetime = excluded.token_lifetime,
			updated_at = excluded.updated_at`,
			st.EnterpriseMID, st.PermissionModel, st.APIPasswordLogin, int64(st.LockoutThreshold),
			int64(st.LockoutDuration), int64(st.TokenLifetime), Micros(st.UpdatedAt))
		return s.check("PutSettings", "settings already exist", err)
	})
}
