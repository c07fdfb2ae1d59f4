package bench

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// recorder keeps every latency per connection (no locking on the hot path).
type recorder struct {
	per      [][]time.Duration
	count    atomic.Int64
	errs     atomic.Int64
	firstErr atomic.Value
}

func newRecorder(conns int) *recorder {
	r := &recorder{per: make([][]time.Duration, conns)}
	for i := range r.per {
		r.per[i] = make([]time.Duration, 0, 1<<14)
	}
	return r
}

func (r *recorder) add(conn int, d time.Duration, err error) {
	r.per[conn] = append(r.per[conn], d)
	r.count.Add(1)
	if err != nil {
		r.errs.Add(1)
		r.firstErr.CompareAndSwap(nil, err.Error())
	}
}

func (r *recorder) result(name string, conns int, elapsed time.Duration) *Result {
	var all []time.Duration
	for _, p := range r.per {
		all = append(all, p...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(float64(len(all))*p))]
	}
	res := &Result{Scenario: name, Connections: conns, Duration: elapsed, Requests: int64(len(all)),
		Errors: r.errs.Load(), RPS: float64(len(all)) / elapsed.Seconds(), P50: pct(0.50), P90: pct(0.90), P99: pct(0.99)}
	if e, ok := r.firstErr.Load().(string); ok {
		res.FirstError = e
	}
	return res
}

// progress prints a live line every second until the returned stop is called.
func progress(w io.Writer, name string, r *recorder, total time.Duration) (stop func()) {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	start := time.Now()
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprintf(w, "\r%-60s\r", "")
				return
			case <-t.C:
				el := time.Since(start)
				fmt.Fprintf(w, "\r%-12s %5.0fs/%.0fs  %8d req  %8.0f req/s  %d errors   ",
					name, el.Seconds(), total.Seconds(), r.count.Load(), float64(r.count.Load())/el.Seconds(), r.errs.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
