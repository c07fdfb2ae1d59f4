package server

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestSoftMemoryLimitFollowsLiveHeap: with a live heap far above the base
// limit, the limit rises to keep room above it, so that allocating garbage
// costs a handful of collections instead of one after nearly every
// allocation; when the live heap is gone the limit returns to the base.
func TestSoftMemoryLimitFollowsLiveHeap(t *testing.T) {
	oldGC := debug.SetGCPercent(300)
	defer debug.SetGCPercent(oldGC)
	defer debug.SetMemoryLimit(math.MaxInt64)
	const base = 8 << 20
	stop := SoftMemoryLimit(base)
	defer stop()

	live := make([][]byte, 64) // 64 MiB live: eight times the base limit
	for i := range live {
		live[i] = make([]byte, 1<<20)
		for j := range live[i] {
			live[i][j] = byte(j)
		}
	}
	runtime.GC()
	runtime.GC() // the finalizers of the first collection ran: the limit follows
	if got := debug.SetMemoryLimit(-1); got < 64<<20 {
		t.Errorf("limit with 64 MiB live: %d MiB, want at least the live heap", got>>20)
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var sink []byte
	for range 4096 { // 256 MiB of garbage, 64 KiB at a time
		sink = make([]byte, 64<<10)
	}
	_ = sink
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if n := after.NumGC - before.NumGC; n > 16 {
		t.Errorf("256 MiB of garbage over a 64 MiB live heap took %d collections, want a handful (no death spiral)", n)
	}
	runtime.KeepAlive(live)
	live = nil
	runtime.GC()
	runtime.GC()
	runtime.GC()
	if got := debug.SetMemoryLimit(-1); got != base {
		t.Errorf("limit after the live heap is gone: %d MiB, want the base %d MiB", got>>20, base>>20)
	}
}
