package manage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
)

// SettingsChange is the input of UpdateSettings; nil fields stay as they are.
type SettingsChange struct {
	PermissionModel  *string
	APIPasswordLogin *bool
	LockoutThreshold *int
	LockoutDuration  *time.Duration
	TokenLifetime    *time.Duration
}

// Settings returns the settings of mid's enterprise.
func (s *Service) Settings(ctx context.Context, a *Actor, mid int64) (*fuelgate.Settings, error) {
	if err := a.require(fuelgate.PermSecuritySettingsView); err != nil {
		return nil, err
	}
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return nil, notFoundAs(err, "business unit %d not found", mid)
	}
	if err := a.inEnterprise(ent); err != nil {
		return nil, err
	}
	st, err := s.store.Settings(ctx, ent)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return fuelgate.DefaultSettings(ent), nil
	}
	return st, err
}

// UpdateSettings changes the settings of mid's enterprise.
func (s *Service) UpdateSettings(ctx context.Context, a *Actor, mid int64, c SettingsChange) (*fuelgate.Settings, error) {
	if err := a.require(fuelgate.PermSecuritySettingsAdmin); err != nil {
		return nil, s.denied(ctx, a, "settings.update", strconv.FormatInt(mid, 10), err)
	}
	st, err := s.Settings(ctx, a, mid)
	if err != nil {
		return nil, err
	}
	var changed []string
	if c.PermissionModel != nil {
		st.PermissionModel = *c.PermissionModel
		changed = append(changed, "permission_model="+*c.PermissionModel)
	}
	if c.APIPasswordLogin != nil {
		st.APIPasswordLogin = *c.APIPasswordLogin
		changed = append(changed, "api_password_login="+strconv.FormatBool(*c.APIPasswordLogin))
	}
	if c.LockoutThreshold != nil {
		st.LockoutThreshold = *c.LockoutThreshold
		changed = append(changed, "lockout_threshold="+strconv.Itoa(*c.LockoutThreshold))
	}
	if c.LockoutDuration != nil {
		st.LockoutDuration = *c.LockoutDuration
		changed = append(changed, "lockout_duration="+c.LockoutDuration.String())
	}
	if c.TokenLifetime != nil {
		st.TokenLifetime = *c.TokenLifetime
		changed = append(changed, "token_lifetime="+c.TokenLifetime.String())
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	st.UpdatedAt = s.now().UTC()
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: st.EnterpriseMID, Action: "settings.update",
		Target: strconv.FormatInt(st.EnterpriseMID, 10), Detail: strings.Join(changed, " ")}, func(tx fuelgate.Store) error {
		return tx.PutSettings(ctx, st)
	})
	return st, err
}
