package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"

	"github.com/fuelgate/fuelgate/bench"
)

// bench provisions (or uses) a server and drives the load scenarios: once
// per GOMAXPROCS value of the own servers, and within that once per load
// generator (see bench_run.go).
func (m *Main) bench(ctx context.Context, args []string) error {
	f, err := m.parseBenchFlags(args)
	if err != nil {
		return err
	}
	gens, err := f.generators(bench.FindWrk())
	if err != nil {
		return err
	}
	p, err := f.plan()
	if err != nil {
		return err
	}
	rep := &bench.Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	if f.target != "" {
		t := &bench.Target{URL: strings.TrimRight(f.target, "/"), ClientID: f.clientID, AccountID: f.accountID,
			ClientSecret: m.Getenv("FUELGATE_BENCH_CLIENT_SECRET"), Username: f.username, Password: m.Getenv("FUELGATE_BENCH_PASSWORD")}
		pl := placement{loadCPUs: f.loadCPUs}
		if f.soak > 0 {
			return m.soak(ctx, t, p.conns[0], f.soak, pl.generator(gens[0]), f.json)
		}
		if err := m.pass(ctx, t, pl, p, gens, rep); err != nil {
			return err
		}
		return m.writeReport(rep, f.json)
	}
	own, err := m.provisionOwn(ctx, f)
	if err != nil {
		return err
	}
	defer own.cleanup()
	rep.Backend, rep.Instances = "sqlite", f.instances
	if f.pgURL != "" {
		rep.Backend = "postgres"
	}
	for _, pl := range f.placements(runtime.NumCPU()) {
		t, ready, stop, err := m.startOwn(ctx, own, pl)
		if err != nil {
			return err
		}
		if rep.StartupMS == 0 {
			rep.StartupMS = ready
		}
		if f.soak > 0 {
			defer stop()
			return m.soak(ctx, t, p.conns[0], f.soak, pl.generator(gens[0]), f.json)
		}
		err = m.pass(ctx, t, pl, p, gens, rep)
		stop()
		if err != nil {
			return err
		}
	}
	return m.writeReport(rep, f.json)
}

// writeReport prints the report: JSON, or the table and, when the run
// compared GOMAXPROCS values, the per-core scaling.
func (m *Main) writeReport(rep *bench.Report, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(m.Stdout).Encode(rep)
	}
	rep.WriteTable(m.Stdout)
	rep.WriteScaling(m.Stdout)
	return nil
}
