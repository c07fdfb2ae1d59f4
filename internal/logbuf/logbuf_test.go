package logbuf

import (
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

func TestWritesWithinInterval(t *testing.T) {
	var out fgtest.Buffer
	w := New(&out, 20*time.Millisecond)
	w.Write([]byte("one\n"))
	w.Write([]byte("two\n"))
	if out.String() != "" {
		t.Fatalf("written before the interval: %q", out.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one\ntwo\n" {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: got %q, want both lines", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.Write([]byte("three\n"))
	for !strings.HasSuffix(out.String(), "three\n") {
		if time.Now().After(deadline) {
			t.Fatalf("a line after the first flush was not written: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
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
