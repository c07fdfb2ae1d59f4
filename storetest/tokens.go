package storetest

import (
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// hash returns a token hash for s.
func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func normToken(tk fuelgate.Token) fuelgate.Token {
	tk.IssuedAt, tk.ExpiresAt, tk.RevokedAt = norm(tk.IssuedAt), norm(tk.ExpiresAt), norm(tk.RevokedAt)
	if len(tk.Scopes) == 0 {
		tk.Scopes = nil
	}
	return tk
}

func newToken(name string, packageID, mid int64, expires time.Time) *fuelgate.Token {
	return &fuelgate.Token{Hash: hash(name), Kind: fuelgate.TokenAccess, PackageID: packageID,
		ClientID: "client-" + name, MID: mid, Scopes: []string{"email_read", "accounts_read"},
		IssuedAt: at(0), ExpiresAt: expires}
}

func testTokens(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	full := newToken("full", 1, 100, at(20*time.Minute))
	bare := &fuelgate.Token{Hash: hash("bare"), Kind: fuelgate.TokenRefresh, ExpiresAt: at(time.Hour), RevokedAt: at(time.Second)}
	for _, tk := range []*fuelgate.Token{full, bare} {
		must(t, "CreateToken", s.CreateToken(ctx, tk))
	}

	t.Run("RoundTrip", func(t *testing.T) {
		for _, tk := range []*fuelgate.Token{full, bare} {
			got, err := s.Token(ctx, tk.Hash)
			must(t, "Token", err)
			wantEqual(t, "Token", *got, normToken(*tk))
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.Token(ctx, hash("nope"))
		wantCode(t, "Token(nope)", err, fuelgate.ENOTFOUND)
	})
	t.Run("DuplicateHash", func(t *testing.T) {
		wantCode(t, "CreateToken duplicate", s.CreateToken(ctx, newToken("full", 2, 200, at(time.Hour))), fuelgate.ECONFLICT)
	})
	t.Run("Count", func(t *testing.T) {
		n, err := s.CountTokens(ctx)
		must(t, "CountTokens", err)
		if n != 2 {
			t.Fatalf("CountTokens: got %d, want 2", n)
		}
	})
	t.Run("DeleteExpired", func(t *testing.T) {
		cut := at(2 * time.Hour)
		for _, tk := range []*fuelgate.Token{
			newToken("before", 1, 100, cut.Add(-time.Microsecond)),
			newToken("at", 1, 100, cut),
			newToken("after", 1, 100, cut.Add(time.Second)),
		} {
			must(t, "CreateToken", s.CreateToken(ctx, tk))
		}
		n, err := s.DeleteTokensExpiredBefore(ctx, cut)
		must(t, "DeleteTokensExpiredBefore", err)
		// full, bare and "before" expire before cut.
		if n != 3 {
			t.Fatalf("DeleteTokensExpiredBefore: got %d deleted, want 3", n)
		}
		tests := []struct {
			name string
			want string
		}{
			{"full", fuelgate.ENOTFOUND},
			{"bare", fuelgate.ENOTFOUND},
			{"before", fuelgate.ENOTFOUND},
			{"at", ""},
			{"after", ""},
		}
		for _, tt := range tests {
			_, err := s.Token(ctx, hash(tt.name))
			wantCode(t, "Token("+tt.name+")", err, tt.want)
		}
		n, err = s.CountTokens(ctx)
		must(t, "CountTokens", err)
		if n != 2 {
			t.Fatalf("CountTokens after sweep: got %d, want 2", n)
		}
	})
}

func testTokenRevocation(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	now := at(time.Hour)
	tokens := []*fuelgate.Token{
		newToken("p1-a", 1, 100, now.Add(time.Hour)),
		newToken("p1-b", 1, 101, now.Add(time.Minute)),
		newToken("p1-expired", 1, 100, now.Add(-time.Minute)),
		newToken("p1-at-now", 1, 100, now),
		newToken("p1-revoked", 1, 100, now.Add(time.Hour)),
		newToken("p2-a", 2, 100, now.Add(time.Hour)),
		newToken("p2-b", 2, 101, now.Add(time.Hour)),
		newToken("single", 3, 100, now.Add(time.Hour)),
	}
	tokens[4].RevokedAt = at(time.Second)
	for _, tk := range tokens {
		must(t, "CreateToken", s.CreateToken(ctx, tk))
	}

	t.Run("RevokeToken", func(t *testing.T) {
		tests := []struct {
			name  string
			token string
			want  string
		}{
			{"first", "p2-a", ""},
			{"second", "p2-a", fuelgate.ECONFLICT},
			{"already revoked", "p1-revoked", fuelgate.ECONFLICT},
			{"unknown", "nope", fuelgate.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, "RevokeToken("+tt.token+")", s.RevokeToken(ctx, hash(tt.token), now), tt.want)
			})
		}
		got, err := s.Token(ctx, hash("p2-a"))
		must(t, "Token", err)
		if !got.RevokedAt.Equal(norm(now)) {
			t.Fatalf("RevokedAt: got %v, want %v", got.RevokedAt, norm(now))
		}
		got, err = s.Token(ctx, hash("p1-revoked"))
		must(t, "Token", err)
		if !got.RevokedAt.Equal(norm(at(time.Second))) {
			t.Fatalf("RevokedAt of an already revoked token: got %v, want %v unchanged", got.RevokedAt, norm(at(time.Second)))
		}
	})
	t.Run("RevokeTokenConcurrent", func(t *testing.T) {
		const goroutines = 16
		var wg sync.WaitGroup
		codes := make(chan string, goroutines)
		for range goroutines {
			wg.Go(func() { codes <- fuelgate.ErrorCode(s.RevokeToken(ctx, hash("single"), now)) })
		}
		wg.Wait()
		close(codes)
		counts := map[string]int{}
		for c := range codes {
			counts[c]++
		}
		wantEqual(t, "RevokeToken outcomes", counts, map[string]int{"": 1, fuelgate.ECONFLICT: goroutines - 1})
	})
	t.Run("RevokeTokens", func(t *testing.T) {
		_, err := s.RevokeTokens(ctx, fuelgate.TokenFilter{}, now)
		wantCode(t, "RevokeTokens(empty filter)", err, fuelgate.EINVALID)

		tests := []struct {
			name   string
			filter fuelgate.TokenFilter
			want   int64
		}{
			// p1-a and p1-b; not expired, at-now, or already revoked ones.
			{"package", fuelgate.TokenFilter{PackageID: 1}, 2},
			{"package again", fuelgate.TokenFilter{PackageID: 1}, 0},
			// p2-b only: p2-a was revoked above.
			{"mid", fuelgate.TokenFilter{MID: 101}, 1},
			{"package and mid", fuelgate.TokenFilter{PackageID: 9, MID: 100}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n, err := s.RevokeTokens(ctx, tt.filter, now)
				must(t, "RevokeTokens", err)
				if n != tt.want {
					t.Fatalf("RevokeTokens(%+v): got %d, want %d", tt.filter, n, tt.want)
				}
			})
		}
		revoked := map[string]bool{"p1-a": true, "p1-b": true, "p1-expired": false, "p1-at-now": false,
			"p1-revoked": true, "p2-a": true, "p2-b": true, "single": true}
		for name, want := range revoked {
			got, err := s.Token(ctx, hash(name))
			must(t, "Token", err)
			if got.Revoked() != want {
				t.Errorf("Token(%s).Revoked(): got %v, want %v", name, got.Revoked(), want)
			}
		}
	})
}

