package throttle

import (
	"strconv"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestFailuresBlockThenRefill(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := New(Config{Burst: 3, Every: 10 * time.Second, Now: c.now})
	for i := range 3 {
		if blocked, _ := l.Blocked("client:a"); blocked {
			t.Fatalf("blocked after %d failures, want 3 allowed", i)
		}
		l.Fail("client:a")
	}
	blocked, wait := l.Blocked("client:a")
	if !blocked || wait <= 0 || wait > 10*time.Second {
		t.Fatalf("after 3 failures Blocked = %v, %v; want true with a wait ≤ 10s", blocked, wait)
	}
	if blocked, _ := l.Blocked("client:b"); blocked {
		t.Fatal("another key is blocked by a's failures")
	}
	c.t = c.t.Add(10 * time.Second)
	if blocked, _ := l.Blocked("client:a"); blocked {
		t.Fatal("still blocked after the refill interval: throttling must never lock for good")
	}
}

func TestTableIsBounded(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := New(Config{MaxKeys: 100, Now: c.now})
	for i := range 1000 {
		c.t = c.t.Add(time.Millisecond)
		l.Fail("ip:" + strconv.Itoa(i))
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("Len = %d, want at most 100", n)
	}
}

func TestAllowRateLimits(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := New(Config{Burst: 2, Every: time.Second, Now: c.now})
	for i := range 2 {
		if ok, _ := l.Allow("pkg:1"); !ok {
			t.Fatalf("event %d refused, want a burst of 2 allowed", i+1)
		}
	}
	ok, wait := l.Allow("pkg:1")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("third event: Allow = %v, %v; want false with a wait ≤ 1s", ok, wait)
	}
	if ok, _ := l.Allow("pkg:2"); !ok {
		t.Fatal("another key is limited by pkg:1's events")
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := l.Allow("pkg:1"); !ok {
		t.Fatal("refused after the refill interval")
	}
}

// TestBeginCountsAttemptsInFlight: once half the allowance is spent,
// attempts in flight count against it, so concurrent attempts cannot all
// pass; a key without failures may have any number in flight; a success
// spends nothing, a failure one.
func TestBeginCountsAttemptsInFlight(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := New(Config{Burst: 4, Every: 10 * time.Second, Now: c.now})
	var ends []func(bool)
	for i := range 50 { // no failure yet: concurrency is not limited
		end, ok, _ := l.Begin("ip:a")
		if !ok {
			t.Fatalf("attempt %d in flight on a full bucket refused", i+1)
		}
		ends = append(ends, end)
	}
	for _, end := range ends {
		end(false)
	}
	begin := func() func(bool) {
		t.Helper()
		end, ok, _ := l.Begin("ip:a")
		if !ok {
			t.Fatal("attempt refused")
		}
		return end
	}
	begin()(true)
	begin()(true) // half the allowance spent: 2 left
	e1, e2 := begin(), begin()
	if _, ok, wait := l.Begin("ip:a"); ok || wait <= 0 {
		t.Fatalf("3rd attempt in flight with 2 failures left: ok %v wait %v; want refused with a wait", ok, wait)
	}
	e1(false) // a success gives its place back
	e3 := begin()
	e2(true)
	e3(true)
	if _, ok, _ := l.Begin("ip:a"); ok {
		t.Fatal("attempt after 4 failures allowed")
	}
	c.t = c.t.Add(10 * time.Second)
	if _, ok, _ := l.Begin("ip:a"); !ok {
		t.Fatal("attempt after the refill refused")
	}
}
