package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// wrkLua is the request script wrk runs, after a prelude that sets cfg.
//
//go:embed wrk.lua
var wrkLua string

// wrkMarker starts the line of wrk's output that the script's done() writes.
const wrkMarker = "FUELGATE-WRK "

// FindWrk returns the path of the wrk binary on PATH, or "".
func FindWrk() string {
	p, err := exec.LookPath("wrk")
	if err != nil {
		return ""
	}
	return p
}

// runWrk drives t with req from wrk: a warm-up run, then the measured one.
func runWrk(ctx context.Context, t *Target, req *Request, o Options, name string) (*Result, error) {
	dir, err := os.MkdirTemp("", "fuelgate-wrk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	threads = min(max(threads, len(t.urls())), o.Connections)
	run := func(d time.Duration) (*wrkSummary, error) {
		// A new script each run: its nonces start from fresh random bytes.
		script, err := wrkScript(t, req)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "bench.lua")
		if err := os.WriteFile(path, []byte(script), 0o600); err != nil { // it may hold the API user's password
			return nil, err
		}
		return runWrkOnce(ctx, o, threads, d, path, t.urls()[0]+req.Path)
	}
	if o.Warmup > 0 {
		if _, err := run(o.Warmup); err != nil {
			return nil, err
		}
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "\r%-12s wrk, %ds   ", name, wrkSeconds(o.Duration))
		defer fmt.Fprintf(o.Progress, "\r%-60s\r", "")
	}
	proc := startSampling(t.pids())
	sum, err := run(o.Duration)
	cpu, rss := proc.stop()
	if err != nil {
		return nil, err
	}
	r := sum.result(name, o.Connections)
	r.ServerCPU, r.ServerRSSMB = cpu, rss
	// wrk's CPU over its whole life, of which connecting and the summary
	// are a negligible part.
	r.GeneratorCPU = sum.cpu / r.Duration.Seconds()
	return r, ctx.Err()
}

// wrkSeconds is d in wrk's whole seconds, rounded up, at least 1.
func wrkSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// runWrkOnce runs wrk for d with the script at path and parses its summary.
func runWrkOnce(ctx context.Context, o Options, threads int, d time.Duration, script, target string) (*wrkSummary, error) {
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(o.Connections),
		"-d", strconv.Itoa(wrkSeconds(d)) + "s", "--timeout", "10s", "-s", script, target}
	name := o.Wrk
	if o.CPUs != "" {
		name, args = "taskset", append([]string{"-c", o.CPUs, o.Wrk}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bench: wrk: %v: %s", err, tail(out))
	}
	s, err := parseWrk(out)
	if err == nil {
		s.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	return s, err
}

// wrkSummary is what the script's done() reports.
type wrkSummary struct {
	DurationUS    int64  `json:"duration_us"`
	Requests      int64  `json:"requests"`
	ConnectErrors int64  `json:"connect_errors"`
	ReadErrors    int64  `json:"read_errors"`
	WriteErrors   int64  `json:"write_errors"`
	Timeouts      int64  `json:"timeouts"`
	Wrong         int64  `json:"wrong"` // answers that were not HTTP 200 with the marker
	P50US         int64  `json:"p50_us"`
	P90US         int64  `json:"p90_us"`
	P99US         int64  `json:"p99_us"`
	FirstError    string `json:"first_error"`

	cpu float64 // seconds of CPU wrk used, from its exit status
}

// parseWrk finds the script's summary line in wrk's output.
func parseWrk(out []byte) (*wrkSummary, error) {
	var line []byte
	for l := range bytes.Lines(out) {
		if rest, ok := bytes.CutPrefix(l, []byte(wrkMarker)); ok {
			line = rest
		}
	}
	if line == nil {
		return nil, fmt.Errorf("bench: wrk printed no summary: %s", tail(out))
	}
	var s wrkSummary
	if err := json.Unmarshal(line, &s); err != nil {
		return nil, fmt.Errorf("bench: wrk summary %q: %w", line, err)
	}
	if s.DurationUS <= 0 || s.Requests < 0 {
		return nil, fmt.Errorf("bench: wrk summary %q: no duration", line)
	}
	return &s, nil
}

// result turns the summary into a Result: every socket error, timeout and
// wrong answer counts as an error.
func (s *wrkSummary) result(name string, conns int) *Result {
	d := time.Duration(s.DurationUS) * time.Microsecond
	errs := s.ConnectErrors + s.ReadErrors + s.WriteErrors + s.Timeouts + s.Wrong
	r := &Result{Scenario: name, Connections: conns, Duration: d, Requests: s.Requests, Errors: errs,
		RPS: float64(s.Requests) / d.Seconds(), P50: time.Duration(s.P50US) * time.Microsecond,
		P90: time.Duration(s.P90US) * time.Microsecond, P99: time.Duration(s.P99US) * time.Microsecond,
		FirstError: s.FirstError}
	if r.FirstError == "" && errs > s.Wrong {
		r.FirstError = fmt.Sprintf("socket errors: connect %d, read %d, write %d, timeouts %d",
			s.ConnectErrors, s.ReadErrors, s.WriteErrors, s.Timeouts)
	}
	return r
}

// wrkScript is the Lua prelude that sets cfg for req and t, then wrk.lua.
func wrkScript(t *Target, req *Request) (string, error) {
	var b strings.Builder
	b.WriteString("cfg = {\n  addrs = {")
	for _, raw := range t.urls() {
		u, err := url.Parse(raw)
		if err != nil {
			return "", err
		}
		if u.Port() == "" {
			return "", errors.New("bench: wrk needs a port in the target URL " + raw)
		}
		fmt.Fprintf(&b, "{%s, %s}, ", luaQuote(u.Hostname()), luaQuote(u.Port()))
	}
	fmt.Fprintf(&b, "},\n  method = %s,\n  path = %s,\n  headers = {", luaQuote(req.Method), luaQuote(req.Path))
	for _, h := range req.Header {
		fmt.Fprintf(&b, "[%s] = %s, ", luaQuote(h[0]), luaQuote(h[1]))
	}
	b.WriteString("},\n")
	if d := req.Digest; d != nil {
		fmt.Fprintf(&b, "  digest = {%s, %s, %s, %s},\n  password = %s,\n",
			luaQuote(d.Text[0]), luaQuote(d.Text[1]), luaQuote(d.Text[2]), luaQuote(d.Text[3]), luaQuote(d.Password))
	} else if req.Body != nil {
		fmt.Fprintf(&b, "  body = %s,\n", luaQuote(string(req.Body)))
	}
	var run [6]byte
	rand.Read(run[:])
	fmt.Fprintf(&b, "  run = %s,\n  marker = %s,\n  status = %d,\n}\n", luaQuote(string(run[:])), luaQuote(req.Marker), req.status())
	b.WriteString(wrkLua)
	return b.String(), nil
}

// luaQuote is s as a Lua string literal: printable ASCII as it is, every
// other byte, the quote and the backslash as a three-digit decimal escape.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "\\%03d", c)
	}
	b.WriteByte('"')
	return b.String()
}

// tail is the end of a child's output, for an error message.
func tail(out []byte) string {
	s := strings.TrimSpace(string(out))
	if len(s) > 600 {
		s = "…" + s[len(s)-600:]
	}
	if s == "" {
		return "(no output)"
	}
	return s
}
