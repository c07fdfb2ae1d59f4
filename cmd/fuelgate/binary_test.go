package main

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds the fuelgate binary once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fuelgate-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "fuelgate")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// TestMain removes the built binary after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// process is a run of the fuelgate binary started by a test.
type process struct {
	cmd    *exec.Cmd
	stdout *watchedLog
	log    *watchedLog // stderr, where the server logs
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

// startProcess runs the binary with args, the test's environment plus env
// (an empty value unsets a variable for the binary in effect), and kills it
// when t ends if it still runs. A failed test shows what it printed.
func startProcess(t *testing.T, env map[string]string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = os.Environ()
	for _, k := range slices.Sorted(maps.Keys(env)) {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	p := &process{cmd: cmd, stdout: newWatchedLog(), log: newWatchedLog(), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("fuelgate %v\nstdout:\n%s\nlog:\n%s", args, p.stdout.String(), p.log.String())
		}
	})
	return p
}

// runBinary runs the binary with args and env (see startProcess) to its end
// and returns its exit status, stdout and log (stderr).
func runBinary(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	p := startProcess(t, env, args...)
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("fuelgate %v did not exit within 60s", args)
	}
	return p.cmd.ProcessState.ExitCode(), p.stdout.String(), p.log.String()
}

// instance is a "fuelgate serve" process listening on a loopback port.
type instance struct {
	*process
	addr string // host:port it listens on
	base string // http://addr
}

// startServe runs "fuelgate serve --addr 127.0.0.1:0 args..." with env (see
// startProcess) and returns once its log says it listens and its stdout
// holds all it prints at start (the console URL comes last).
func startServe(t *testing.T, env map[string]string, args ...string) *instance {
	t.Helper()
	p := startProcess(t, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	addr := p.waitFor(t, p.log, regexp.MustCompile(`msg="fuelgate listening" addr=(\S+)`))[1]
	p.waitFor(t, p.stdout, regexp.MustCompile(`(?m)^Admin console: \S+$`))
	return &instance{process: p, addr: addr, base: "http://" + addr}
}

// waitFor waits until out, the process's stdout or log, matches re and
// returns the match. It fails t when the process exits first, or after 30 s.
func (p *process) waitFor(t *testing.T, out *watchedLog, re *regexp.Regexp) []string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		changed := out.changed()
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		select {
		case <-changed:
		case <-p.exited:
			if m := re.FindStringSubmatch(out.String()); m != nil {
				return m
			}
			t.Fatalf("fuelgate exited (%v) before writing %s; stdout:\n%s\nlog:\n%s", p.err, re, p.stdout.String(), p.log.String())
		case <-timeout:
			t.Fatalf("fuelgate did not write %s within 30s; stdout:\n%s\nlog:\n%s", re, p.stdout.String(), p.log.String())
		}
	}
}

// stop sends sig and returns the exit status (nil for a clean exit) once the
// process has exited; it fails t when that takes longer than 20 s.
func (p *process) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case <-p.exited:
		return p.err
	case <-time.After(20 * time.Second):
		t.Fatalf("fuelgate did not exit within 20s of %v", sig)
		return nil
	}
}

// watchedLog keeps what a process writes to one stream and wakes those
// waiting for more.
type watchedLog struct {
	fgtest.Buffer
	mu   sync.Mutex
	more chan struct{} // closed on the next write
}

func newWatchedLog() *watchedLog { return &watchedLog{more: make(chan struct{})} }

func (l *watchedLog) Write(p []byte) (int, error) {
	n, err := l.Buffer.Write(p)
	l.mu.Lock()
	close(l.more)
	l.more = make(chan struct{})
	l.mu.Unlock()
	return n, err
}

// changed returns a channel closed by the next write.
func (l *watchedLog) changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.more
}
