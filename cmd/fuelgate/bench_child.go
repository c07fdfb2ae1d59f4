package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/bench"
)

// startOwn starts the own servers on their provisioned database, with the
// GOMAXPROCS and CPUs of pl, and returns the target, the time from start to
// a ready /readyz (of the first server), and a stop function.
func (m *Main) startOwn(ctx context.Context, o *ownServers, pl placement) (*bench.Target, float64, func(), error) {
	t := o.creds
	var stops []func()
	stopAll := func() {
		for _, stop := range stops {
			stop()
		}
	}
	var ready float64
	for i := range o.instances {
		start := time.Now()
		url, pid, stop, err := m.startChild(ctx, childEnv(o.env, pl.procs), pl.serverCPUs, o.args...)
		if err != nil {
			stopAll()
			return nil, 0, nil, err
		}
		if i == 0 {
			ready = float64(time.Since(start)) / float64(time.Millisecond)
		}
		stops = append(stops, stop)
		t.URLs, t.PIDs = append(t.URLs, url), append(t.PIDs, pid)
	}
	t.URL, t.PID = t.URLs[0], t.PIDs[0]
	if len(t.URLs) == 1 {
		t.URLs, t.PIDs = nil, nil
	}
	return &t, ready, stopAll, nil
}

// startBaseline starts the trivial handler every ratio is taken against,
// with the same GOMAXPROCS and CPUs as the own servers.
func (m *Main) startBaseline(ctx context.Context, procs int, cpus string) (*bench.Target, func(), error) {
	url, pid, stop, err := m.startChild(ctx, childEnv(nil, procs), cpus, "bench-baseline", "--addr", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	return &bench.Target{URL: url, PID: pid}, stop, nil
}

// childEnv is env with GOMAXPROCS=procs when procs is above 0.
func childEnv(env []string, procs int) []string {
	if procs > 0 {
		return append(slices.Clip(env), "GOMAXPROCS="+strconv.Itoa(procs))
	}
	return env
}

// startChild runs this binary with args and env added to this process's
// environment (under taskset -c cpus when cpus is set), waits until it logs
// its address and answers /readyz (or /), and returns its URL, PID and a
// stop function. The child's log goes to a temporary file, not through a
// pipe, so that reading it costs the load generator nothing while it
// measures; a child that does not start has the end of its log in the error.
func (m *Main) startChild(ctx context.Context, env []string, cpus string, args ...string) (string, int, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	logFile, err := os.CreateTemp("", "fuelgate-bench-*.log")
	if err != nil {
		return "", 0, nil, err
	}
	removeLog := func() { logFile.Close(); os.Remove(logFile.Name()) }
	name, argv := exe, args
	if cpus != "" { // taskset execs the program: the PID stays the server's
		name, argv = "taskset", append([]string{"-c", cpus, exe}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, logFile
	if err := cmd.Start(); err != nil {
		removeLog()
		return "", 0, nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		removeLog()
	}
	fail := func(why string) (string, int, func(), error) {
		stop()
		return "", 0, nil, fmt.Errorf("bench: %s %s: %s", args[0], why, logTail(logFile.Name()))
	}
	re := regexp.MustCompile(`msg="fuelgate listening" addr=(\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(logFile.Name()); err == nil {
			if mm := re.FindSubmatch(b); mm != nil {
				url := "http://" + string(mm[1])
				if err := waitReady(ctx, url, args[0] == "serve"); err != nil {
					return fail(err.Error())
				}
				return url, cmd.Process.Pid, stop, nil
			}
		}
		select {
		case <-exited:
			return fail("exited")
		case <-ctx.Done():
			return fail(ctx.Err().Error())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fail("did not start within 30s")
		}
	}
}

// logTail is the last lines of a child's log, for an error message.
func logTail(path string) string {
	b, _ := os.ReadFile(path)
	s := strings.TrimSpace(string(b))
	if len(s) > 1000 {
		s = "…" + s[len(s)-1000:]
	}
	if s == "" {
		return "(no output)"
	}
	return s
}

func waitReady(ctx context.Context, url string, fuelgate bool) error {
	path := "/"
	if fuelgate {
		path = "/readyz"
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+path, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return errors.New("bench: server not ready within 30s")
}

// benchBaseline serves the trivial handler the bench compares against: a
// small JSON body from net/http, nothing else.
func (m *Main) benchBaseline(ctx context.Context, args []string) error {
	fs := m.newFlags("bench-baseline", new(common))
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	body := []byte(`{"status":"ok","service":"baseline"}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	logger(m.Stderr, "text").Info("fuelgate listening", "addr", ln.Addr().String())
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