// testUserTokens covers the tokens of web and public apps: the user and
// family they carry, listing the live ones, and revoking by user, family
// and kind.
func testUserTokens(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	now := at(time.Hour)
	mk := func(name string, user int64, family string, kind fuelgate.TokenKind, issued, expires time.Duration) *fuelgate.Token {
		tk := newToken(name, 5, 100, now.Add(expires))
		tk.UserID, tk.Family, tk.Kind, tk.IssuedAt = user, family, kind, now.Add(issued)
		return tk
	}
	tokens := []*fuelgate.Token{
		mk("u1-f1-access", 1, "f1", fuelgate.TokenAccess, -3*time.Minute, 20*time.Minute),
		mk("u1-f1-refresh", 1, "f1", fuelgate.TokenAppRefresh, -4*time.Minute, 30*24*time.Hour),
		mk("u1-f2-refresh", 1, "f2", fuelgate.TokenAppRefresh, -time.Minute, 30*24*time.Hour),
		mk("u1-f3-expired", 1, "f3", fuelgate.TokenAppRefresh, -2*time.Hour, -time.Minute),
		mk("u2-f4-refresh", 2, "f4", fuelgate.TokenAppRefresh, -2*time.Minute, 30*24*time.Hour),
		mk("client", 0, "", fuelgate.TokenAccess, 0, 20*time.Minute),
	}
	for _, tk := range tokens {
		must(t, "CreateToken", s.CreateToken(ctx, tk))
	}
	names := func(list []*fuelgate.Token) []string {
		out := []string{}
		for _, tk := range list {
			for _, want := range tokens {
				if string(want.Hash) == string(tk.Hash) {
					out = append(out, want.ClientID[len("client-"):])
				}
			}
		}
		return out
	}

	t.Run("RoundTrip", func(t *testing.T) {
		got, err := s.Token(ctx, tokens[1].Hash)
		must(t, "Token", err)
		wantEqual(t, "Token", *got, normToken(*tokens[1]))
	})
	t.Run("LiveTokens", func(t *testing.T) {
		_, err := s.LiveTokens(ctx, fuelgate.TokenFilter{PackageID: 5}, now, 10)
		wantCode(t, "LiveTokens(package only)", err, fuelgate.EINVALID)
		tests := []struct {
			name   string
			filter fuelgate.TokenFilter
			limit  int
			want   []string
		}{
			{"user, newest first", fuelgate.TokenFilter{UserID: 1}, 10, []string{"u1-f2-refresh", "u1-f1-access", "u1-f1-refresh"}},
			{"user and kind", fuelgate.TokenFilter{UserID: 1, Kind: fuelgate.TokenAppRefresh}, 10, []string{"u1-f2-refresh", "u1-f1-refresh"}},
			{"limit", fuelgate.TokenFilter{UserID: 1, Kind: fuelgate.TokenAppRefresh}, 1, []string{"u1-f2-refresh"}},
			{"family", fuelgate.TokenFilter{Family: "f1"}, 10, []string{"u1-f1-access", "u1-f1-refresh"}},
			{"other user", fuelgate.TokenFilter{UserID: 2}, 10, []string{"u2-f4-refresh"}},
			{"user and package", fuelgate.TokenFilter{UserID: 2, PackageID: 6}, 10, []string{}},
			{"unknown user", fuelgate.TokenFilter{UserID: 99}, 10, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.LiveTokens(ctx, tt.filter, now, tt.limit)
				must(t, "LiveTokens", err)
				wantEqual(t, "LiveTokens", names(list), tt.want)
			})
		}
	})
	t.Run("RevokeFamily", func(t *testing.T) {
		n, err := s.RevokeTokens(ctx, fuelgate.TokenFilter{Family: "f1"}, now)
		must(t, "RevokeTokens(family)", err)
		if n != 2 {
			t.Fatalf("RevokeTokens(family f1): got %d, want 2", n)
		}
		list, err := s.LiveTokens(ctx, fuelgate.TokenFilter{UserID: 1}, now, 10)
		must(t, "LiveTokens", err)
		wantEqual(t, "LiveTokens after revoking f1", names(list), []string{"u1-f2-refresh"})
	})
	t.Run("RevokeUserKind", func(t *testing.T) {
		n, err := s.RevokeTokens(ctx, fuelgate.TokenFilter{UserID: 1, PackageID: 5, Kind: fuelgate.TokenAppRefresh}, now)
		must(t, "RevokeTokens(user, package, kind)", err)
		if n != 1 {
			t.Fatalf("RevokeTokens(user 1 refresh): got %d, want 1 (u1-f2-refresh)", n)
		}
		for _, name := range []string{"u2-f4-refresh", "client"} {
			got, err := s.Token(ctx, hash(name))
			must(t, "Token", err)
			if got.Revoked() {
				t.Errorf("%s was revoked with another user's tokens", name)
			}
		}
	})
}
