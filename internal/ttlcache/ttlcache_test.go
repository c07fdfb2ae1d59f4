package ttlcache

import (
	"strconv"
	"testing"
	"time"
)

// TestBounded: whatever the key stream, the cache never holds more than its
// maximum, expired entries are not returned, deleted and cleared ones are gone.
func TestBounded(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c := New[int](100)
	c.Put("live", 1, now.Add(time.Minute), now)
	if v, ok := c.Get("live", now); !ok || v != 1 {
		t.Fatalf("got %d, %t; want 1, true", v, ok)
	}
	if v, until, ok := c.Lookup("live", now); !ok || v != 1 || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("Lookup = %d, %v, %t; want 1, %v, true", v, until, ok, now.Add(time.Minute))
	}
	if _, ok := c.Get("live", now.Add(time.Minute)); ok {
		t.Errorf("got an entry at its expiry, want none")
	}
	for i := range 10000 {
		c.Put("garbage"+strconv.Itoa(i), i, now.Add(time.Minute), now)
		if n := c.Len(); n > 100 {
			t.Fatalf("after %d inserts: got %d entries, want at most 100", i+1, n)
		}
	}
	c.Put("x", 1, now.Add(time.Second), now)
	c.Delete("x")
	if _, ok := c.Get("x", now); ok {
		t.Errorf("got a deleted entry")
	}
	c.Clear()
	if n := c.Len(); n != 0 {
		t.Errorf("after Clear: got %d entries, want 0", n)
	}
}

// TestEvictsExpiredFirst: a full cache drops expired entries before live ones.
func TestEvictsExpiredFirst(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c := New[int](10)
	for i := range 9 {
		c.Put("old"+strconv.Itoa(i), i, now.Add(time.Second), now)
	}
	c.Put("keep", 42, now.Add(time.Hour), now)
	later := now.Add(time.Minute)
	c.Put("new", 1, later.Add(time.Hour), later)
	for _, k := range []string{"keep", "new"} {
		if _, ok := c.Get(k, later); !ok {
			t.Errorf("live entry %q evicted while expired ones were present", k)
		}
	}
	if n := c.Len(); n != 2 {
		t.Errorf("got %d entries, want 2 (the expired ones evicted)", n)
	}
}
