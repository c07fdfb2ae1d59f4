package sqlstore_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

func TestMicros(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want int64
		back time.Time
	}{
		{"zero", time.Time{}, 0, time.Time{}},
		{"utc", time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC), 1735787045000006, time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)},
		{"truncates nanoseconds and zone", time.Date(2025, 1, 2, 4, 4, 5, 6999, time.FixedZone("X", 3600)),
			1735787045000006, time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sqlstore.Micros(tt.in)
			if got != tt.want {
				t.Fatalf("Micros: got %d, want %d", got, tt.want)
			}
			back := sqlstore.FromMicros(got)
			if back != tt.back {
				t.Fatalf("FromMicros: got %v, want %v", back, tt.back)
			}
		})
	}
}

func TestLikePatterns(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		wantContains string
		wantPrefix   string
	}{
		{"plain", "abc", "%abc%", "abc%"},
		{"percent", "100%", `%100\%%`, `100\%%`},
		{"underscore", "a_b.", `%a\_b.%`, `a\_b.%`},
		{"backslash", `a\b`, `%a\\b%`, `a\\b%`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sqlstore.LikeContains(tt.in); got != tt.wantContains {
				t.Fatalf("LikeContains(%q): got %q, want %q", tt.in, got, tt.wantContains)
			}
			if got := sqlstore.LikePrefix(tt.in); got != tt.wantPrefix {
				t.Fatalf("LikePrefix(%q): got %q, want %q", tt.in, got, tt.wantPrefix)
			}
		})
	}
}

type sqlStateError string

func (e sqlStateError) Error() string    { return "pg error " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestUniqueViolation(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantText  bool
		wantState bool
	}{
		{"nil", nil, false, false},
		{"sqlite unique", errors.New("constraint failed: UNIQUE constraint failed: users.username_key (2067)"), true, false},
		{"sqlite other", errors.New("constraint failed: NOT NULL constraint failed: users.name (1299)"), false, false},
		{"postgres unique", sqlStateError("23505"), false, true},
		{"postgres unique wrapped", fmt.Errorf("insert: %w", sqlStateError("23505")), false, true},
		{"postgres foreign key", sqlStateError("23503"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sqlstore.UniqueViolationText(tt.err); got != tt.wantText {
				t.Fatalf("UniqueViolationText: got %v, want %v", got, tt.wantText)
			}
			if got := sqlstore.UniqueViolationSQLState(tt.err); got != tt.wantState {
				t.Fatalf("UniqueViolationSQLState: got %v, want %v", got, tt.wantState)
			}
		})
	}
}
