package logbuf

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

// TestWritesWithinInterval runs in a synctest bubble: time is fake and
// advances only when every goroutine in the bubble is blocked, so the
// interval's edges are exact and no wall-clock timer decides the outcome.
func TestWritesWithinInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const interval = 20 * time.Millisecond
		var out fgtest.Buffer
		w := New(&out, interval)
		w.Write([]byte("one\n"))
		w.Write([]byte("two\n"))

		time.Sleep(interval - time.Nanosecond)
		synctest.Wait()
		if got := out.String(); got != "" {
			t.Fatalf("written before the interval ended: %q", got)
		}

		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got, want := out.String(), "one\ntwo\n"; got != want {
			t.Fatalf("when the interval ended: got %q, want %q", got, want)
		}

		// A line after the first flush arms a new interval.
		w.Write([]byte("three\n"))
		synctest.Wait()
		if got, want := out.String(), "one\ntwo\n"; got != want {
			t.Fatalf("a line after the flush was written at once: got %q, want %q", got, want)
		}
		time.Sleep(interval)
		synctest.Wait()
		if got, want := out.String(), "one\ntwo\nthree\n"; got != want {
			t.Fatalf("an interval after the third line: got %q, want %q", got, want)
		}
		w.Close()
	})
}

func TestCloseFlushesAndWritesThrough(t *testing.T) {
	var out fgtest.Buffer
	w := New(&out, time.Hour)
	w.Write([]byte("buffered\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "buffered\n" {
		t.Fatalf("after Close: got %q", out.String())
	}
	w.Write([]byte("late\n"))
	if out.String() != "buffered\nlate\n" {
		t.Fatalf("write after Close: got %q", out.String())
	}
}

func TestLargeWritesFlushAtOnce(t *testing.T) {
	var out fgtest.Buffer
	w := New(&out, time.Hour)
	line := strings.Repeat("x", 1000) + "\n"
	for range 100 {
		w.Write([]byte(line))
	}
	got := len(out.String())
	if got == 0 || got > maxBuffer {
		t.Fatalf("after 100 kB with an hour's interval: %d bytes written, want some, at most %d", got, maxBuffer)
	}
	if got%len(line) != 0 {
		t.Fatalf("a line was split: %d bytes written", got)
	}
	w.Close()
	if len(out.String()) != 100*len(line) {
		t.Fatalf("after Close: %d bytes, want %d", len(out.String()), 100*len(line))
	}
}

func TestConcurrentWriters(t *testing.T) {
	var out fgtest.Buffer
	w := New(&out, time.Millisecond)
	done := make(chan struct{})
	for range 8 {
		go func() {
			for range 200 {
				w.Write([]byte("line\n"))
			}
			done <- struct{}{}
		}()
	}
	for range 8 {
		<-done
	}
	w.Close()
	if n := strings.Count(out.String(), "line\n"); n != 1600 || len(out.String()) != 1600*5 {
		t.Fatalf("got %d whole lines in %d bytes, want 1600", n, len(out.String()))
	}
}
