package fuelgate

import (
	"testing"
	"time"
)

func TestExpiresIn(t *testing.T) {
	tests := []struct {
		lifetime time.Duration
		want     int64
	}{
		{20 * time.Minute, 1079}, // SFMC's value for its 20-minute tokens
		{time.Hour, 3479},
		{5 * time.Second, 4},
		{time.Second, 0},
	}
	for _, tt := range tests {
		if got := ExpiresIn(tt.lifetime); got != tt.want {
			t.Errorf("ExpiresIn(%v) = %d, want %d", tt.lifetime, got, tt.want)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Settings)
		ok     bool
	}{
		{"defaults", func(*Settings) {}, true},
		{"legacy model", func(s *Settings) { s.PermissionModel = ModelLegacy }, true},
		{"unknown model", func(s *Settings) { s.PermissionModel = "x" }, false},
		{"zero threshold", func(s *Settings) { s.LockoutThreshold = 0 }, false},
		{"short lifetime for tests", func(s *Settings) { s.TokenLifetime = 5 * time.Second }, true},
		{"lifetime too long", func(s *Settings) { s.TokenLifetime = 48 * time.Hour }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings(1)
			tt.change(s)
			if err := s.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	err := WrapError(ENOTFOUND, "store.User", "user not found", errString("sql: no rows"))
	if got := ErrorCode(err); got != ENOTFOUND {
		t.Errorf("ErrorCode = %q, want %q", got, ENOTFOUND)
	}
	if got := ErrorMessage(err); got != "user not found" {
		t.Errorf("ErrorMessage = %q, want the safe message", got)
	}
	if got := ErrorCode(errString("boom")); got != EINTERNAL {
		t.Errorf("ErrorCode(plain) = %q, want %q", got, EINTERNAL)
	}
	if got := ErrorMessage(errString("secret detail")); got == "secret detail" {
		t.Error("ErrorMessage leaked an internal error text")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
