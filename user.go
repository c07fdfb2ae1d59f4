package fuelgate

import (
	"slices"
	"strings"
	"time"
)

// User is a person or an API user. Usernames are unique in the deployment.
// Passwords are never held in clear: PasswordHash is an argon2id PHC string
// and DigestSecret, present only for digest-capable users, is the password
// sealed with AES-256-GCM under a key that is not in the database.
type User struct {
	ID              int64
	EnterpriseMID   int64
	Username        string
	Name            string
	Email           string
	PasswordHash    string
	PasswordVersion int64  // bumped on every password change; invalidates cached verifications
	DigestSecret    []byte // sealed plaintext for PasswordDigest; nil unless digest-capable
	Active          bool
	APIUser         bool // the "API User" flag
	WebServices     bool // legacy permission "Grant the user access to the web services"
	FailedLogins    int
	LockedUntil     time.Time // zero when not locked
	DefaultMID      int64     // the BU the user acts in by default
	MIDs            []int64   // associated BUs (always includes DefaultMID)
	RoleIDs         []string
	LastLoginAt     time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// DigestCapable reports whether the user can authenticate with PasswordDigest.
func (u *User) DigestCapable() bool { return len(u.DigestSecret) > 0 }

// IsLocked reports whether the user is soft-locked at now.
func (u *User) IsLocked(now time.Time) bool { return now.Before(u.LockedUntil) }

// HasMID reports whether the user is associated with the BU mid.
func (u *User) HasMID(mid int64) bool { return slices.Contains(u.MIDs, mid) }

// UserFilter selects users. Zero fields do not filter.
type UserFilter struct {
	EnterpriseMID int64
	MID           int64   // associated with this BU
	DefaultMIDs   []int64 // default BU is one of these (nil: any)
	Query         string  // case-insensitive substring of username, name or email
	AfterID       int64   // keyset paging: IDs greater than this
	Limit         int     // 0 means no limit
}

// ValidUsername reports whether s can be a username: 1–128 printable
// characters without spaces or control characters.
func ValidUsername(s string) bool {
	if s == "" || len(s) > 128 || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
