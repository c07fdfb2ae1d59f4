package bench

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.8.9.10:1", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://10.0.0.1:8080", false},
		{"http://192.168.1.1", false},
		{"https://example.com", false},
	}
	for _, tt := range tests {
		if err := loopbackOnly(tt.url); (err == nil) != tt.ok {
			t.Errorf("loopbackOnly(%q) = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

func TestRecorderPercentiles(t *testing.T) {
	r := newRecorder(2)
	for i := 1; i <= 100; i++ {
		var err error
		if i%10 == 0 {
			err = errors.New("boom")
		}
		r.add(i%2, time.Duration(i)*time.Millisecond, err)
	}
	res := r.result("x", 2, time.Second)
	if res.Requests != 100 || res.Errors != 10 || res.RPS != 100 {
		t.Fatalf("requests %d errors %d rps %v; want 100, 10, 100", res.Requests, res.Errors, res.RPS)
	}
	if res.P50 != 51*time.Millisecond || res.P90 != 91*time.Millisecond || res.P99 != 100*time.Millisecond {
		t.Fatalf("p50 %v p90 %v p99 %v; want 51ms, 91ms, 100ms", res.P50, res.P90, res.P99)
	}
	if res.FirstError != "boom" {
		t.Fatalf("first error %q, want boom", res.FirstError)
	}
}

// TestRunCountsAndChecks drives a tiny local server with each generator:
// the run is bounded by its duration, and wrong answers (a 500, or a 200
// without the marker) count as errors.
func TestRunCountsAndChecks(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 8 {
		case 0:
			http.Error(w, "no", http.StatusInternalServerError)
		case 4:
			w.Write([]byte(`{"status":"degraded"}`))
		default:
			w.Write([]byte(`{"status":"ok"}`))
		}
	}))
	defer srv.Close()
	for _, gen := range generators(t) {
		t.Run(gen.name, func(t *testing.T) {
			o := gen.opts
			o.Duration, o.Connections, o.Warmup = 300*time.Millisecond, 2, -1
			start := time.Now()
			res, err := Run(context.Background(), &Target{URL: srv.URL}, Baseline(), o)
			if err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Fatalf("run took %v; want it bounded by its duration", el)
			}
			if res.Generator != gen.name {
				t.Errorf("generator %q, want %q", res.Generator, gen.name)
			}
			if res.Requests < 100 || res.Errors < res.Requests/8 || res.Errors > res.Requests/3 {
				t.Fatalf("requests %d errors %d (%s); want requests with about a quarter failing", res.Requests, res.Errors, res.FirstError)
			}
			if !strings.Contains(res.FirstError, "500") && !strings.Contains(res.FirstError, "degraded") {
				t.Errorf("first error %q, want the 500 or the answer without the marker", res.FirstError)
			}
		})
	}
}

// generator is one load generator to test.
type generator struct {
	name string
	opts Options
}

// generators returns the built-in generator and wrk. Without wrk on PATH
// the wrk cases are left out (with a message), except under CI=true, where
// wrk must be installed.
func generators(t *testing.T) []generator {
	gens := []generator{{"builtin", Options{}}}
	if w := FindWrk(); w != "" {
		return append(gens, generator{"wrk", Options{Wrk: w}})
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("wrk is not installed; CI installs the Debian package wrk")
	}
	t.Log("wrk is not installed (Debian package wrk): testing the built-in generator only")
	return gens
}

