package storetest

import (
	"sync"
	"testing"
	"time"
)

func testNonces(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	// Nonce expiry is judged by the time the caller passes, never by the
	// machine's clock: base lies in the past.
	now, future := at(0), at(time.Hour)

	t.Run("Replay", func(t *testing.T) {
		tests := []struct {
			name  string
			user  int64
			nonce string
			want  bool
		}{
			{"fresh", 1, "n1", true},
			{"replay", 1, "n1", false},
			{"other user", 2, "n1", true},
			{"other nonce", 1, "n2", true},
			{"replay other user", 2, "n1", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.UseNonce(ctx, tt.user, hash(tt.nonce), now, future)
				must(t, "UseNonce", err)
				if got != tt.want {
					t.Fatalf("UseNonce(%d, %s): got %v, want %v", tt.user, tt.nonce, got, tt.want)
				}
			})
		}
	})
	t.Run("ExpiredCountsAsFresh", func(t *testing.T) {
		steps := []struct {
			name         string
			now, expires time.Time
			want         bool
		}{
			{"record already expired", now, at(-time.Hour), true},
			{"reuse after expiry", now, future, true},
			{"replay", now, future, false},
			{"replay at the expiry", future, future, false},
			{"after the expiry", future.Add(time.Microsecond), future.Add(time.Hour), true},
			{"replay of the renewed record", future.Add(time.Minute), future.Add(time.Hour), false},
		}
		for _, st := range steps {
			got, err := s.UseNonce(ctx, 3, hash("n-expired"), st.now, st.expires)
			must(t, "UseNonce", err)
			if got != st.want {
				t.Fatalf("%s: got %v, want %v", st.name, got, st.want)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		const goroutines = 16
		var wg sync.WaitGroup
		results := make(chan bool, goroutines)
		errs := make(chan error, goroutines)
		for range goroutines {
			wg.Go(func() {
				ok, err := s.UseNonce(ctx, 4, hash("n-race"), now, future)
				if err != nil {
					errs <- err
				}
				results <- ok
			})
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Fatalf("UseNonce: %v", err)
		}
		fresh := 0
		for ok := range results {
			if ok {
				fresh++
			}
		}
		if fresh != 1 {
			t.Fatalf("concurrent UseNonce: got %d fresh, want 1", fresh)
		}
	})
	t.Run("DeleteExpired", func(t *testing.T) {
		s := open(t)
		cut := at(10 * time.Hour)
		for _, n := range []struct {
			nonce   string
			expires time.Time
		}{{"before", cut.Add(-time.Microsecond)}, {"at", cut}, {"after", cut.Add(time.Second)}} {
			ok, err := s.UseNonce(ctx, 5, hash(n.nonce), now, n.expires)
			must(t, "UseNonce", err)
			if !ok {
				t.Fatalf("UseNonce(%s): got false, want true", n.nonce)
			}
		}
		n, err := s.DeleteNoncesExpiredBefore(ctx, cut)
		must(t, "DeleteNoncesExpiredBefore", err)
		if n != 1 {
			t.Fatalf("DeleteNoncesExpiredBefore: got %d deleted, want 1", n)
		}
		tests := []struct {
			nonce string
			want  bool
		}{{"before", true}, {"at", false}, {"after", false}}
		for _, tt := range tests {
			got, err := s.UseNonce(ctx, 5, hash(tt.nonce), now, future)
			must(t, "UseNonce", err)
			if got != tt.want {
				t.Fatalf("UseNonce(%s) after sweep: got %v, want %v", tt.nonce, got, tt.want)
			}
		}
	})
}
