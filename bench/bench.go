// Package bench is fuelgate's load generator. It drives a server with one
// scenario at a time — baseline (a trivial handler), token (/v2/token),
// soap-token (Retrieve with fueloauth), soap-text (UsernameToken
// PasswordText), soap-digest (PasswordDigest with a fresh nonce per call) —
// for a set duration and number of connections, and reports requests/s,
// latency percentiles, errors, and the server process's CPU and memory
// (summed over the processes when the target is several instances sharing a
// database, which connections reach round-robin).
//
// Two generators produce the load, and every result names the one that
// produced it: wrk (Options.Wrk, the Debian package wrk driven through a Lua
// script that also builds the fresh digest of every soap-digest request),
// and a built-in one, keep-alive HTTP/1.1 connections in this process that
// write prepared bytes and read answers with no more than the framing.
// Both check every answer (HTTP 200 and the scenario's marker in the body).
// Load goes to loopback addresses only and every run is bounded in time.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Target is a server under load and the credentials scenarios use.
type Target struct {
	URL string // base URL, e.g. http://127.0.0.1:8080
	PID int    // server process, for CPU and RSS (0: not measured)
	// URLs, when set, are several instances of one server (sharing a
	// database): connection i sends to URLs[i%len(URLs)], and URL is ignored.
	URLs []string
	// PIDs, when set, are the processes behind URLs; CPU and RSS are summed
	// over them, and PID is ignored.
	PIDs         []int
	ClientID     string
	ClientSecret string
	AccountID    int64
	Username     string // an API user (digest-capable for soap-digest)
	Password     string
}

// Scenario is one kind of request.
type Scenario struct {
	Name string
	// Prepare returns the request the scenario sends to t, fetching with c
	// what it needs first (an access token).
	Prepare func(ctx context.Context, t *Target, c *http.Client) (*Request, error)
}

// Result is what one scenario run measured.
type Result struct {
	Scenario    string        `json:"scenario"`
	Generator   string        `json:"generator"` // "wrk" or "builtin"
	Connections int           `json:"connections"`
	Duration    time.Duration `json:"duration_ns"`
	Requests    int64         `json:"requests"`
	Errors      int64         `json:"errors"`
	RPS         float64       `json:"rps"`
	P50         time.Duration `json:"p50_ns"`
	P90         time.Duration `json:"p90_ns"`
	P99         time.Duration `json:"p99_ns"`
	ServerCPU   float64       `json:"server_cpu_cores"` // average cores used by the server process(es)
	ServerRSSMB float64       `json:"server_rss_mb"`    // peak resident memory seen during the run, summed over the processes
	// GeneratorCPU is the average cores the load generator used: wrk, or
	// this whole process for the built-in one.
	GeneratorCPU float64 `json:"generator_cpu_cores"`
	// ServerProcs is the GOMAXPROCS the server ran with (0: its default),
	// ServerCPUs and LoadCPUs the CPU lists the server and wrk were pinned
	// to ("": none); set by the caller.
	ServerProcs int    `json:"server_gomaxprocs,omitempty"`
	ServerCPUs  string `json:"server_cpus,omitempty"`
	LoadCPUs    string `json:"load_cpus,omitempty"`
	FirstError  string `json:"first_error,omitempty"`
	// Reference is the baseline this result's ratios are taken against:
	// the mean of the baseline runs just before and just after it.
	Reference *Reference `json:"reference,omitempty"`
}

// Reference is the baseline a result is compared with.
type Reference struct {
	RPS float64       `json:"rps"`
	P99 time.Duration `json:"p99_ns"`
}

// SetReference takes r's ratios against the mean of two baseline runs.
func (r *Result) SetReference(before, after *Result) {
	r.Reference = &Reference{RPS: (before.RPS + after.RPS) / 2, P99: (before.P99 + after.P99) / 2}
}

// RPSRatio and P99Ratio compare r with its reference; 0 without one.
func (r *Result) RPSRatio() float64 {
	if r.Reference == nil || r.Reference.RPS <= 0 {
		return 0
	}
	return r.RPS / r.Reference.RPS
}

// RPSPerCore is r's requests per second for each core of server CPU time
// it used; 0 when the server was not measured.
func (r *Result) RPSPerCore() float64 {
	if r.ServerCPU <= 0 {
		return 0
	}
	return r.RPS / r.ServerCPU
}

// P99Ratio is r's p99 latency over its reference's.
func (r *Result) P99Ratio() float64 {
	if r.Reference == nil || r.Reference.P99 <= 0 {
		return 0
	}
	return float64(r.P99) / float64(r.Reference.P99)
}

// Options control a run.
type Options struct {
	Duration    time.Duration
	Connections int
	Warmup      time.Duration // requests sent before measuring (default 1s)
	Progress    io.Writer     // live progress line; nil for none
	// Wrk is the wrk binary that generates the load; "" for the built-in
	// generator. wrk runs whole seconds: Duration and Warmup are rounded up.
	Wrk string
	// Threads is wrk's thread count; default the CPUs, at most one per
	// connection and at least one per instance.
	Threads int
	// CPUs, when set, runs wrk under taskset -c CPUs (the built-in
	// generator runs in this process: pin it with taskset from outside).
	CPUs string
}

// urls returns the instances' base URLs.
func (t *Target) urls() []string {
	if len(t.URLs) > 0 {
		return t.URLs
	}
	return []string{t.URL}
}

// pids returns the server processes to measure.
func (t *Target) pids() []int {
	if len(t.PIDs) > 0 {
		return t.PIDs
	}
	if t.PID > 0 {
		return []int{t.PID}
	}
	return nil
}

// forConn returns the target connection i uses: one instance, round-robin.
func (t *Target) forConn(i int) *Target {
	u := t.urls()
	c := *t
	c.URL, c.URLs, c.PIDs = u[i%len(u)], nil, nil
	return &c
}

// Run drives target with scenario and measures it. With several instances
// (Target.URLs), connections are spread over them round-robin.
func Run(ctx context.Context, t *Target, sc Scenario, o Options) (*Result, error) {
	for _, u := range t.urls() {
		if err := loopbackOnly(u); err != nil {
			return nil, err
		}
	}
	if o.Connections <= 0 {
		o.Connections = 16
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Warmup == 0 {
		o.Warmup = time.Second
	}
	if n := len(t.urls()); o.Connections < n {
		return nil, fmt.Errorf("bench: %d connections cannot reach %d instances", o.Connections, n)
	}
	client := newClient(o.Connections)
	defer client.CloseIdleConnections()
	req, err := sc.Prepare(ctx, t.forConn(0), client)
	if err != nil {
		return nil, fmt.Errorf("%s: prepare: %w", sc.Name, err)
	}
	var res *Result
	if req.Idle {
		res, err = runIdle(ctx, t, o, sc.Name)
	} else if o.Wrk != "" {
		res, err = runWrk(ctx, t, req, o, sc.Name)
	} else {
		res, err = runBuiltin(ctx, t, req, o, sc.Name)
	}
	if res != nil {
		res.Generator = generatorName(o)
	}
	return res, err
}

// generatorName names the generator o selects.
func generatorName(o Options) string {
	if o.Wrk != "" {
		return "wrk"
	}
	return "builtin"
}

// newClient is the HTTP client of a scenario's preparation (fetching a token).
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// loopbackOnly refuses targets that are not on this machine.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return errors.New("bench: the target must be a loopback address (127.0.0.0/8, ::1 or localhost)")
	}
	return nil
}
