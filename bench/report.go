package bench

import (
	"fmt"
	"io"
	"time"
)

// Report is a whole bench run.
type Report struct {
	Machine   string    `json:"machine"`
	Backend   string    `json:"backend,omitempty"`   // the own server's database: sqlite or postgres
	Instances int       `json:"instances,omitempty"` // fuelgate processes under load
	StartupMS float64   `json:"startup_to_ready_ms,omitempty"`
	Results   []*Result `json:"results"`
}

// WriteTable prints the results in the order they ran. A scenario's ratios
// are to its reference baseline (the baseline runs printed just before and
// after it); baseline rows show none.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "machine: %s\n", r.Machine)
	if r.Backend != "" {
		fmt.Fprintf(w, "server: %s, %d instance(s)\n", r.Backend, max(r.Instances, 1))
	}
	if r.StartupMS > 0 {
		fmt.Fprintf(w, "server start to /readyz: %.0f ms\n", r.StartupMS)
	}
	fmt.Fprintf(w, "%-12s %5s %10s %7s %9s %9s %9s %8s %9s %9s %8s\n",
		"scenario", "conns", "req/s", "ratio", "p50", "p90", "p99", "errors", "cpu", "rss MB", "p99/base")
	for _, res := range r.Results {
		ratio, p99r := "", ""
		if v := res.RPSRatio(); v > 0 {
			ratio = fmt.Sprintf("%.2f", v)
		}
		if v := res.P99Ratio(); v > 0 {
			p99r = fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(w, "%-12s %5d %10.0f %7s %9s %9s %9s %8d %9.2f %9.1f %8s\n",
			res.Scenario, res.Connections, res.RPS, ratio, dur(res.P50), dur(res.P90), dur(res.P99),
			res.Errors, res.ServerCPU, res.ServerRSSMB, p99r)
		if res.FirstError != "" {
			fmt.Fprintf(w, "             first error: %s\n", res.FirstError)
		}
	}
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
}
