package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func normAuthCode(c fuelgate.AuthCode) fuelgate.AuthCode {
	c.IssuedAt, c.ExpiresAt, c.UsedAt = norm(c.IssuedAt), norm(c.ExpiresAt), norm(c.UsedAt)
	if len(c.Scopes) == 0 {
		c.Scopes = nil
	}
	return c
}

func testAuthCodes(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	full := &fuelgate.AuthCode{Hash: hash("code-full"), PackageID: 7, ClientID: "client-web", UserID: 42, MID: 101,
		Scopes: []string{"users_read", "offline"}, RedirectURI: "https://app.example.com/cb?a=1",
		Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Family: "fam-1",
		IssuedAt: at(0), ExpiresAt: at(5 * time.Minute)}
	bare := &fuelgate.AuthCode{Hash: hash("code-bare"), ExpiresAt: at(time.Minute)}
	for _, c := range []*fuelgate.AuthCode{full, bare} {
		must(t, "CreateAuthCode", s.CreateAuthCode(ctx, c))
	}

	t.Run("RoundTrip", func(t *testing.T) {
		for _, c := range []*fuelgate.AuthCode{full, bare} {
			got, err := s.AuthCode(ctx, c.Hash)
			must(t, "AuthCode", err)
			wantEqual(t, "AuthCode", *got, normAuthCode(*c))
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.AuthCode(ctx, hash("nope"))
		wantCode(t, "AuthCode(nope)", err, fuelgate.ENOTFOUND)
		wantCode(t, "UseAuthCode(nope)", s.UseAuthCode(ctx, hash("nope"), at(time.Second)), fuelgate.ENOTFOUND)
	})
	t.Run("DuplicateHash", func(t *testing.T) {
		wantCode(t, "CreateAuthCode duplicate", s.CreateAuthCode(ctx, &fuelgate.AuthCode{Hash: hash("code-full")}), fuelgate.ECONFLICT)
	})
	t.Run("UseOnce", func(t *testing.T) {
		const goroutines = 16
		var wg sync.WaitGroup
		codes := make(chan string, goroutines)
		for range goroutines {
			wg.Go(func() { codes <- fuelgate.ErrorCode(s.UseAuthCode(ctx, full.Hash, at(time.Minute))) })
		}
		wg.Wait()
		close(codes)
		counts := map[string]int{}
		for c := range codes {
			counts[c]++
		}
		wantEqual(t, "UseAuthCode outcomes", counts, map[string]int{"": 1, fuelgate.ECONFLICT: goroutines - 1})
		got, err := s.AuthCode(ctx, full.Hash)
		must(t, "AuthCode", err)
		if !got.Used() || !got.UsedAt.Equal(norm(at(time.Minute))) {
			t.Fatalf("UsedAt: got %v, want %v", got.UsedAt, norm(at(time.Minute)))
		}
	})
	t.Run("UseAtZeroTime", func(t *testing.T) {
		// A zero time must still read as used, never as "not used".
		must(t, "UseAuthCode", s.UseAuthCode(ctx, bare.Hash, time.Time{}))
		got, err := s.AuthCode(ctx, bare.Hash)
		must(t, "AuthCode", err)
		if !got.Used() {
			t.Fatal("a code used at the zero time reads as unused")
		}
	})
	t.Run("DeleteExpired", func(t *testing.T) {
		n, err := s.DeleteAuthCodesExpiredBefore(ctx, at(2*time.Minute))
		must(t, "DeleteAuthCodesExpiredBefore", err)
		if n != 1 {
			t.Fatalf("DeleteAuthCodesExpiredBefore: got %d deleted, want 1 (bare)", n)
		}
		_, err = s.AuthCode(ctx, bare.Hash)
		wantCode(t, "AuthCode(bare)", err, fuelgate.ENOTFOUND)
		_, err = s.AuthCode(ctx, full.Hash)
		wantCode(t, "AuthCode(full)", err, "")
	})
}
