package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"instances without db", []string{"bench", "--instances", "2"}, "needs --db with a PostgreSQL URL"},
		{"sqlite db", []string{"bench", "--db", "x.db"}, "takes a postgres:// URL"},
		{"too many instances", []string{"bench", "--db", "postgres://127.0.0.1/x", "--instances", "9"}, "between 1 and"},
		{"db with target", []string{"bench", "--db", "postgres://127.0.0.1/x", "--target", "http://127.0.0.1:1"}, "do not go with --target"},
		{"bad gomaxprocs", []string{"bench", "--gomaxprocs", "1,x"}, "--gomaxprocs takes numbers"},
		{"zero gomaxprocs", []string{"bench", "--gomaxprocs", "0"}, "--gomaxprocs takes numbers"},
		{"bad cpu list", []string{"bench", "--server-cpus", "0;1"}, "--server-cpus takes a CPU list"},
		{"gomaxprocs with target", []string{"bench", "--target", "http://127.0.0.1:1", "--gomaxprocs", "1"}, "do not go with --target"},
		{"server cpus with target", []string{"bench", "--target", "http://127.0.0.1:1", "--server-cpus", "0"}, "do not go with --target"},
		{"load cpus with builtin", []string{"bench", "--generator", "builtin", "--load-cpus", "1"}, "--load-cpus pins wrk"},
		{"unknown generator", []string{"bench", "--generator", "ab"}, "--generator takes"},
		{"soak with two generators", []string{"bench", "--soak", "1m", "--generator", "wrk,builtin"}, "one generator"},
		{"negative warmup", []string{"bench", "--warmup", "-1s"}, "--warmup"},
		{"bad connections", []string{"bench", "--connections", "16,0"}, "connections must be"},
		{"pin without gomaxprocs", []string{"bench", "--pin"}, "--pin needs --gomaxprocs"},
		{"pin with server cpus", []string{"bench", "--pin", "--gomaxprocs", "1", "--server-cpus", "0"}, "--pin needs --gomaxprocs"},
		{"pin with target", []string{"bench", "--target", "http://127.0.0.1:1", "--pin"}, "do not go with --target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, nil, "", tt.args...)
			if code != 2 || !strings.Contains(errs, tt.msg) {
				t.Fatalf("exit %d, stderr %q; want exit 2 mentioning %q", code, errs, tt.msg)
			}
		})
	}
}

