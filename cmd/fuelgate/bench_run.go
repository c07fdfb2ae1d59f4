package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/bench"
)

// benchPlan is what one pass runs: the scenarios, whether each runs
// between two baseline runs, and the connection counts.
type benchPlan struct {
	scenarios    []bench.Scenario
	withBaseline bool
	conns        []int
	duration     time.Duration
	warmup       time.Duration // bench.Options.Warmup: negative for none
}

// plan reads the scenarios and connection counts of the flags.
func (f *benchFlags) plan() (*benchPlan, error) {
	p := &benchPlan{duration: f.duration, warmup: f.warmup}
	if p.warmup == 0 {
		p.warmup = -1
	}
	var err error
	if p.conns, err = intList(f.connections); err != nil {
		return nil, err
	}
	for _, name := range strings.Split(f.scenarios, ",") {
		sc, ok := bench.ScenarioByName(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("%w: unknown scenario %q", errUsage, name)
		}
		if sc.Name == "baseline" {
			p.withBaseline = true
			continue
		}
		p.scenarios = append(p.scenarios, sc)
	}
	return p, nil
}

// pass runs the plan against t once per generator and connection count.
// The servers run as pl places them, and so does the baseline, which pass
// starts; wrk runs on pl's load CPUs.
func (m *Main) pass(ctx context.Context, t *bench.Target, pl placement, p *benchPlan, gens []bench.Options, rep *bench.Report) error {
	var base *bench.Target
	if p.withBaseline {
		b, stop, err := m.startBaseline(ctx, pl.procs, pl.serverCPUs)
		if err != nil {
			return err
		}
		defer stop()
		base = b
	}
	for _, g := range gens {
		for _, c := range p.conns {
			o := pl.generator(g)
			o.Duration, o.Warmup, o.Connections, o.Progress = p.duration, p.warmup, c, m.Stderr
			results, err := series(ctx, t, base, p.scenarios, o)
			for _, r := range results {
				r.ServerProcs, r.ServerCPUs, r.LoadCPUs = pl.procs, pl.serverCPUs, o.CPUs
			}
			rep.Results = append(rep.Results, results...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// series runs each scenario against t with o. With a baseline target,
// each scenario runs between two baseline runs and its ratios are taken
// against their mean, so that the machine's speed drifting during the
// bench moves both sides of a ratio alike.
func series(ctx context.Context, t, base *bench.Target, scenarios []bench.Scenario, o bench.Options) ([]*bench.Result, error) {
	var out []*bench.Result
	var before *bench.Result
	if base != nil {
		var err error
		if before, err = bench.Run(ctx, base, bench.Baseline(), o); err != nil {
			return out, err
		}
		out = append(out, before)
	}
	for _, sc := range scenarios {
		res, err := bench.Run(ctx, t, sc, o)
		if err != nil {
			return out, err
		}
		out = append(out, res)
		if base == nil {
			continue
		}
		after, err := bench.Run(ctx, base, bench.Baseline(), o)
		if err != nil {
			return out, err
		}
		res.SetReference(before, after)
		out = append(out, after)
		before = after
	}
	return out, nil
}
