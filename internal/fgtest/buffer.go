package fgtest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that is safe to read while another goroutine or a
// child process's output copier writes to it: a log sink for tests.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
