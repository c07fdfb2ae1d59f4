// Package throttle slows down repeated failures (client authentication,
// password logins) and rate-limits events (token issuance): token buckets
// per key (a client ID, a source address, a username key, a package),
// refilled over time, in a bounded table. With Blocked and Fail only
// failures spend tokens, so a caller who authenticates correctly is never
// slowed by somebody else's failures; with Allow every event spends one.
// Nothing is ever locked for good: buckets refill.
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
	lim      *rate.Limiter
	used     time.Time
	inflight int // attempts begun and not ended (see Begin)
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

// Begin starts an attempt of key whose outcome is not known yet. It is
// refused, with the wait until it would not be, when the failures of key
// have used up the allowance — and, once they have used up half of it,
// when they would with every attempt in flight counted as one more: so a
// flood of concurrent attempts cannot all pass a check that each alone
// would pass, while a key with few failures (a client that keeps
// succeeding) may have any number of attempts in flight. Otherwise the
// caller must call end once the outcome is known; a failure spends from
// the bucket, a success spends nothing.
func (l *Limiter) Begin(key string) (end func(failed bool), ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	b := l.bucket(key, now)
	tokens := b.lim.TokensAt(now)
	if tokens < 1 || (tokens <= float64(l.cfg.Burst)/2 && tokens-float64(b.inflight) < 1) {
		r := b.lim.ReserveN(now, b.inflight+1)
		wait = r.DelayFrom(now)
		r.CancelAt(now)
		return nil, false, max(wait, time.Millisecond)
	}
	b.inflight++
	return func(failed bool) {
		l.mu.Lock()
		defer l.mu.Unlock()
		b.inflight--
		if failed {
			b.lim.AllowN(l.cfg.Now(), 1)
		}
	}, true, 0
}

// Fail spends one failure of key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	l.bucket(key, now).lim.AllowN(now, 1)
}

// Allow spends one event of key if one is left; otherwise it reports false
// and how long until one is. It is the rate limit of events that are all
// counted, not only failures.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	b := l.bucket(key, now)
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	r := b.lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return false, wait
}

// bucket returns key's bucket, created full when missing, marked used at now.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.cfg.MaxKeys {
			l.evict()
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.cfg.Every), l.cfg.Burst)}
		l.buckets[key] = b
	}
	b.used = now
	return b
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
