package auth_test

import (
	"sync"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/server"
)

// observer records what a Service counts, for tests that check which work
// a request did.
type observer struct {
	mu        sync.Mutex
	lookups   map[string]int // cache name → lookups
	throttled map[string]int
	hashes    int
	onHash    func()
}

func (o *observer) TokenIssued(string)  {}
func (o *observer) TokenRefused(string) {}
func (o *observer) Cache(name string, hit bool) {
	o.mu.Lock()
	if o.lookups == nil {
		o.lookups = map[string]int{}
	}
	o.lookups[name]++
	o.mu.Unlock()
}

func (o *observer) SlowHash() {
	o.mu.Lock()
	o.hashes++
	f := o.onHash
	o.mu.Unlock()
	if f != nil {
		f()
	}
}

func (o *observer) slowHashes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hashes
}
func (o *observer) Throttled(limit string) {
	o.mu.Lock()
	if o.throttled == nil {
		o.throttled = map[string]int{}
	}
	o.throttled[limit]++
	o.mu.Unlock()
}

func (o *observer) count(cache string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lookups[cache]
}

func (o *observer) throttles(limit string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.throttled[limit]
}

// newEnvWith starts a real fuelgate with its clock frozen at epoch, the
// default login throttles, and configure applied.
func newEnvWith(t *testing.T, configure func(*server.Config)) *fgtest.Env {
	t.Helper()
	e := fgtest.New(t, fgtest.Options{Configure: configure})
	e.Clock.Set(epoch)
	return e
}
