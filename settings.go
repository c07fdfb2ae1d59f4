package fuelgate

import "time"

// PermissionModel is how an enterprise grants permissions: roles with
// permissions, or SFMC's older per-user legacy flags (for API access:
// "Grant the user access to the web services").
type PermissionModel string

// Permission models.
const (
	ModelRoleBased PermissionModel = "role-based"
	ModelLegacy    PermissionModel = "legacy"
)

// Defaults for enterprise settings.
const (
	DefaultLockoutThreshold = 6
	DefaultLockoutDuration  = 15 * time.Minute
	DefaultTokenLifetime    = 20 * time.Minute
)

// Settings are the enterprise-wide settings, one row per enterprise MID.
type Settings struct {
	EnterpriseMID   int64
	PermissionModel PermissionModel
	// APIPasswordLogin is the Security Settings switch that allows SOAP calls
	// authenticated by username and password (WS-Security UsernameToken).
	// Off by default, as in SFMC.
	APIPasswordLogin bool
	LockoutThreshold int           // consecutive failed password logins before a soft lock
	LockoutDuration  time.Duration // how long a soft lock lasts
	TokenLifetime    time.Duration // access-token lifetime
	UpdatedAt        time.Time
}

// DefaultSettings returns the settings of a new enterprise.
func DefaultSettings(enterpriseMID int64) *Settings {
	return &Settings{
		EnterpriseMID:    enterpriseMID,
		PermissionModel:  ModelRoleBased,
		LockoutThreshold: DefaultLockoutThreshold,
		LockoutDuration:  DefaultLockoutDuration,
		TokenLifetime:    DefaultTokenLifetime,
	}
}

// Validate checks the settings for values fuelgate cannot work with.
func (s *Settings) Validate() error {
	switch {
	case s.PermissionModel != ModelRoleBased && s.PermissionModel != ModelLegacy:
		return Errorf(EINVALID, "permission model must be %q or %q", ModelRoleBased, ModelLegacy)
	case s.LockoutThreshold < 1 || s.LockoutThreshold > 1000:
		return Errorf(EINVALID, "lockout threshold must be between 1 and 1000")
	case s.LockoutDuration < time.Second || s.LockoutDuration > 30*24*time.Hour:
		return Errorf(EINVALID, "lockout duration must be between 1s and 720h")
	case s.TokenLifetime < time.Second || s.TokenLifetime > 24*time.Hour:
		return Errorf(EINVALID, "token lifetime must be between 1s and 24h")
	}
	return nil
}

// ExpiresIn is the expires_in value reported for a token of lifetime d:
// the lifetime minus a safety margin of min(121s, d/5), so that a 20-minute
// token reports 1079 seconds as SFMC does and short test lifetimes stay positive.
func ExpiresIn(d time.Duration) int64 {
	margin := min(121*time.Second, d/5)
	return int64((d - margin) / time.Second)
}
