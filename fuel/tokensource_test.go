package fuel_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
)

// memSource is an in-memory TokenSource issuing "t1", "t2", … that expire
// life after issue on the clock of the synctest bubble it runs in.
type memSource struct {
	life time.Duration

	mu        sync.Mutex
	requests  int
	err       error         // returned instead of a token when set
	gate      chan struct{} // when set, each request waits for it to close
	cancelled int           // requests whose context ended while waiting
}

func (s *memSource) Token(ctx context.Context) (*fuel.Token, error) {
	s.mu.Lock()
	s.requests++
	n, err, gate := s.requests, s.err, s.gate
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			s.mu.Lock()
			s.cancelled++
			s.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return &fuel.Token{AccessToken: fmt.Sprintf("t%d", n), Expiry: time.Now().Add(s.life), Lifetime: s.life}, nil
}

func (s *memSource) set(f func(s *memSource)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func (s *memSource) counts() (requests, cancelled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.cancelled
}

func mustToken(t *testing.T, src fuel.TokenSource) *fuel.Token {
	t.Helper()
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return tok
}

// TestReuseMargin checks when ReuseTokenSource replaces a token: from the
// default margin before expiry, or half the lifetime when that is shorter.
// The bubble's fake clock moves only by time.Sleep.
func TestReuseMargin(t *testing.T) {
	tests := []struct {
		name      string
		life      time.Duration
		at        time.Duration // after the first token arrived
		wantFetch bool
	}{
		{"well before the margin", 1079 * time.Second, time.Minute, false},
		{"1 ms before the margin", 1079 * time.Second, (1079-300)*time.Second - time.Millisecond, false},
		{"at the margin", 1079 * time.Second, (1079 - 300) * time.Second, true},
		{"after expiry", 1079 * time.Second, 2 * time.Hour, true},
		{"5 s token uses half its life, before", 5 * time.Second, 2499 * time.Millisecond, false},
		{"5 s token uses half its life, at", 5 * time.Second, 2500 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &memSource{life: tt.life}
				c := fuel.ReuseTokenSource(nil, src)
				first := mustToken(t, c)
				time.Sleep(tt.at)
				tok := mustToken(t, c)
				requests, _ := src.counts()
				if got := requests == 2; got != tt.wantFetch {
					t.Errorf("refreshed = %v, want %v", got, tt.wantFetch)
				}
				if (tok != first) != tt.wantFetch {
					t.Errorf("handed out %v, first was %v", tok, first)
				}
			})
		})
	}
}

// TestReuseTokensWithoutLifetime: a token without Lifetime has its margin
// capped at half the time it had left when cached; a zero Expiry never
// expires.
func TestReuseTokensWithoutLifetime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &memSource{}
		start := &fuel.Token{AccessToken: "given", Expiry: time.Now().Add(10 * time.Second)}
		c := fuel.ReuseTokenSource(start, src)
		time.Sleep(5*time.Second - time.Millisecond)
		if tok := mustToken(t, c); tok != start {
			t.Errorf("before half its time: got %v, want the given token", tok)
		}
		time.Sleep(time.Millisecond)
		if tok := mustToken(t, c); tok == start {
			t.Error("at half its time: still the given token, want a new one")
		}

		forever := fuel.ReuseTokenSource(&fuel.Token{AccessToken: "forever"}, src)
		time.Sleep(1000 * time.Hour)
		if tok := mustToken(t, forever); tok.AccessToken != "forever" {
			t.Errorf("zero Expiry: got %v, want the token kept", tok)
		}
		if n, _ := src.counts(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

// TestReuseDoesNotNest: wrapping a CachedSource reuses it when no token is
// given and otherwise asks its underlying source, not its cache.
func TestReuseDoesNotNest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &memSource{life: time.Hour}
		inner := fuel.ReuseTokenSource(nil, src)
		if fuel.ReuseTokenSource(nil, inner) != inner {
			t.Error("ReuseTokenSource(nil, c) wrapped c, want c itself")
		}
		cached := mustToken(t, inner) // t1, fresh in inner's cache
		expired := &fuel.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Second)}
		outer := fuel.ReuseTokenSource(expired, inner)
		tok := mustToken(t, outer)
		if tok == cached || tok.AccessToken != "t2" {
			t.Errorf("got %v, want a new token from the underlying source (t2), not inner's cached %v", tok, cached)
		}
	})
}

