// Package storetest is the conformance suite every fuelgate.Store backend
// must pass. A backend's test calls Run with a function that returns a new,
// empty Store using the real clock:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) fuelgate.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "f.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite fixes the storage conventions callers rely on: times read back
// in UTC truncated to the microsecond; BU, role and permission lists read
// back sorted without duplicates, nil when empty; empty byte slices read
// back nil; list methods return non-nil slices.
package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Opener returns a new, empty Store for one subtest and arranges its Close
// with t.Cleanup. Some subtests call it inside a synctest bubble: it must
// not hand the Store anything that outlives t (a connection pool shared
// between subtests, say).
type Opener func(t *testing.T) fuelgate.Store

// Run runs the conformance suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Accounts", testAccounts},
		{"Settings", testSettings},
		{"Users", testUsers},
		{"UserFilters", testUserFilters},
		{"UserConcurrentUpdates", testUserConcurrentUpdates},
		{"Roles", testRoles},
		{"Packages", testPackages},
		{"Tokens", testTokens},
		{"TokenRevocation", testTokenRevocation},
		{"UserTokens", testUserTokens},
		{"SealedRevocations", testSealedRevocations},
		{"AuthCodes", testAuthCodes},
		{"Nonces", testNonces},
		{"Audit", testAudit},
		{"AuditFilters", testAuditFilters},
		{"Atomic", testAtomic},
		{"AtomicRerun", func(t *testing.T, open Opener) { RerunAtomic(t, open) }},
		{"Context", testContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// base is a time with nanoseconds in a non-UTC zone, so round trips show
// that stores truncate to microseconds and return UTC.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("X", 3*3600))

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

// norm is what a store returns for t.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Microsecond).UTC()
}

// wantCode fails t unless err carries the fuelgate error code want ("" for nil).
func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := fuelgate.ErrorCode(err); got != want {
		t.Fatalf("%s: got error code %q (%v), want %q", what, got, err, want)
	}
}

// must fails t on a non-nil err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantEqual fails t unless got and want are deeply equal.
func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}
