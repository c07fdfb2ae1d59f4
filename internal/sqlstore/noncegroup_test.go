package sqlstore

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestNonceGroupRecord: a group of calls is recorded with one RecordNonces
// call, distinct pairs only and sorted; each caller gets its own pair's
// outcome, and of calls with one pair only the first is fresh.
func TestNonceGroupRecord(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, "CREATE TABLE nonces (user_id INTEGER, nonce_hash BLOB, expires_at INTEGER, PRIMARY KEY (user_id, nonce_hash))")
	var groups [][]string
	recordNonces := func(ctx context.Context, uses []NonceUse, now int64) error {
		var keys []string
		for i, u := range uses {
			keys = append(keys, u.Key())
			res, err := db.ExecContext(ctx, `INSERT INTO nonces (user_id, nonce_hash, expires_at) VALUES ($1, $2, $3)
				ON CONFLICT (user_id, nonce_hash) DO UPDATE SET expires_at = excluded.expires_at
				WHERE nonces.expires_at < $4`, u.UserID, u.Hash, u.Expires, now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			uses[i].Fresh = n > 0
		}
		groups = append(groups, keys)
		return nil
	}
	s := New(db, Dialect{Name: "sqlite", SerializeWrites: true, RecordNonces: recordNonces})
	defer s.Close()
	now := Micros(time.Now())
	far := now + 1e12
	if _, err := db.ExecContext(ctx, "INSERT INTO nonces VALUES (2, $1, $2)", []byte("old"), far); err != nil {
		t.Fatal(err)
	}
	calls := []*nonceCall{
		{use: NonceUse{UserID: 2, Hash: []byte("b"), Now: now, Expires: far}},
		{use: NonceUse{UserID: 1, Hash: []byte("a"), Now: now, Expires: far}},
		{use: NonceUse{UserID: 2, Hash: []byte("old"), Now: now, Expires: far}}, // recorded before
		{use: NonceUse{UserID: 1, Hash: []byte("a"), Now: now, Expires: far}},   // a replay within the group
		{use: NonceUse{UserID: 3, Hash: []byte("a"), Now: now, Expires: far}},
	}
	for _, c := range calls {
		c.done = make(chan struct{})
	}
	s.nonces.record(ctx, s, calls)
	var got []bool
	for i, c := range calls {
		select {
		case <-c.done:
		default:
			t.Fatalf("call %d not answered", i)
		}
		if c.err != nil {
			t.Fatalf("call %d: %v", i, c.err)
		}
		got = append(got, c.use.Fresh)
	}
	if want := []bool{true, true, false, false, true}; !slices.Equal(got, want) {
		t.Errorf("fresh = %v, want %v", got, want)
	}
	want := [][]string{{"1:a", "2:b", "2:old", "3:a"}}
	if len(groups) != 1 || !slices.Equal(groups[0], want[0]) {
		t.Errorf("RecordNonces calls %q, want one with the distinct pairs sorted: %q", groups, want)
	}
}

// TestNonceGroupGathers: calls made while a caller collects wait for it,
// and one RecordNonces call records them all, each caller learning whether its
// own nonce was fresh.
func TestNonceGroupGathers(t *testing.T) {
	db := openSQLite(t, "CREATE TABLE nonces (user_id INTEGER, nonce_hash BLOB, expires_at INTEGER, PRIMARY KEY (user_id, nonce_hash))")
	var statements int
	s := New(db, Dialect{Name: "sqlite", SerializeWrites: true, RecordNonces: func(ctx context.Context, uses []NonceUse, now int64) error {
		statements++ // one collector at a time
		for i := range uses {
			uses[i].Fresh = uses[i].Hash[0]%2 == 0 // even nonces fresh: the answer must reach the right caller
		}
		return nil
	}})
	defer s.Close()
	g := s.nonces
	g.join(&nonceCall{use: NonceUse{UserID: 2, Hash: []byte{0}}, done: make(chan struct{})}) // this test collects
	const n = 40
	fresh := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			fresh[i], errs[i] = s.UseNonce(context.Background(), 1, []byte{byte(i)}, time.Now(), time.Now().Add(time.Minute))
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		queued := len(g.pending)
		g.mu.Unlock()
		if queued == n+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued after 10s, want %d", queued, n+1)
		}
		runtime.Gosched()
	}
	g.collect(context.Background(), s)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || fresh[i] != (i%2 == 0) {
			t.Errorf("nonce %d: fresh %v (%v), want %v", i, fresh[i], errs[i], i%2 == 0)
		}
	}
	if statements != 1 {
		t.Errorf("%d gathered calls made %d RecordNonces calls, want 1", n+1, statements)
	}
}
