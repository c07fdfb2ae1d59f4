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
	PermissionModel  *fuelgate.PermissionModel
	APIPasswordLogin *bool
	LockoutThreshold *int
	LockoutDuration  *time.Duration
	TokenLifetime    *time.Duration
}

// Settings returns the settings of mid's enterprise. The actor must reach
// the enterprise BU.
func (s *Service) Settings(ctx context.Context, a *Actor, mid int64) (*fuelgate.Settings, error) {
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return nil, notFoundAs(err, "business unit %d not found", mid)
	}
	if err := a.check(OpSettingsRead, ent); err != nil {
		return nil, err
	}
	st, err := s.store.Settings(ctx, ent)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return fuelgate.DefaultSettings(ent), nil
	}
	return st, err
}

// PermissionModel returns the permission model of the actor's enterprise,
// for the user forms (which offer the legacy web-services flag only on the
// legacy model). Every actor may know its own enterprise's model.
func (s *Service) PermissionModel(ctx context.Context, a *Actor) (fuelgate.PermissionModel, error) {
	st, err := s.settingsOf(ctx, a.enterprise)
	if err != nil {
		return "", err
	}
	return st.PermissionModel, nil
}

// UpdateSettings changes the settings of mid's enterprise. The actor must
// reach the enterprise BU.
func (s *Service) UpdateSettings(ctx context.Context, a *Actor, mid int64, c SettingsChange) (*fuelgate.Settings, error) {
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return nil, notFoundAs(err, "business unit %d not found", mid)
	}
	if err := a.check(OpSettingsUpdate, ent); err != nil {
		return nil, s.denied(ctx, a, "settings.update", strconv.FormatInt(ent, 10), ent, err)
	}
	st, err := s.store.Settings(ctx, ent)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		st, err = fuelgate.DefaultSettings(ent), nil
	}
	if err != nil {
		return nil, err
	}
	var changed []string
	if c.PermissionModel != nil {
		st.PermissionModel = *c.PermissionModel
		changed = append(changed, "permission_model="+string(*c.PermissionModel))
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
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: st.EnterpriseMID, EnterpriseMID: st.EnterpriseMID, Action: "settings.update",
		Target: strconv.FormatInt(st.EnterpriseMID, 10), Detail: strings.Join(changed, " ")}, func(tx fuelgate.Store) error {
		return tx.PutSettings(ctx, st)
	})
	return st, err
}
