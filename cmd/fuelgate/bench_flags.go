package main

import (
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/bench"
)

// benchFlags are the flags of "fuelgate bench".
type benchFlags struct {
	target, clientID, username, scenarios, connections, dbDir string
	accountID                                                 int64
	duration, warmup, soak                                    time.Duration
	prefillTokens, prefillUsers, prefillBUs                   int
	json                                                      bool
	// pgURL is the PostgreSQL database of the own server(s) ("" for a temp
	// SQLite file), keyFile its key file (optional), instances how many
	// servers share it.
	pgURL, keyFile string
	instances      int
	// generator names the load generators; wrkThreads is wrk's -t.
	generator  string
	wrkThreads int
	// gomaxprocs lists the GOMAXPROCS values of the own servers, one pass
	// each; serverCPUs and loadCPUs pin the servers and the load generator
	// with taskset, or pin does for each pass (see placements).
	gomaxprocs, serverCPUs, loadCPUs string
	pin                              bool
}

// maxInstances caps bench --instances.
const maxInstances = 8

// parseBenchFlags parses and checks the arguments of "fuelgate bench".
func (m *Main) parseBenchFlags(args []string) (*benchFlags, error) {
	f := &benchFlags{}
	var c common
	fs := m.newFlags("bench", &c)
	fs.StringVar(&f.target, "target", "", "base URL of a running fuelgate (default: start one on a temp database)")
	fs.StringVar(&f.clientID, "client-id", "", "client ID for --target (secret in FUELGATE_BENCH_CLIENT_SECRET)")
	fs.Int64Var(&f.accountID, "account-id", 0, "MID for --target tokens")
	fs.StringVar(&f.username, "username", "", "API user for --target (password in FUELGATE_BENCH_PASSWORD)")
	fs.StringVar(&f.scenarios, "scenarios", "baseline,token,soap-token,soap-text,soap-digest", "comma-separated scenarios; with baseline among them, every other scenario runs between two baseline runs and its ratios are to their mean")
	fs.StringVar(&f.connections, "connections", "16", "comma-separated connection counts, e.g. 16,64")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "measured time per scenario (max 10m; wrk rounds up to whole seconds)")
	fs.DurationVar(&f.warmup, "warmup", time.Second, "load sent before each measured run, not counted (0: none)")
	fs.DurationVar(&f.soak, "soak", 0, "instead of scenarios, run mixed load this long and report errors and RSS over time (max 1h)")
	fs.IntVar(&f.prefillTokens, "prefill-tokens", 0, "store this many extra tokens before measuring (own server only)")
	fs.IntVar(&f.prefillUsers, "prefill-users", 0, "create this many extra users before measuring (own server only)")
	fs.IntVar(&f.prefillBUs, "prefill-bus", 0, "create this many extra business units before measuring (own server only)")
	fs.StringVar(&f.dbDir, "dir", "", "directory for the own server's SQLite database (default: a temp dir, removed afterwards)")
	fs.IntVar(&f.instances, "instances", 1, "start this many servers on the --db PostgreSQL database and spread connections over them (own server only)")
	fs.StringVar(&f.generator, "generator", "auto", "load generator: wrk (the wrk program), builtin (this process), both as wrk,builtin (the whole run once per generator), or auto: wrk when it is on PATH, else builtin")
	fs.IntVar(&f.wrkThreads, "wrk-threads", 0, "wrk threads (default: the CPUs, at least one per instance)")
	fs.StringVar(&f.gomaxprocs, "gomaxprocs", "", "comma-separated GOMAXPROCS values for the own servers and the baseline, e.g. 1,2: the whole run once per value (default: Go's)")
	fs.StringVar(&f.serverCPUs, "server-cpus", "", "run the own servers and the baseline under taskset -c with this CPU list, e.g. 0")
	fs.StringVar(&f.loadCPUs, "load-cpus", "", "run wrk under taskset -c with this CPU list, e.g. 1 (the built-in generator runs in this process: start fuelgate bench itself under taskset)")
	fs.BoolVar(&f.pin, "pin", false, "with --gomaxprocs: in the pass for GOMAXPROCS n, pin the own servers and the baseline to CPUs 0…n-1 and wrk to the other CPUs (all of them when none is left)")
	fs.Lookup("db").Usage = "own server on PostgreSQL: the postgres:// URL of an empty database, which bench provisions and leaves filled " +
		"(default: SQLite in --dir); keys from FUELGATE_PEPPER/FUELGATE_ENCRYPTION_KEY or --key-file, else generated for the run"
	fs.Lookup("db").DefValue = ""
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	f.json = c.json
	fs.Visit(func(fl *flag.Flag) { // an explicit --db only: FUELGATE_DB is the servers' setting, not the bench's
		if fl.Name == "db" {
			f.pgURL = c.db
		}
	})
	if f.pgURL != "" {
		f.keyFile = c.keyFile // a SQLite run keeps its keys beside its temp database
	}
	return f, f.check()
}

// cpuList matches a taskset CPU list such as 0, 0-1 or 0,2.
var cpuList = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)

