// Package logbuf is the server log's output buffer: log lines are gathered
// in memory and written out together, at most an interval after the first of
// them, instead of one write system call per line. Under load that is one
// write per batch of access-log lines rather than one per request.
//
// A process that is killed loses at most the lines of the last interval;
// Close writes out what is buffered and is called on shutdown.
package logbuf

import (
	"io"
	"sync"
	"time"
)

// maxBuffer is how many bytes are gathered before they are written out at
// once, whatever the interval.
const maxBuffer = 64 << 10

// Writer buffers writes to an underlying writer. It is safe for concurrent
// use. Errors of the underlying writer are dropped: a log line that cannot be
// written has nowhere else to go.
type Writer struct {
	mu       sync.Mutex
	w        io.Writer
	buf      []byte
	interval time.Duration
	timer    *time.Timer // armed while buf holds lines
	closed   bool
}

// New returns a Writer that writes to w at most interval after a line was
// buffered.
func New(w io.Writer, interval time.Duration) *Writer {
	return &Writer{w: w, interval: interval}
}

// Write buffers p. After Close it writes p through at once.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	if len(b.buf)+len(p) > maxBuffer {
		b.flushLocked()
	}
	b.buf = append(b.buf, p...)
	if b.timer == nil {
		b.timer = time.AfterFunc(b.interval, b.Flush)
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (b *Writer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *Writer) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.w.Write(b.buf)
	if cap(b.buf) > maxBuffer {
		b.buf = nil
	} else {
		b.buf = b.buf[:0]
	}
}

// Close writes out what is buffered; later writes go straight through.
func (b *Writer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.closed = true
	return nil
}
