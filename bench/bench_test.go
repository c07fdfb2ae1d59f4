package bench

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestRunCountsAndChecks drives a tiny local server: the run is bounded by
// its duration and counts wrong answers as errors.
func TestRunCountsAndChecks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	sc := Scenario{Name: "mixed", New: func(_ context.Context, tg *Target, c *http.Client) (func(context.Context) error, error) {
		n := 0
		return func(ctx context.Context) error {
			n++
			u := tg.URL + "/"
			if n%4 == 0 {
				u += "?fail=1"
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			return do(c, req, nil)
		}, nil
	}}
	start := time.Now()
	res, err := Run(context.Background(), &Target{URL: srv.URL}, sc, Options{Duration: 300 * time.Millisecond, Connections: 2, Warmup: -1})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("run took %v; want it bounded by its 300ms duration", el)
	}
	if res.Requests == 0 || res.Errors == 0 || res.Errors > res.Requests/2 {
		t.Fatalf("requests %d errors %d; want requests with about a quarter failing", res.Requests, res.Errors)
	}
}

// TestReferenceIsTheMeanOfTheBracketingBaselines: a scenario's ratios are
// taken against the mean of the baseline runs around it, and the table
// prints them on the scenario's row only.
func TestReferenceIsTheMeanOfTheBracketingBaselines(t *testing.T) {
	before := &Result{Scenario: "baseline", Connections: 16, RPS: 20000, P99: 4 * time.Millisecond}
	after := &Result{Scenario: "baseline", Connections: 16, RPS: 30000, P99: 6 * time.Millisecond}
	tok := &Result{Scenario: "token", Connections: 16, RPS: 10000, P99: 15 * time.Millisecond}
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
	if row[0] != "token" || row[3] != "0.40" || row[len(row)-1] != "3.00" {
		t.Errorf("token row %q: want ratio 0.40 and p99/base 3.00", lines[3])
	}
	if base := strings.Fields(lines[2]); len(base) != 9 {
		t.Errorf("baseline row %q: want no ratio columns", lines[2])
	}
}
