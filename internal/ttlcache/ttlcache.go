// Package ttlcache is a bounded, concurrency-safe map whose entries expire.
// When it is full, an insert drops expired entries and, if it is still full,
// an arbitrary quarter of the others: memory stays bounded whatever the key
// stream (a flood of garbage tokens or usernames cannot grow it). The caller
// passes the time, so expiry follows whatever clock it injects.
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps string keys to values of type V until their expiry.
type Cache[V any] struct {
	mu  sync.RWMutex
	max int
	m   map[string]item[V]
}

type item[V any] struct {
	v     V
	until time.Time
}

// New returns a cache holding at most size entries (at least 1).
func New[V any](size int) *Cache[V] {
	return &Cache[V]{max: max(size, 1), m: make(map[string]item[V])}
}

// Get returns the live value for key at now.
func (c *Cache[V]) Get(key string, now time.Time) (V, bool) {
	v, _, ok := c.Lookup(key, now)
	return v, ok
}

// Lookup returns the live value for key at now and when it expires.
func (c *Cache[V]) Lookup(key string, now time.Time) (V, time.Time, bool) {
	c.mu.RLock()
	it, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || !now.Before(it.until) {
		var zero V
		return zero, time.Time{}, false
	}
	return it.v, it.until, true
}

// Put stores v under key until until.
func (c *Cache[V]) Put(key string, v V, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		c.evict(now)
	}
	c.m[key] = item[V]{v: v, until: until}
}

func (c *Cache[V]) evict(now time.Time) {
	for k, it := range c.m {
		if !now.Before(it.until) {
			delete(c.m, k)
		}
	}
	drop := len(c.m) - c.max*3/4
	for k := range c.m {
		if drop <= 0 {
			break
		}
		delete(c.m, k)
		drop--
	}
}

// Delete drops key.
func (c *Cache[V]) Delete(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// Clear drops every entry.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// Len is the number of stored entries, expired ones included.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
