package fuel

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// TokenSource hands out access tokens. Implementations must be safe for
// concurrent use. Unlike golang.org/x/oauth2, every call takes the context
// of the operation that needs the token.
type TokenSource interface {
	Token(ctx context.Context) (*Token, error)
}

// StaticTokenSource returns a source that always returns t, never
// refreshing it: when t expires, the service answers Token Expired. It suits
// a token obtained elsewhere. A Client over it does not retry a refused call
// (the same token would be refused again).
func StaticTokenSource(t *Token) TokenSource {
	return staticSource{t}
}

type staticSource struct{ t *Token }

func (s staticSource) Token(ctx context.Context) (*Token, error) {
	if s.t == nil {
		return nil, configError("StaticTokenSource: nil token")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.t, nil
}

// ReuseTokenSource returns a source that hands out t, and after it tokens
// from src, each until DefaultRefreshMargin before its expiry (at most half
// the token's lifetime, so that short-lived tokens stay usable). A token
// with a zero Expiry never expires. t may be nil. Wrapping a *CachedSource
// does not nest caches: its underlying source is reused.
//
// The clock is time.Now; sources made by ClientCredentials and
// LegacyPackage use their own Now and RefreshMargin.
func ReuseTokenSource(t *Token, src TokenSource) *CachedSource {
	if c, ok := src.(*CachedSource); ok {
		if t == nil {
			return c
		}
		src = c.src
	}
	return newCachedSource(t, src, DefaultRefreshMargin, time.Now)
}

// CachedSource caches the tokens of another source. It hands out a cached
// token until the refresh margin before its expiry, then asks its source for
// a new one. Only one request runs at a time; concurrent callers wait for
// it, each until its own context ends. When the last waiting caller gives
// up, the request is cancelled.
//
// If a refresh fails with a network error or an HTTP 5xx answer while the
// cached token has not expired yet, that token is returned instead of the
// error (the auth service has intermittent outages; the token still works).
//
// A CachedSource is safe for concurrent use.
type CachedSource struct {
	src    TokenSource
	margin time.Duration // >= 0
	now    func() time.Time

	mu        sync.Mutex
	tok       *Token
	refreshAt time.Time // zero: tok never needs replacing
	fl        *flight
}

// flight is one token request in progress.
type flight struct {
	done    chan struct{}
	tok     *Token
	err     error
	waiters int
	cancel  context.CancelFunc
}

func newCachedSource(t *Token, src TokenSource, margin time.Duration, now func() time.Time) *CachedSource {
	s := &CachedSource{src: src, margin: max(margin, 0), now: now}
	if t != nil {
		s.keepLocked(t)
	}
	return s
}

// Token returns a token that is not within the refresh margin of its
// expiry, asking the underlying source when needed.
func (s *CachedSource) Token(ctx context.Context) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.freshLocked() {
		t := s.tok
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

// freshLocked reports a cached token that may be handed out; s.mu is held.
func (s *CachedSource) freshLocked() bool {
	return s.tok != nil && (s.refreshAt.IsZero() || s.now().Before(s.refreshAt))
}

// keepLocked caches t and computes when it is to be replaced: Expiry minus
// the margin, the margin capped at half the token's lifetime (Lifetime, or
// the time left when Lifetime is zero). s.mu is held or s is unshared.
func (s *CachedSource) keepLocked(t *Token) {
	s.tok, s.refreshAt = t, time.Time{}
	if t.Expiry.IsZero() {
		return
	}
	life := t.Lifetime
	if life <= 0 {
		life = t.Expiry.Sub(s.now())
	}
	s.refreshAt = t.Expiry.Add(-min(s.margin, max(life/2, 0)))
}

// startLocked starts a request; s.mu is held. The request runs on a
// context that keeps ctx's values but is cancelled only when every waiter
// has left.
func (s *CachedSource) startLocked(ctx context.Context) *flight {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), cancel: cancel}
	s.fl = f
	go func() {
		defer cancel()
		tok, err := s.src.Token(fctx)
		if err == nil && (tok == nil || tok.AccessToken == "") {
			err = errors.New("fuel: token source returned no token")
		}
		s.mu.Lock()
		if err == nil {
			s.keepLocked(tok)
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
	if t != nil && !t.Expired(s.now()) {
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

// Invalidate drops tok from the cache so that the next Token call asks for
// a new one. It does nothing when the cache already holds another token (a
// concurrent caller refreshed it), so many callers reporting the same
// rejected token cause one refresh. A nil tok drops whatever is cached.
//
// Client calls it when the service refuses a token (a Security fault or
// HTTP 401), then retries once with a new token.
func (s *CachedSource) Invalidate(tok *Token) {
	s.mu.Lock()
	if tok == nil || s.tok == tok {
		s.tok, s.refreshAt = nil, time.Time{}
	}
	s.mu.Unlock()
}