// TestReuseOneRequest: 200 callers on a cold cache wait for one request and
// share its token.
func TestReuseOneRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		src := &memSource{life: time.Hour, gate: gate}
		c := fuel.ReuseTokenSource(nil, src)
		const n = 200
		toks := make([]*fuel.Token, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { toks[i], errs[i] = c.Token(context.Background()) })
		}
		synctest.Wait() // every caller is blocked: waiting for the one request
		if requests, _ := src.counts(); requests != 1 {
			t.Fatalf("%d requests with %d callers waiting, want 1", requests, n)
		}
		close(gate)
		wg.Wait()
		for i := range n {
			if errs[i] != nil || toks[i] != toks[0] {
				t.Fatalf("caller %d: %v, %v; want the shared %v", i, toks[i], errs[i], toks[0])
			}
		}
		if requests, _ := src.counts(); requests != 1 {
			t.Errorf("%d requests, want 1", requests)
		}
	})
}

// TestReuseCancel: a request outlives callers that give up while another
// still waits, and is cancelled when the last one leaves.
func TestReuseCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		src := &memSource{life: time.Hour, gate: gate}
		c := fuel.ReuseTokenSource(nil, src)
		ctx1, cancel1 := context.WithCancel(context.Background())
		ctx2, cancel2 := context.WithCancel(context.Background())
		errs := make(chan error, 2)
		go func() { _, err := c.Token(ctx1); errs <- err }()
		go func() { _, err := c.Token(ctx2); errs <- err }()
		synctest.Wait()

		cancel1()
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("first caller: err = %v, want context.Canceled", err)
		}
		synctest.Wait()
		if _, cancelled := src.counts(); cancelled != 0 {
			t.Fatal("the request was cancelled while a caller still waited for it")
		}
		cancel2()
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("second caller: err = %v, want context.Canceled", err)
		}
		synctest.Wait()
		if _, cancelled := src.counts(); cancelled != 1 {
			t.Fatal("the request went on after its last caller left")
		}

		// A later caller starts afresh.
		close(gate)
		if tok := mustToken(t, c); tok.AccessToken != "t2" {
			t.Errorf("after the cancelled request: %v, want t2 from a new request", tok)
		}
	})
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestReuseTransientFailure: a network error or a 5xx during a refresh
// returns the cached token while it has not expired; a refusal (4xx) is
// always returned.
func TestReuseTransientFailure(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		at        time.Duration
		wantToken bool
	}{
		{"503 inside the margin", &fuel.AuthError{StatusCode: 503}, 57 * time.Minute, true},
		{"network error inside the margin", fmt.Errorf("fuel: token request: %w", timeoutError{}), 57 * time.Minute, true},
		{"503 after expiry", &fuel.AuthError{StatusCode: 503}, time.Hour, false},
		{"401 inside the margin", &fuel.AuthError{StatusCode: 401, Code: "invalid_client"}, 57 * time.Minute, false},
		{"cancelled", context.Canceled, 57 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &memSource{life: time.Hour}
				c := fuel.ReuseTokenSource(nil, src)
				first := mustToken(t, c)
				src.set(func(s *memSource) { s.err = tt.err })
				time.Sleep(tt.at)
				tok, err := c.Token(context.Background())
				if tt.wantToken && (err != nil || tok != first) {
					t.Errorf("got %v, %v; want the cached token", tok, err)
				}
				if !tt.wantToken && (tok != nil || !errors.Is(err, tt.err)) {
					t.Errorf("got %v, %v; want the error", tok, err)
				}
			})
		})
	}
}

func TestInvalidate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &memSource{life: time.Hour}
		c := fuel.ReuseTokenSource(nil, src)
		old := mustToken(t, c)
		c.Invalidate(old)
		fresh := mustToken(t, c)
		if fresh == old {
			t.Fatal("Invalidate kept the token")
		}
		c.Invalidate(old) // a late report about the old token: the fresh one stays
		if tok := mustToken(t, c); tok != fresh {
			t.Errorf("Invalidate(old) dropped the newer token")
		}
		if n, _ := src.counts(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
}

type nilSource struct{}

func (nilSource) Token(context.Context) (*fuel.Token, error) { return nil, nil }

func TestReuseSourceWithoutToken(t *testing.T) {
	if _, err := fuel.ReuseTokenSource(nil, nilSource{}).Token(context.Background()); err == nil {
		t.Error("a source answering (nil, nil): no error, want one")
	}
}

func TestStaticTokenSource(t *testing.T) {
	tok := &fuel.Token{AccessToken: "fixed", Expiry: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	src := fuel.StaticTokenSource(tok)
	for range 2 {
		if got := mustToken(t, src); got != tok {
			t.Errorf("got %v, want the given (expired) token", got)
		}
	}
	if _, err := fuel.StaticTokenSource(nil).Token(context.Background()); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("nil token: err = %v, want ErrConfig", err)
	}
}