// check reports a usage error for flags that do not go together.
func (f *benchFlags) check() error {
	own := f.target == ""
	switch {
	case f.duration > 10*time.Minute || f.soak > time.Hour:
		return fmt.Errorf("%w: --duration is capped at 10m and --soak at 1h", errUsage)
	case f.warmup < 0 || f.warmup > time.Minute:
		return fmt.Errorf("%w: --warmup must be between 0 and 1m", errUsage)
	case f.pgURL != "" && !isPostgresURL(f.pgURL):
		return fmt.Errorf("%w: bench --db takes a postgres:// URL (the SQLite database goes in --dir)", errUsage)
	case f.instances < 1 || f.instances > maxInstances:
		return fmt.Errorf("%w: --instances must be between 1 and %d", errUsage, maxInstances)
	case f.instances > 1 && f.pgURL == "":
		return fmt.Errorf("%w: --instances above 1 needs --db with a PostgreSQL URL (instances share one database)", errUsage)
	case !own && (f.pgURL != "" || f.instances > 1):
		return fmt.Errorf("%w: --db and --instances start own servers; they do not go with --target", errUsage)
	case !own && (f.gomaxprocs != "" || f.serverCPUs != "" || f.pin):
		return fmt.Errorf("%w: --gomaxprocs, --server-cpus and --pin set up own servers; they do not go with --target", errUsage)
	case f.pin && (f.gomaxprocs == "" || f.serverCPUs != "" || f.loadCPUs != ""):
		return fmt.Errorf("%w: --pin needs --gomaxprocs and places the processes itself (no --server-cpus or --load-cpus)", errUsage)
	case f.soak > 0 && (strings.Contains(f.gomaxprocs, ",") || strings.Contains(f.generator, ",")):
		return fmt.Errorf("%w: --soak runs with one generator and one GOMAXPROCS value", errUsage)
	case f.wrkThreads < 0 || f.wrkThreads > 64:
		return fmt.Errorf("%w: --wrk-threads must be between 1 and 64", errUsage)
	}
	for _, l := range []struct{ name, v string }{{"server-cpus", f.serverCPUs}, {"load-cpus", f.loadCPUs}} {
		if l.v != "" && !cpuList.MatchString(l.v) {
			return fmt.Errorf("%w: --%s takes a CPU list such as 0, 0-1 or 0,2", errUsage, l.name)
		}
	}
	if _, err := f.procs(); err != nil {
		return err
	}
	if _, err := intList(f.connections); err != nil {
		return err
	}
	_, err := f.generators("wrk") // the names only: whether wrk is installed is checked when the bench runs
	return err
}

// placement is how one pass runs the processes: the servers' (and the
// baseline's) GOMAXPROCS (0: Go's default) and CPU list, and wrk's CPU list
// ("": no pinning).
type placement struct {
	procs                int
	serverCPUs, loadCPUs string
}

// generator is g placed on pl's load CPUs (wrk only: the built-in
// generator runs in this process).
func (pl placement) generator(g bench.Options) bench.Options {
	if g.Wrk != "" {
		g.CPUs = pl.loadCPUs
	}
	return g
}

// placements lists the passes. With --pin, the pass for GOMAXPROCS n pins
// the servers to CPUs 0…n-1 and wrk to CPUs n…, of the cpus this machine has.
func (f *benchFlags) placements(cpus int) []placement {
	procs, _ := f.procs() // checked with the flags
	var out []placement
	for _, n := range procs {
		pl := placement{procs: n, serverCPUs: f.serverCPUs, loadCPUs: f.loadCPUs}
		if f.pin {
			pl.serverCPUs, pl.loadCPUs = cpuRange(0, min(n, cpus)-1), ""
			if n < cpus {
				pl.loadCPUs = cpuRange(n, cpus-1)
			}
		}
		out = append(out, pl)
	}
	return out
}

// cpuRange is the taskset list of CPUs from through to.
func cpuRange(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

// procs lists the GOMAXPROCS values, one pass each; 0 is Go's default.
func (f *benchFlags) procs() ([]int, error) {
	if f.gomaxprocs == "" {
		return []int{0}, nil
	}
	var out []int
	for _, p := range strings.Split(f.gomaxprocs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("%w: --gomaxprocs takes numbers between 1 and 256, e.g. 1,2", errUsage)
		}
		out = append(out, n)
	}
	return out, nil
}

// generators returns the load generators' options in run order; wrk is
// the path of the wrk binary ("" when it is not installed).
func (f *benchFlags) generators(wrk string) ([]bench.Options, error) {
	var out []bench.Options
	for _, name := range strings.Split(f.generator, ",") {
		switch name = strings.TrimSpace(name); {
		case name == "auto" && wrk == "":
			out = append(out, bench.Options{})
		case name == "wrk" && wrk == "":
			return nil, fmt.Errorf("%w: --generator wrk: wrk is not on PATH (Debian package wrk)", errUsage)
		case name == "wrk" || name == "auto":
			out = append(out, bench.Options{Wrk: wrk, Threads: f.wrkThreads}) // CPUs: set per pass
		case name == "builtin":
			out = append(out, bench.Options{})
		default:
			return nil, fmt.Errorf("%w: --generator takes wrk, builtin, wrk,builtin or auto", errUsage)
		}
		if g := out[len(out)-1]; g.Wrk == "" && f.loadCPUs != "" {
			return nil, fmt.Errorf("%w: --load-cpus pins wrk; the built-in generator runs in this process (start fuelgate bench under taskset -c instead)", errUsage)
		}
	}
	return out, nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 || n > 1024 {
			return nil, fmt.Errorf("%w: connections must be numbers between 1 and 1024", errUsage)
		}
		out = append(out, n)
	}
	return out, nil
}

// isPostgresURL reports whether dsn names a PostgreSQL database (as openStore decides).
func isPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
