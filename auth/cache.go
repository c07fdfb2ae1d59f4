package auth

import (
	"sync"
	"time"
)

// cache is a bounded map with per-entry expiry. When full, an insert evicts
// expired entries and, if still full, an arbitrary quarter of the entries:
// memory stays bounded whatever the key stream (e.g. a flood of garbage tokens).
type cache[V any] struct {
	mu  sync.RWMutex
	max int
	m   map[string]cacheItem[V]
}

type cacheItem[V any] struct {
	v     V
	until time.Time
}

func newCache[V any](max int) *cache[V] {
	return &cache[V]{max: max, m: make(map[string]cacheItem[V])}
}

func (c *cache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.RLock()
	it, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || !now.Before(it.until) {
		var zero V
		return zero, false
	}
	return it.v, true
}

func (c *cache[V]) put(key string, v V, until time.Time, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		c.evict(now)
	}
	c.m[key] = cacheItem[V]{v: v, until: until}
}

func (c *cache[V]) evict(now time.Time) {
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

func (c *cache[V]) del(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

func (c *cache[V]) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
