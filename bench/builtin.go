package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"
)

// worker is one connection of the built-in generator and the request it
// sends back to back.
type worker struct {
	conn   conn
	req    *Request
	host   string
	marker []byte
	static []byte // the whole request, when it does not change
	nonces nonceSource
	msg    []byte // the request being sent, reused
	body   []byte // a digest envelope being built, reused
}

func newWorker(base string, req *Request) (*worker, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	w := &worker{conn: conn{addr: u.Host}, req: req, host: u.Host, marker: []byte(req.Marker)}
	rand.Read(w.nonces.prefix[:])
	if req.Digest == nil {
		w.static = append(req.appendHead(nil, w.host, len(req.Body)), req.Body...)
	}
	return w, nil
}

// send sends one request and checks its answer.
func (w *worker) send(deadline time.Time) error {
	msg := w.static
	if msg == nil {
		w.body = w.req.Digest.appendBody(w.body[:0], &w.nonces, time.Now())
		w.msg = append(w.req.appendHead(w.msg[:0], w.host, len(w.body)), w.body...)
		msg = w.msg
	}
	status, body, err := w.conn.exchange(msg, deadline)
	if err != nil {
		return err
	}
	if status != w.req.status() {
		return fmt.Errorf("HTTP %d: %s", status, excerpt(body))
	}
	if len(w.marker) > 0 && !bytes.Contains(body, w.marker) {
		return fmt.Errorf("unexpected answer: %s", excerpt(body))
	}
	return nil
}

// runBuiltin drives t with req from o.Connections workers in this process.
func runBuiltin(ctx context.Context, t *Target, req *Request, o Options, name string) (*Result, error) {
	workers := make([]*worker, o.Connections)
	for i := range workers {
		w, err := newWorker(t.forConn(i).URL, req)
		if err != nil {
			return nil, err
		}
		workers[i] = w
	}
	defer func() {
		for _, w := range workers {
			w.conn.close()
		}
	}()
	stop := context.AfterFunc(ctx, func() {
		for _, w := range workers {
			w.conn.interrupt()
		}
	})
	defer stop()
	if o.Warmup > 0 {
		drive(ctx, workers, o.Warmup, nil)
	}
	rec := newRecorder(o.Connections)
	proc := startSampling(t.pids())
	stopProgress := progress(o.Progress, name, rec, o.Duration)
	self := CPUSeconds(os.Getpid())
	start := time.Now()
	drive(ctx, workers, o.Duration, rec)
	elapsed := time.Since(start)
	self = CPUSeconds(os.Getpid()) - self
	stopProgress()
	r := rec.result(name, o.Connections, elapsed)
	r.ServerCPU, r.ServerRSSMB = proc.stop()
	r.GeneratorCPU = self / elapsed.Seconds()
	return r, ctx.Err()
}

// drive runs every worker in its own goroutine until d has passed. A
// request that ends after that is not counted: the deadline cut it short.
func drive(ctx context.Context, workers []*worker, d time.Duration, rec *recorder) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				err := w.send(deadline)
				t1 := time.Now()
				if !t1.Before(deadline) || ctx.Err() != nil {
					return
				}
				if rec != nil {
					rec.add(i, t1.Sub(t0), err)
				}
			}
		}()
	}
	wg.Wait()
}
