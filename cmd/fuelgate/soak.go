package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fuelgate/fuelgate/bench"
)

// soakSample is one interval of a soak run.
type soakSample struct {
	At       string  `json:"at"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	RPS      float64 `json:"rps"`
	// Generator names the load generator (wrk or builtin).
	Generator string  `json:"generator"`
	RSSMB     float64 `json:"server_rss_mb"`
	CPU       float64 `json:"server_cpu_cores"`
}

// soak runs mixed load (every fuelgate scenario in turn, one interval each)
// for d from the generator gen and reports errors and the server's RSS per
// interval.
func (m *Main) soak(ctx context.Context, t *bench.Target, conns int, d time.Duration, gen bench.Options, asJSON bool) error {
	interval := min(30*time.Second, max(d/10, 2*time.Second))
	var samples []soakSample
	scs := bench.Scenarios()[1:] // everything but the baseline
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end); i++ {
		sc := scs[i%len(scs)]
		dur := min(interval, time.Until(end))
		if dur < 500*time.Millisecond {
			break
		}
		o := gen
		o.Duration, o.Connections, o.Warmup = dur, conns, -1
		res, err := bench.Run(ctx, t, sc, o)
		if err != nil {
			return err
		}
		s := soakSample{At: time.Now().UTC().Format(time.RFC3339), Requests: res.Requests, Errors: res.Errors, RPS: res.RPS,
			Generator: res.Generator, RSSMB: res.ServerRSSMB, CPU: res.ServerCPU}
		samples = append(samples, s)
		if !asJSON {
			fmt.Fprintf(m.Stdout, "%s %-12s %-7s %8d req %8.0f req/s %5d errors  rss %6.1f MB\n", s.At, sc.Name, s.Generator, s.Requests, s.RPS, s.Errors, s.RSSMB)
		}
	}
	if asJSON {
		return json.NewEncoder(m.Stdout).Encode(map[string]any{"samples": samples})
	}
	return nil
}
