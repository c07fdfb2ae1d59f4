package auth

import (
	"context"
	"sync"
)

// flights lets concurrent callers with the same key share one run of a slow
// function (argon2id for the same username and password): the first runs
// it, the others wait for its result.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	ok   bool
	err  error
}

func (f *flights) do(ctx context.Context, key string, fn func() (bool, error)) (bool, error) {
	f.mu.Lock()
	if f.m == nil {
		f.m = map[string]*flight{}
	}
	if fl, ok := f.m[key]; ok {
		f.mu.Unlock()
		select {
		case <-fl.done:
			return fl.ok, fl.err
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	fl := &flight{done: make(chan struct{})}
	f.m[key] = fl
	f.mu.Unlock()
	fl.ok, fl.err = fn()
	f.mu.Lock()
	delete(f.m, key)
	f.mu.Unlock()
	close(fl.done)
	return fl.ok, fl.err
}
