package auth

import "sync"

// writes counts the writes a Service makes in the background, so that
// Settle can wait for them. Unlike a sync.WaitGroup it may gain a write
// while somebody waits: the failure-audit window's timer starts writes on
// its own schedule, concurrently with any Settle.
type writes struct {
	mu   sync.Mutex
	n    int
	idle *sync.Cond // signalled when n drops to 0
}

// start counts one more write in progress.
func (w *writes) start() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
}

// done counts one write finished.
func (w *writes) done() {
	w.mu.Lock()
	w.n--
	if w.n == 0 && w.idle != nil {
		w.idle.Broadcast()
	}
	w.mu.Unlock()
}

// wait returns when no write is in progress.
func (w *writes) wait() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.idle == nil {
		w.idle = sync.NewCond(&w.mu)
	}
	for w.n > 0 {
		w.idle.Wait()
	}
}
