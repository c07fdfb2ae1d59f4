package server

import (
	"runtime"
	"runtime/debug"
	runtimemetrics "runtime/metrics"
	"sync/atomic"
)

// SoftMemoryLimit sets the Go runtime's soft memory limit to base, and from
// then on keeps it above the live heap: after every collection the limit
// becomes the larger of base and twice the live heap (the room the
// collector's default GOGC of 100 would leave). A fixed limit below the
// live heap makes the collector run back to back, and its scavenger return
// memory that is then faulted in again: a death spiral that burns the CPU
// while the server does nothing. Raising the limit with the heap keeps the
// collector's pace that of GOGC instead; the limit comes back down to base
// when the live heap shrinks. It returns a function that stops the
// adjustment (the limit then stays as it is).
func SoftMemoryLimit(base int64) (stop func()) {
	debug.SetMemoryLimit(base)
	t := &memoryTuner{base: base, sample: []runtimemetrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.arm()
	return func() { t.stopped.Store(true) }
}

// memoryTuner adjusts the limit once per collection: a sentinel object with
// a finalizer is unreachable as soon as it is made, so each collection runs
// its finalizer, which adjusts and makes the next sentinel.
type memoryTuner struct {
	base    int64
	limit   int64
	sample  []runtimemetrics.Sample
	stopped atomic.Bool
}

type sentinel struct{ t *memoryTuner }

func (t *memoryTuner) arm() {
	s := &sentinel{t: t}
	runtime.SetFinalizer(s, func(s *sentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.adjust()
		s.t.arm()
	})
}

func (t *memoryTuner) adjust() {
	runtimemetrics.Read(t.sample)
	if t.sample[0].Value.Kind() != runtimemetrics.KindUint64 {
		return
	}
	live := int64(t.sample[0].Value.Uint64())
	limit := max(t.base, 2*live)
	if t.limit == 0 || limit > t.limit+t.limit/8 || limit < t.limit-t.limit/8 {
		t.limit = limit
		debug.SetMemoryLimit(limit)
	}
}