// TestReferenceIsTheMeanOfTheBracketingBaselines: a scenario's ratios are
// taken against the mean of the baseline runs around it, and the table
// prints them on the scenario's row only.
func TestReferenceIsTheMeanOfTheBracketingBaselines(t *testing.T) {
	before := &Result{Scenario: "baseline", Generator: "wrk", Connections: 16, RPS: 20000, P99: 4 * time.Millisecond}
	after := &Result{Scenario: "baseline", Generator: "wrk", Connections: 16, RPS: 30000, P99: 6 * time.Millisecond}
	tok := &Result{Scenario: "token", Generator: "wrk", Connections: 16, RPS: 10000, P99: 15 * time.Millisecond, ServerCPU: 0.8}
	tok.SetReference(before, after)
	if got := tok.RPSRatio(); got != 0.4 {
		t.Errorf("RPSRatio = %v, want 10000 / mean(20000, 30000) = 0.4", got)
	}
	if got := tok.P99Ratio(); got != 3 {
		t.Errorf("P99Ratio = %v, want 15ms / mean(4ms, 6ms) = 3", got)
	}
	if before.RPSRatio() != 0 || before.P99Ratio() != 0 {
		t.Errorf("a result without a reference has ratios %v, %v; want none", before.RPSRatio(), before.P99Ratio())
	}
	var out strings.Builder
	(&Report{Machine: "m", Results: []*Result{before, tok, after}}).WriteTable(&out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("table:\n%s\nwant a header and three rows", out.String())
	}
	row := strings.Fields(lines[3])
	if row[0] != "token" || row[1] != "wrk" || row[5] != "0.40" || row[11] != "12500" || row[len(row)-1] != "3.00" {
		t.Errorf("token row %q: want generator wrk, ratio 0.40, 12500 req/s per core and p99/base 3.00", lines[3])
	}
	if base := strings.Fields(lines[2]); len(base) != 12 {
		t.Errorf("baseline row %q: want no ratio or per-core columns", lines[2])
	}
}

// TestScalingTable: with results of two GOMAXPROCS values, WriteScaling
// puts each scenario's figures side by side with the speedup.
func TestScalingTable(t *testing.T) {
	var results []*Result
	for _, p := range []struct {
		procs          int
		base, tok, cpu float64
	}{{1, 20000, 5000, 1}, {2, 30000, 9000, 2}} {
		b1 := &Result{Scenario: "baseline", Generator: "wrk", Connections: 16, RPS: p.base, ServerProcs: p.procs, ServerCPU: p.cpu}
		tok := &Result{Scenario: "token", Generator: "wrk", Connections: 16, RPS: p.tok, ServerProcs: p.procs, ServerCPU: p.cpu}
		b2 := &Result{Scenario: "baseline", Generator: "wrk", Connections: 16, RPS: p.base, ServerProcs: p.procs, ServerCPU: p.cpu}
		tok.SetReference(b1, b2)
		results = append(results, b1, tok, b2)
	}
	var out strings.Builder
	(&Report{Results: results}).WriteScaling(&out)
	var tokRow []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "token") {
			tokRow = strings.Fields(l)
		}
	}
	want := []string{"token", "wrk", "16", "5000", "0.25", "5000", "9000", "0.30", "4500", "1.80"}
	if !slices.Equal(tokRow, want) {
		t.Errorf("scaling table:\n%s\ntoken row %q, want %q", out.String(), tokRow, want)
	}
	out.Reset()
	(&Report{Results: results[:3]}).WriteScaling(&out)
	if out.Len() != 0 {
		t.Errorf("one GOMAXPROCS value: scaling table %q, want none", out.String())
	}
}

// TestAbuseScenariosFound: the abuse scenarios are selectable by name, and
// idle sends nothing.
func TestAbuseScenariosFound(t *testing.T) {
	for _, name := range []string{"abuse-paging", "abuse-filter", "abuse-flood", "idle"} {
		if _, ok := ScenarioByName(name); !ok {
			t.Errorf("scenario %s not found", name)
		}
	}
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	sc, _ := ScenarioByName("idle")
	res, err := Run(context.Background(), &Target{URL: srv.URL}, sc, Options{Duration: 200 * time.Millisecond, Connections: 2, Warmup: -1})
	if err != nil || res.Requests != 0 || res.Errors != 0 || hits != 0 {
		t.Errorf("idle: %+v, %v, %d hits; want nothing sent", res, err, hits)
	}
}
