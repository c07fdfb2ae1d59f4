// Package throttle slows down repeated failed client authentication: token
// buckets per client ID and per source address, refilled over time, in a
// bounded table. Only failures spend tokens, so a client that authenticates
// correctly is never slowed by somebody else's failures, and nothing is ever
// locked for good.
package throttle

import (
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config sets the limits. Zero values select the defaults.
type Config struct {
	// Burst failures are allowed at once per key, then one every Every.
	Burst int           // default 10
	Every time.Duration // default 6s (10 a minute)
	// MaxKeys bounds the table; the oldest half is dropped when it is full.
	MaxKeys int // default 100000
	Now     func() time.Time
}

// Limiter tracks failures per key.
type Limiter struct {
	cfg     Config
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// New returns a Limiter.
func New(cfg Config) *Limiter {
	if cfg.Burst == 0 {
		cfg.Burst = 10
	}
	if cfg.Every == 0 {
		cfg.Every = 6 * time.Second
	}
	if cfg.MaxKeys == 0 {
		cfg.MaxKeys = 100000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, buckets: map[string]*bucket{}}
}

// Blocked reports whether key has no failures left, and how long until it has one.
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return false, 0
	}
	now := l.cfg.Now()
	if b.lim.TokensAt(now) >= 1 {
		return false, 0
	}
	r := b.lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return true, wait
}

// Fail spends one failure of key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.cfg.MaxKeys {
			l.evict()
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.cfg.Every), l.cfg.Burst)}
		l.buckets[key] = b
	}
	b.used = now
	b.lim.AllowN(now, 1)
}

// evict drops the least recently used half of the table.
func (l *Limiter) evict() {
	times := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		times = append(times, b.used)
	}
	slices.SortFunc(times, time.Time.Compare)
	cutoff := times[len(times)/2]
	for k, b := range l.buckets {
		if !b.used.After(cutoff) {
			delete(l.buckets, k)
		}
	}
}

// Len is the number of keys tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