func TestPlacements(t *testing.T) {
	tests := []struct {
		name string
		f    benchFlags
		cpus int
		want []placement
	}{
		{"default", benchFlags{}, 4, []placement{{}}},
		{"fixed cpus", benchFlags{gomaxprocs: "1,2", serverCPUs: "0", loadCPUs: "1"}, 4,
			[]placement{{1, "0", "1"}, {2, "0", "1"}}},
		{"pinned on 2 cpus", benchFlags{gomaxprocs: "1,2", pin: true}, 2,
			[]placement{{1, "0", "1"}, {2, "0-1", ""}}},
		{"pinned on 8 cpus", benchFlags{gomaxprocs: "1,4,8,16", pin: true}, 8,
			[]placement{{1, "0", "1-7"}, {4, "0-3", "4-7"}, {8, "0-7", ""}, {16, "0-7", ""}}},
	}
	for _, tt := range tests {
		if got := tt.f.placements(tt.cpus); !slices.Equal(got, tt.want) {
			t.Errorf("%s: placements = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestChildEnv(t *testing.T) {
	keys := []string{"FUELGATE_PEPPER=p"}
	if got := childEnv(keys, 0); !slices.Equal(got, keys) {
		t.Errorf("childEnv(keys, 0) = %q, want the keys alone (Go's default GOMAXPROCS)", got)
	}
	got := childEnv(keys, 2)
	if want := []string{"FUELGATE_PEPPER=p", "GOMAXPROCS=2"}; !slices.Equal(got, want) {
		t.Errorf("childEnv(keys, 2) = %q, want %q", got, want)
	}
	spare := append(make([]string, 0, 4), keys...) // room to append in place
	childEnv(spare, 1)
	childEnv(spare, 2)
	if extra := spare[:2][1]; extra != "" {
		t.Errorf("childEnv wrote %q into its argument's spare capacity", extra)
	}
}

// TestBenchGeneratorsAndProcs runs "fuelgate bench" briefly on SQLite with
// both load generators (wrk when installed; CI installs it) and two
// GOMAXPROCS values, pinned with taskset: each result names its generator,
// value and CPUs, every answer is right, and each scenario gets a ratio to
// its baselines.
func TestBenchGeneratorsAndProcs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	gens := []string{"builtin"}
	if _, err := exec.LookPath("wrk"); err == nil {
		gens = append(gens, "wrk")
	} else if os.Getenv("CI") == "true" {
		t.Fatal("wrk is not installed; CI installs the Debian package wrk")
	} else {
		t.Log("wrk is not installed (Debian package wrk): the built-in generator only")
	}
	cmd := exec.Command(buildBinary(t), "bench", "--duration", "500ms", "--warmup", "0", "--connections", "4",
		"--scenarios", "baseline,soap-digest", "--generator", strings.Join(gens, ","), "--gomaxprocs", "1,2", "--pin", "--json")
	cmd.Env = append(os.Environ(), "FUELGATE_PEPPER=", "FUELGATE_ENCRYPTION_KEY=", "FUELGATE_KEY_FILE=", "FUELGATE_DB=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fuelgate bench: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Backend string `json:"backend"`
		Results []struct {
			Scenario   string  `json:"scenario"`
			Generator  string  `json:"generator"`
			Procs      int     `json:"server_gomaxprocs"`
			ServerCPUs string  `json:"server_cpus"`
			LoadCPUs   string  `json:"load_cpus"`
			Requests   int64   `json:"requests"`
			Errors     int64   `json:"errors"`
			FirstError string  `json:"first_error"`
			CPU        float64 `json:"server_cpu_cores"`
			Reference  *struct {
				RPS float64 `json:"rps"`
			} `json:"reference"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("bench --json output %q: %v", out, err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Generator+"/"+strings.Repeat("x", r.Procs)+"/"+r.Scenario)
		if r.Requests == 0 || r.Errors > 0 || r.CPU == 0 {
			t.Errorf("%s with %s, GOMAXPROCS %d: %d requests, %d errors (%s), cpu %.2f; want answers, no errors, a measured server",
				r.Scenario, r.Generator, r.Procs, r.Requests, r.Errors, r.FirstError, r.CPU)
		}
		// The placements themselves are TestPlacements'; here they must reach the results.
		pl := (&benchFlags{gomaxprocs: "1,2", pin: true}).placements(runtime.NumCPU())[r.Procs-1]
		if r.Generator == "builtin" {
			pl.loadCPUs = "" // the built-in generator is not pinned
		}
		if r.ServerCPUs != pl.serverCPUs || r.LoadCPUs != pl.loadCPUs {
			t.Errorf("%s with %s, GOMAXPROCS %d: server CPUs %q, load CPUs %q; want %q, %q",
				r.Scenario, r.Generator, r.Procs, r.ServerCPUs, r.LoadCPUs, pl.serverCPUs, pl.loadCPUs)
		}
		if (r.Scenario == "soap-digest") != (r.Reference != nil && r.Reference.RPS > 0) {
			t.Errorf("%s with %s, GOMAXPROCS %d: reference %v; want one for the scenario only", r.Scenario, r.Generator, r.Procs, r.Reference)
		}
	}
	var want []string
	for _, procs := range []string{"x", "xx"} {
		for _, g := range gens {
			want = append(want, g+"/"+procs+"/baseline", g+"/"+procs+"/soap-digest", g+"/"+procs+"/baseline")
		}
	}
	if rep.Backend != "sqlite" || !slices.Equal(got, want) {
		t.Errorf("backend %q, runs %q; want sqlite and %q", rep.Backend, got, want)
	}
}
