package fuel

import (
	"context"
	"errors"
	"net"
	"sync"
)

// TokenSource hands out access tokens. Implementations must be safe for
// concurrent use.
type TokenSource interface {
	Token(ctx context.Context) (*Token, error)
}

// fetchFunc obtains one new token for mid. *refresh is the single-use
// legacy refresh token held (empty when none); the function replaces it
// with the one to keep.
type fetchFunc func(ctx context.Context, mid int64, refresh *string) (*Token, error)

// pool holds one CachedSource per MID, all sharing one Config (credentials
// and HTTP client).
type pool struct {
	cfg   Config
	fetch fetchFunc
	err   error // configuration error returned by every Token call

	mu      sync.Mutex
	sources map[int64]*CachedSource
}

func newPool(cfg Config) *pool {
	cfg = cfg.withDefaults()
	p := &pool{cfg: cfg, sources: make(map[int64]*CachedSource)}
	switch err := cfg.validate(); {
	case err != nil:
		p.err = err
	case cfg.userMode():
		p.err = configError("API-user mode (Username set) fetches no tokens")
	case cfg.Legacy:
		p.fetch = p.fetchLegacy
	default:
		p.fetch = p.fetchV2
	}
	return p
}

// source returns the cache for mid, creating it on first use. Legacy tokens
// carry no account_id, so legacy mode keeps a single cache.
func (p *pool) source(mid int64) *CachedSource {
	if p.cfg.Legacy {
		mid = p.cfg.AccountID
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sources[mid]
	if s == nil {
		s = &CachedSource{pool: p, mid: mid}
		p.sources[mid] = s
	}
	return s
}

// CachedSource is the token cache of one business unit (MID). It hands out
// a cached token until the refresh margin before its expiry, then fetches a
// new one. Only one fetch runs at a time; concurrent callers wait for it,
// each until its own context ends. When the last waiting caller gives up,
// the fetch is cancelled.
//
// A CachedSource is safe for concurrent use. Sources for other MIDs that
// share its credentials and HTTP client come from ForAccount.
type CachedSource struct {
	pool *pool
	mid  int64

	mu      sync.Mutex
	tok     *Token
	fl      *flight
	refresh string // legacy single-use refresh token
}

// flight is one token fetch in progress.
type flight struct {
	done    chan struct{}
	tok     *Token
	err     error
	waiters int
	cancel  context.CancelFunc
}

// TokenSource returns a caching source for c.AccountID. Sources for other
// MIDs come from its ForAccount method. Configuration errors are returned
// by Token (wrapping ErrConfig).
func (c Config) TokenSource() *CachedSource {
	return newPool(c).source(c.AccountID)
}

// AccountID returns the MID this source fetches tokens for.
func (s *CachedSource) AccountID() int64 { return s.mid }

// ForAccount returns the source for another business unit. It shares the
// credentials, the HTTP client and the per-MID caches with s: asking twice
// for one MID gives the same source.
func (s *CachedSource) ForAccount(mid int64) *CachedSource {
	return s.pool.source(mid)
}

// Token returns a token that is not within the refresh margin of its
// expiry, fetching one when needed.
//
// If a refresh fails with a network error or an HTTP 5xx answer while the
// cached token has not expired yet, that token is returned instead of the
// error (the auth service has intermittent outages; the token still works).
func (s *CachedSource) Token(ctx context.Context) (*Token, error) {
	if s.pool.err != nil {
		return nil, s.pool.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	margin := s.pool.cfg.margin()
	s.mu.Lock()
	if t := s.tok; t != nil && s.pool.cfg.now().Before(t.refreshAt(margin)) {
		s.mu.Unlock()
		return t, nil
	}
	f := s.fl
	if f == nil {
		f = s.startLocked(ctx)
	}
	f.waiters++
	s.mu.Unlock()

	select {
	case <-f.done:
		if f.err != nil {
			return s.fallback(f.err)
		}
		return f.tok, nil
	case <-ctx.Done():
		s.mu.Lock()
		f.waiters--
		if f.waiters == 0 && s.fl == f {
			s.fl = nil // a later caller starts afresh
			f.cancel()
		}
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

// startLocked starts a fetch; s.mu is held. The fetch runs on a context
// that keeps ctx's values but is cancelled only when every waiter has left.
func (s *CachedSource) startLocked(ctx context.Context) *flight {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), cancel: cancel}
	s.fl = f
	refresh := s.refresh
	go func() {
		defer cancel()
		tok, err := s.pool.fetch(fctx, s.mid, &refresh)
		s.mu.Lock()
		s.refresh = refresh
		if err == nil {
			s.tok = tok
		}
		if s.fl == f {
			s.fl = nil
		}
		f.tok, f.err = tok, err
		s.mu.Unlock()
		close(f.done)
	}()
	return f
}

// fallback returns the cached token after a transient refresh failure if
// it has not expired, else err.
func (s *CachedSource) fallback(err error) (*Token, error) {
	if !transient(err) {
		return nil, err
	}
	s.mu.Lock()
	t := s.tok
	s.mu.Unlock()
	if t != nil && !t.Expired(s.pool.cfg.now()) {
		return t, nil
	}
	return nil, err
}

// transient reports a failure worth riding out with a still-valid token.
func transient(err error) bool {
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	var ne net.Error
	return errors.As(err, &ne) && !errors.Is(err, context.Canceled)
}

// Invalidate drops tok from the cache so that the next Token call fetches a
// new one. It does nothing when the cache already holds another token (a
// concurrent caller refreshed it), so many callers reporting the same
// rejected token cause one refresh. A nil tok drops whatever is cached.
func (s *CachedSource) Invalidate(tok *Token) {
	s.mu.Lock()
	if tok == nil || s.tok == tok {
		s.tok = nil
	}
	s.mu.Unlock()
}
