package auth

import (
	"strconv"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// TestCacheBounded: whatever the key stream, the cache never holds more than
// its maximum, expired entries are not returned, and live ones survive a
// flood only as far as the bound allows.
func TestCacheBounded(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c := newCache[int](100)
	c.put("live", 1, now.Add(time.Minute), now)
	if v, ok := c.get("live", now); !ok || v != 1 {
		t.Fatalf("got %d, %t; want 1, true", v, ok)
	}
	if _, ok := c.get("live", now.Add(time.Minute)); ok {
		t.Errorf("got an entry at its expiry, want none")
	}
	for i := range 10000 {
		c.put("garbage"+strconv.Itoa(i), i, now.Add(time.Minute), now)
		if n := c.size(); n > 100 {
			t.Fatalf("after %d inserts: got %d entries, want at most 100", i+1, n)
		}
	}
	c.put("x", 1, now.Add(time.Second), now)
	c.del("x")
	if _, ok := c.get("x", now); ok {
		t.Errorf("got a deleted entry")
	}
	c.clear()
	if n := c.size(); n != 0 {
		t.Errorf("after clear: got %d entries, want 0", n)
	}
}

// TestCacheEvictsExpiredFirst: a full cache drops expired entries before live ones.
func TestCacheEvictsExpiredFirst(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c := newCache[int](10)
	for i := range 9 {
		c.put("old"+strconv.Itoa(i), i, now.Add(time.Second), now)
	}
	c.put("keep", 42, now.Add(time.Hour), now)
	later := now.Add(time.Minute)
	c.put("new", 1, later.Add(time.Hour), later)
	for _, k := range []string{"keep", "new"} {
		if _, ok := c.get(k, later); !ok {
			t.Errorf("live entry %q evicted while expired ones were present", k)
		}
	}
	if n := c.size(); n != 2 {
		t.Errorf("got %d entries, want 2 (the expired ones evicted)", n)
	}
}

func TestPrincipal(t *testing.T) {
	user := &Principal{Kind: PrincipalUser, MID: 1, User: &fuelgate.User{Username: "u", DefaultMID: 1, MIDs: []int64{1, 2}},
		Perms: map[string]bool{"p": true}}
	token := &Principal{Kind: PrincipalToken, MID: 2, ClientID: "c", Scopes: []string{"users_read"}}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"user acts in the default BU", user.CanActIn(1), true},
		{"user acts in an associated BU", user.CanActIn(2), true},
		{"user does not act elsewhere", user.CanActIn(3), false},
		{"token acts in its MID", token.CanActIn(2), true},
		{"token does not act in another MID", token.CanActIn(1), false},
		{"user with the permission", user.Allowed("users_write", "p"), true},
		{"user without the permission", user.Allowed("users_read", "q"), false},
		{"user, no requirement", user.Allowed("", ""), true},
		{"token with the scope", token.Allowed("users_read", "q"), true},
		{"token without the scope", token.Allowed("users_write", "p"), false},
		{"token, no scope required", token.Allowed("", "p"), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %t, want %t", tt.name, tt.got, tt.want)
		}
	}
	if user.Name() != "user:u" || token.Name() != "client:c" {
		t.Errorf("got names %q %q, want user:u client:c", user.Name(), token.Name())
	}
}

// size is the number of entries, expired ones included.
func (c *cache[V]) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
