package postgres_test

import (
	"testing"
	"time"
)

// TestNonceGroupAfterError: a nonce group whose transaction fails (here a
// NULL hash) reports the error, and the connection it failed on, left in
// the aborted transaction, is not used again: on a one-connection pool the
// next nonce is recorded.
func TestNonceGroupAfterError(t *testing.T) {
	d := newTestDB(t)
	s := open(t, withPoolSize(d.schema(t), 1))
	ctx := t.Context()
	expires := time.Now().Add(time.Hour)
	if _, err := s.UseNonce(ctx, 1, nil, time.Now(), expires); err == nil {
		t.Fatal("UseNonce with a NULL hash succeeded, want an error")
	}
	for i, want := range []bool{true, false} {
		fresh, err := s.UseNonce(ctx, 1, hash("after-error"), time.Now(), expires)
		if err != nil || fresh != want {
			t.Fatalf("UseNonce %d after the failed group: %v, %v; want %v", i+1, fresh, err, want)
		}
	}
}
