package bench

import (
	"strings"
	"testing"
	"time"
)

// wrkOutput is what wrk 4.1 prints for a run with errors, followed by the
// script's summary line.
const wrkOutput = `Running 5s test @ http://127.0.0.1:40123/Service.asmx
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms    1.48ms  17.55ms   87.38%
    Req/Sec    14.57k     2.64k   19.10k    67.00%
  145211 requests in 5.01s, 19.94MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  28971.32
Transfer/sec:      3.98MB
FUELGATE-WRK {"duration_us":5012000,"requests":145211,"connect_errors":0,"read_errors":2,"write_errors":0,"timeouts":1,"wrong":7,"p50_us":388,"p90_us":2940,"p99_us":7001,"first_error":"HTTP 500: <faultstring>Login Failed\u003c/faultstring>"}
`

func TestParseWrk(t *testing.T) {
	s, err := parseWrk([]byte(wrkOutput))
	if err != nil {
		t.Fatal(err)
	}
	r := s.result("soap-digest", 16)
	if r.Requests != 145211 || r.Errors != 10 || r.Duration != 5012*time.Millisecond {
		t.Errorf("requests %d errors %d duration %v; want 145211, 10 (2 read + 1 timeout + 7 wrong), 5.012s", r.Requests, r.Errors, r.Duration)
	}
	if want := 145211 / 5.012; r.RPS < want-0.01 || r.RPS > want+0.01 {
		t.Errorf("rps %v, want %v", r.RPS, want)
	}
	if r.P50 != 388*time.Microsecond || r.P90 != 2940*time.Microsecond || r.P99 != 7001*time.Microsecond {
		t.Errorf("p50 %v p90 %v p99 %v; want 388µs, 2.94ms, 7.001ms", r.P50, r.P90, r.P99)
	}
	if r.FirstError != "HTTP 500: <faultstring>Login Failed</faultstring>" {
		t.Errorf("first error %q", r.FirstError)
	}
}

func TestParseWrkRefuses(t *testing.T) {
	for name, out := range map[string]string{
		"no summary":  "unable to connect to 127.0.0.1:1 Connection refused\n",
		"bad json":    "FUELGATE-WRK {\"requests\":\n",
		"no duration": `FUELGATE-WRK {"duration_us":0,"requests":0}` + "\n",
	} {
		if _, err := parseWrk([]byte(out)); err == nil {
			t.Errorf("%s: parseWrk(%q) succeeded, want an error", name, out)
		}
	}
}

// TestSocketErrorsWithoutAnswer: a run with socket errors and no wrong
// answer still says what failed.
func TestSocketErrorsWithoutAnswer(t *testing.T) {
	r := (&wrkSummary{DurationUS: 1e6, Requests: 10, ConnectErrors: 3}).result("token", 2)
	if r.Errors != 3 || !strings.Contains(r.FirstError, "connect 3") {
		t.Errorf("errors %d, first error %q; want 3 and the socket error counts", r.Errors, r.FirstError)
	}
}

func TestLuaQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain text: <a b="c"/>`, `"plain text: <a b=\034c\034/>"`},
		{"back\\slash\nnew line", `"back\092slash\010new line"`},
		{"\x00\xff1", `"\000\2551"`}, // three digits, so a digit after an escape stays a digit
		{"é", `"\195\169"`},
	}
	for _, tt := range tests {
		if got := luaQuote(tt.in); got != tt.want {
			t.Errorf("luaQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestWrkSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, 300 * time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, 10 * time.Second: 10} {
		if got := wrkSeconds(d); got != want {
			t.Errorf("wrkSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}
