package storetest

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// testSealedRevocations covers what refuses sealed tokens, which are not
// stored: the epochs RevokeTokens records for filters that can match them
// (and only those), epochs moving only forward, and denials kept until a
// sweep after their expiry.
func testSealedRevocations(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	r, err := s.TokenRevocations(ctx)
	must(t, "TokenRevocations", err)
	if len(r.Epochs) != 0 || len(r.Denied) != 0 {
		t.Fatalf("a new store has revocations: %+v", r)
	}
	revoke := func(f fuelgate.TokenFilter, when time.Time) {
		t.Helper()
		_, err := s.RevokeTokens(ctx, f, when)
		must(t, "RevokeTokens", err)
	}
	revoke(fuelgate.TokenFilter{PackageID: 1}, at(time.Minute))
	revoke(fuelgate.TokenFilter{PackageID: 1}, at(time.Hour)) // later: the epoch moves on
	revoke(fuelgate.TokenFilter{MID: 100}, at(time.Minute))
	revoke(fuelgate.TokenFilter{MID: 100}, at(time.Second)) // earlier: the epoch stays
	revoke(fuelgate.TokenFilter{PackageID: 2, MID: 101, Kind: fuelgate.TokenAccess}, at(time.Minute))
	revoke(fuelgate.TokenFilter{PackageID: 3, Kind: fuelgate.TokenRefresh}, at(time.Minute)) // stored kinds only: no epoch
	revoke(fuelgate.TokenFilter{UserID: 7}, at(time.Minute))                                 // app tokens are stored: no epoch
	revoke(fuelgate.TokenFilter{Family: "fam"}, at(time.Minute))                             // likewise
	must(t, "DenyToken", s.DenyToken(ctx, hash("sealed-a"), at(time.Hour)))
	must(t, "DenyToken", s.DenyToken(ctx, hash("sealed-a"), at(time.Hour))) // twice: no error
	must(t, "DenyToken", s.DenyToken(ctx, hash("sealed-b"), at(3*time.Hour)))
	wantCode(t, "DenyToken(empty hash)", s.DenyToken(ctx, nil, at(time.Hour)), fuelgate.EINVALID)

	r, err = s.TokenRevocations(ctx)
	must(t, "TokenRevocations", err)
	want := map[fuelgate.TokenEpoch]time.Time{
		{PackageID: 1}:           norm(at(time.Hour)),
		{MID: 100}:               norm(at(time.Minute)),
		{PackageID: 2, MID: 101}: norm(at(time.Minute)),
	}
	got := map[fuelgate.TokenEpoch]time.Time{}
	for k, v := range r.Epochs {
		got[k] = norm(v)
	}
	wantEqual(t, "epochs", got, want)
	wantEqual(t, "denials", r.Denied, map[string]bool{string(hash("sealed-a")): true, string(hash("sealed-b")): true})

	// Refuses applies them: package 1 up to its epoch, BU 100 up to its
	// own, package 2 in BU 101 only, denied hashes always.
	cases := []struct {
		name string
		tok  fuelgate.Token
		want bool
	}{
		{"package epoch, issued at it", fuelgate.Token{PackageID: 1, MID: 5, IssuedAt: norm(at(time.Hour))}, true},
		{"package epoch, issued after", fuelgate.Token{PackageID: 1, MID: 5, IssuedAt: norm(at(time.Hour + time.Microsecond))}, false},
		{"BU epoch, any package", fuelgate.Token{PackageID: 9, MID: 100, IssuedAt: norm(at(time.Second))}, true},
		{"package and BU epoch, other BU", fuelgate.Token{PackageID: 2, MID: 102, IssuedAt: norm(at(0))}, false},
		{"package and BU epoch", fuelgate.Token{PackageID: 2, MID: 101, IssuedAt: norm(at(0))}, true},
		{"denied", fuelgate.Token{Hash: hash("sealed-b"), PackageID: 9, MID: 9, IssuedAt: norm(at(2 * time.Hour))}, true},
		{"nothing", fuelgate.Token{Hash: hash("sealed-c"), PackageID: 9, MID: 9, IssuedAt: norm(at(0))}, false},
	}
	for _, c := range cases {
		if got := r.Refuses(&c.tok); got != c.want {
			t.Errorf("Refuses(%s) = %t, want %t", c.name, got, c.want)
		}
	}

	// A sweep deletes denials that expired before its time, with the tokens.
	n, err := s.DeleteTokensExpiredBefore(ctx, at(2*time.Hour))
	must(t, "DeleteTokensExpiredBefore", err)
	if n != 1 {
		t.Errorf("DeleteTokensExpiredBefore: got %d deleted, want 1 (sealed-a's denial)", n)
	}
	r, err = s.TokenRevocations(ctx)
	must(t, "TokenRevocations", err)
	wantEqual(t, "denials after the sweep", r.Denied, map[string]bool{string(hash("sealed-b")): true})
}
