package bench

import (
	"fmt"
	"io"
	"slices"
	"strconv"
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
// after it); baseline rows show none. gen is the load generator, procs the
// server's GOMAXPROCS (- for Go's default), and req/s/core the requests per
// second for each core of server CPU time used, gen cpu the cores the load
// generator used.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "machine: %s\n", r.Machine)
	if r.Backend != "" {
		fmt.Fprintf(w, "server: %s, %d instance(s)\n", r.Backend, max(r.Instances, 1))
	}
	if r.StartupMS > 0 {
		fmt.Fprintf(w, "server start to /readyz: %.0f ms\n", r.StartupMS)
	}
	const row = "%-12s %-7s %5s %5s %9s %6s %9s %9s %9s %7s %5s %9s %7s %7s %8s\n"
	fmt.Fprintf(w, row, "scenario", "gen", "procs", "conns", "req/s", "ratio", "p50", "p90", "p99", "errors", "cpu", "req/s/core", "rss MB", "gen cpu", "p99/base")
	for _, res := range r.Results {
		fmt.Fprintf(w, row, res.Scenario, res.Generator, procs(res), strconv.Itoa(res.Connections),
			fmt.Sprintf("%.0f", res.RPS), ratio(res.RPSRatio()), dur(res.P50), dur(res.P90), dur(res.P99),
			strconv.FormatInt(res.Errors, 10), fmt.Sprintf("%.2f", res.ServerCPU), perCore(res),
			fmt.Sprintf("%.1f", res.ServerRSSMB), fmt.Sprintf("%.2f", res.GeneratorCPU), ratio(res.P99Ratio()))
		if res.FirstError != "" {
			fmt.Fprintf(w, "             first error: %s\n", res.FirstError)
		}
	}
}

// WriteScaling prints, when the results cover more than one GOMAXPROCS
// value, each scenario's figures per value side by side: req/s, ratio to
// the baseline run with the same value, req/s per server core, and the
// speedup of the last value over the first. It prints nothing otherwise.
func (r *Report) WriteScaling(w io.Writer) {
	type key struct {
		scenario, gen string
		conns         int
	}
	var values []int
	var keys []key
	at := map[key]map[int]*Result{}
	for _, res := range r.Results {
		if !slices.Contains(values, res.ServerProcs) {
			values = append(values, res.ServerProcs)
		}
		k := key{res.Scenario, res.Generator, res.Connections}
		if at[k] == nil {
			at[k] = map[int]*Result{}
			keys = append(keys, k)
		}
		if res.Scenario != "baseline" || at[k][res.ServerProcs] == nil { // the first baseline run of a pass
			at[k][res.ServerProcs] = res
		}
	}
	if len(values) < 2 {
		return
	}
	fmt.Fprintf(w, "\nper-core scaling (server GOMAXPROCS %v): req/s, ratio, req/s per server core\n", values)
	fmt.Fprintf(w, "%-12s %-7s %5s", "scenario", "gen", "conns")
	for _, v := range values {
		fmt.Fprintf(w, " %9s %6s %10s", "req/s@"+strconv.Itoa(v), "ratio", "per core")
	}
	fmt.Fprintf(w, " %8s\n", "speedup")
	for _, k := range keys {
		fmt.Fprintf(w, "%-12s %-7s %5d", k.scenario, k.gen, k.conns)
		for _, v := range values {
			if res := at[k][v]; res != nil {
				fmt.Fprintf(w, " %9.0f %6s %10s", res.RPS, ratio(res.RPSRatio()), perCore(res))
			} else {
				fmt.Fprintf(w, " %9s %6s %10s", "", "", "")
			}
		}
		first, last := at[k][values[0]], at[k][values[len(values)-1]]
		speedup := ""
		if first != nil && last != nil && first.RPS > 0 {
			speedup = fmt.Sprintf("%.2f", last.RPS/first.RPS)
		}
		fmt.Fprintf(w, " %8s\n", speedup)
	}
}

func procs(r *Result) string {
	if r.ServerProcs <= 0 {
		return "-"
	}
	return strconv.Itoa(r.ServerProcs)
}

func ratio(v float64) string {
	if v <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", v)
}

func perCore(r *Result) string {
	if v := r.RPSPerCore(); v > 0 {
		return fmt.Sprintf("%.0f", v)
	}
	return ""
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
