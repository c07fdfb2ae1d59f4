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
