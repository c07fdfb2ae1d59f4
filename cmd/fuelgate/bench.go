package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/bench"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

type benchFlags struct {
	target, clientID, username, scenarios, connections, dbDir string
	accountID                                                 int64
	duration, soak                                            time.Duration
	prefillTokens, prefillUsers, prefillBUs                   int
	json                                                      bool
	// pgURL is the PostgreSQL database of the own server(s) ("" for a temp
	// SQLite file), keyFile its key file (optional), instances how many
	// servers share it.
	pgURL, keyFile string
	instances      int
}

// maxInstances caps bench --instances.
const maxInstances = 8

// bench provisions (or uses) a server and drives the load scenarios.
func (m *Main) bench(ctx context.Context, args []string) error {
	var f benchFlags
	var c common
	fs := m.newFlags("bench", &c)
	fs.StringVar(&f.target, "target", "", "base URL of a running fuelgate (default: start one on a temp database)")
	fs.StringVar(&f.clientID, "client-id", "", "client ID for --target (secret in FUELGATE_BENCH_CLIENT_SECRET)")
	fs.Int64Var(&f.accountID, "account-id", 0, "MID for --target tokens")
	fs.StringVar(&f.username, "username", "", "API user for --target (password in FUELGATE_BENCH_PASSWORD)")
	fs.StringVar(&f.scenarios, "scenarios", "baseline,token,soap-token,soap-text,soap-digest", "comma-separated scenarios; with baseline among them, every other scenario runs between two baseline runs and its ratios are to their mean")
	fs.StringVar(&f.connections, "connections", "16", "comma-separated connection counts, e.g. 16,64")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "measured time per scenario (max 10m)")
	fs.DurationVar(&f.soak, "soak", 0, "instead of scenarios, run mixed load this long and report errors and RSS over time (max 1h)")
	fs.IntVar(&f.prefillTokens, "prefill-tokens", 0, "store this many extra tokens before measuring (own server only)")
	fs.IntVar(&f.prefillUsers, "prefill-users", 0, "create this many extra users before measuring (own server only)")
	fs.IntVar(&f.prefillBUs, "prefill-bus", 0, "create this many extra business units before measuring (own server only)")
	fs.StringVar(&f.dbDir, "dir", "", "directory for the own server's SQLite database (default: a temp dir, removed afterwards)")
	fs.IntVar(&f.instances, "instances", 1, "start this many servers on the --db PostgreSQL database and spread connections over them (own server only)")
	fs.Lookup("db").Usage = "own server on PostgreSQL: the postgres:// URL of an empty database, which bench provisions and leaves filled " +
		"(default: SQLite in --dir); keys from FUELGATE_PEPPER/FUELGATE_ENCRYPTION_KEY or --key-file, else generated for the run"
	fs.Lookup("db").DefValue = ""
	if err := parse(fs, args); err != nil {
		return err
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
	if f.duration > 10*time.Minute || f.soak > time.Hour {
		return fmt.Errorf("%w: --duration is capped at 10m and --soak at 1h", errUsage)
	}
	if f.pgURL != "" && !isPostgresURL(f.pgURL) {
		return fmt.Errorf("%w: bench --db takes a postgres:// URL (the SQLite database goes in --dir)", errUsage)
	}
	if f.instances < 1 || f.instances > maxInstances {
		return fmt.Errorf("%w: --instances must be between 1 and %d", errUsage, maxInstances)
	}
	if f.instances > 1 && f.pgURL == "" {
		return fmt.Errorf("%w: --instances above 1 needs --db with a PostgreSQL URL (instances share one database)", errUsage)
	}
	if f.target != "" && (f.pgURL != "" || f.instances > 1) {
		return fmt.Errorf("%w: --db and --instances start own servers; they do not go with --target", errUsage)
	}
	conns, err := intList(f.connections)
	if err != nil {
		return err
	}
	rep := &bench.Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	var target *bench.Target
	if f.target != "" {
		target = &bench.Target{URL: strings.TrimRight(f.target, "/"), ClientID: f.clientID, AccountID: f.accountID,
			ClientSecret: m.Getenv("FUELGATE_BENCH_CLIENT_SECRET"), Username: f.username, Password: m.Getenv("FUELGATE_BENCH_PASSWORD")}
	} else {
		var stop func()
		target, rep.StartupMS, stop, err = m.benchServer(ctx, &f)
		if err != nil {
			return err
		}
		defer stop()
		rep.Backend, rep.Instances = "sqlite", f.instances
		if f.pgURL != "" {
			rep.Backend = "postgres"
		}
	}
	if f.soak > 0 {
		return m.soak(ctx, target, conns[0], f.soak, f.json)
	}
	var scenarios []bench.Scenario
	withBaseline := false
	for _, name := range strings.Split(f.scenarios, ",") {
		sc, ok := bench.ScenarioByName(strings.TrimSpace(name))
		if !ok {
			return fmt.Errorf("%w: unknown scenario %q", errUsage, name)
		}
		if sc.Name == "baseline" {
			withBaseline = true
			continue
		}
		scenarios = append(scenarios, sc)
	}
	baseTarget := &bench.Target{}
	if withBaseline {
		baseURL, basePID, stopBase, err := m.startChild(ctx, nil, "bench-baseline", "--addr", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer stopBase()
		baseTarget = &bench.Target{URL: baseURL, PID: basePID}
	}
	opts := func(c int) bench.Options {
		return bench.Options{Duration: f.duration, Connections: c, Progress: m.Stderr}
	}
	// With the baseline, each scenario runs between two baseline runs and
	// its ratios are taken against their mean, so that the machine's speed
	// drifting during the bench moves both sides of a ratio alike.
	for _, c := range conns {
		var before *bench.Result
		if withBaseline {
			if before, err = bench.Run(ctx, baseTarget, bench.Baseline(), opts(c)); err != nil {
				return err
			}
			rep.Results = append(rep.Results, before)
		}
		for _, sc := range scenarios {
			res, err := bench.Run(ctx, target, sc, opts(c))
			if err != nil {
				return err
			}
			rep.Results = append(rep.Results, res)
			if withBaseline {
				after, err := bench.Run(ctx, baseTarget, bench.Baseline(), opts(c))
				if err != nil {
					return err
				}
				res.SetReference(before, after)
				rep.Results = append(rep.Results, after)
				before = after
			}
		}
	}
	if f.json {
		return json.NewEncoder(m.Stdout).Encode(rep)
	}
	rep.WriteTable(m.Stdout)
	return nil
}

// benchServer starts "fuelgate serve" on a fresh database — a temp SQLite
// file, or the empty PostgreSQL database f.pgURL shared by f.instances
// servers — provisions it, and returns the target, the time from start to a
// ready /readyz (of the first server), and a stop function.
func (m *Main) benchServer(ctx context.Context, f *benchFlags) (*bench.Target, float64, func(), error) {
	t := &bench.Target{Username: "bench_api", Password: secret.Password()}
	db, cleanup, keys, err := m.benchDatabase(f)
	if err != nil {
		return nil, 0, nil, err
	}
	// Provisioning and the servers read the keys from this environment.
	pm := *m
	pm.Getenv = func(k string) string {
		if v, ok := keys[k]; ok {
			return v
		}
		return m.Getenv(k)
	}
	if err := pm.provisionBench(ctx, &common{db: db, keyFile: f.keyFile}, t, f); err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", db}
	if f.keyFile != "" {
		args = append(args, "--key-file", f.keyFile)
	}
	var env []string
	for k, v := range keys {
		env = append(env, k+"="+v)
	}
	var stops []func()
	stopAll := func() {
		for _, stop := range stops {
			stop()
		}
		cleanup()
	}
	var ready float64
	for i := range f.instances {
		start := time.Now()
		url, pid, stop, err := m.startChild(ctx, env, args...)
		if err != nil {
			stopAll()
			return nil, 0, nil, err
		}
		if i == 0 {
			ready = float64(time.Since(start)) / float64(time.Millisecond)
		}
		stops = append(stops, stop)
		t.URLs, t.PIDs = append(t.URLs, url), append(t.PIDs, pid)
	}
	t.URL, t.PID = t.URLs[0], t.PIDs[0]
	if len(t.URLs) == 1 {
		t.URLs, t.PIDs = nil, nil
	}
	return t, ready, stopAll, nil
}

// benchDatabase returns the database the own server uses, a function that
// removes it (SQLite temp dir only), and the environment variables that
// provisioning and the servers see in place of this process's: for SQLite
// an empty FUELGATE_KEY_FILE (the key file is <db>.key, or the keys of the
// environment), and for PostgreSQL without --key-file the FUELGATE_PEPPER
// and FUELGATE_ENCRYPTION_KEY of the environment, or keys generated for
// this run.
func (m *Main) benchDatabase(f *benchFlags) (string, func(), map[string]string, error) {
	if f.pgURL != "" {
		keys := map[string]string{}
		if f.keyFile == "" {
			p, e := m.Getenv(secret.EnvPepper), m.Getenv(secret.EnvEncryptionKey)
			if p == "" && e == "" {
				p, e = base64.StdEncoding.EncodeToString(secret.Bytes(32)), base64.StdEncoding.EncodeToString(secret.Bytes(32))
			}
			keys[secret.EnvPepper], keys[secret.EnvEncryptionKey] = p, e
		}
		return f.pgURL, func() {}, keys, nil
	}
	dir := f.dbDir
	cleanup := func() {}
	if dir == "" {
		d, err := os.MkdirTemp("", "fuelgate-bench-")
		if err != nil {
			return "", nil, nil, err
		}
		dir, cleanup = d, func() { os.RemoveAll(d) }
	}
	return filepath.Join(dir, "bench.db"), cleanup, map[string]string{"FUELGATE_KEY_FILE": ""}, nil
}

// provisionBench creates the enterprise, package, API user and prefill on
// the database c names, which must hold no business unit yet.
func (m *Main) provisionBench(ctx context.Context, c *common, t *bench.Target, f *benchFlags) error {
	e, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	if existing, err := e.store.Accounts(ctx, fuelgate.AccountFilter{}); err != nil {
		return err
	} else if len(existing) > 0 {
		return fmt.Errorf("%w: bench provisions an empty database; %s already has business units (create a new database for each run)",
			errUsage, redactDSN(c.db))
	}
	op := manage.Operator()
	ent, err := e.manage.CreateEnterprise(ctx, op, "Bench Enterprise")
	if err != nil {
		return err
	}
	pkg, sec, err := e.manage.CreatePackage(ctx, op, manage.NewPackage{MID: ent.MID, Name: "bench", Scopes: []string{"accounts_read", "users_read"}})
	if err != nil {
		return err
	}
	role, err := e.manage.CreateRole(ctx, op, ent.MID, "API Access", "", []string{fuelgate.PermWebServicesAPI})
	if err != nil {
		return err
	}
	if _, err := e.manage.CreateUser(ctx, op, manage.NewUser{MID: ent.MID, Username: t.Username, Name: "Bench API",
		Email: "bench@example.com", Password: t.Password, APIUser: true, Roles: []string{role.ID}, DigestCapable: true}); err != nil {
		return err
	}
	on := true
	if _, err := e.manage.UpdateSettings(ctx, op, ent.MID, manage.SettingsChange{APIPasswordLogin: &on}); err != nil {
		return err
	}
	t.ClientID, t.ClientSecret, t.AccountID = pkg.ClientID, sec, ent.MID
	return prefill(ctx, e.store, pkg, ent.MID, f)
}

// prefill stores extra BUs, users and tokens in large transactions.
func prefill(ctx context.Context, st fuelgate.Store, pkg *fuelgate.Package, ent int64, f *benchFlags) error {
	now := time.Now().UTC()
	const batch = 5000
	for done := 0; done < f.prefillBUs; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillBUs); i++ {
				a := &fuelgate.Account{MID: ent + 1000 + int64(i), ParentMID: ent, Name: "bu-" + strconv.Itoa(i), Active: true, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateAccount(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	hash := secret.HashPassword(secret.Password()) // one slow hash shared by every prefilled user
	for done := 0; done < f.prefillUsers; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillUsers); i++ {
				u := &fuelgate.User{EnterpriseMID: ent, Username: "user" + strconv.Itoa(i), Name: "u", Email: "u@example.com",
					PasswordHash: hash, PasswordVersion: 1, Active: true, DefaultMID: ent, MIDs: []int64{ent}, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for done := 0; done < f.prefillTokens; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillTokens); i++ {
				// Spread over the last 24 hours, as a store holding a day of
				// tokens (most expired, kept for the grace period) would be.
				issued := now.Add(-24*time.Hour + time.Duration(i)*(24*time.Hour)/time.Duration(f.prefillTokens))
				_, key := auth.NewTokenText(issued)
				tok := &fuelgate.Token{Hash: key, Kind: fuelgate.TokenAccess, PackageID: pkg.ID,
					ClientID: pkg.ClientID, MID: ent, Scopes: pkg.Scopes, IssuedAt: issued, ExpiresAt: issued.Add(20 * time.Minute)}
				if err := tx.CreateToken(ctx, tok); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// startChild runs this binary with args and env added to this process's
// environment, waits until it logs its address and answers /readyz (or /),
// and returns its URL, PID and a stop function. The child's log goes to a
// temporary file, not through a pipe, so that reading it costs the load
// generator nothing while it measures; a child that does not start has the
// end of its log in the error.
func (m *Main) startChild(ctx context.Context, env []string, args ...string) (string, int, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	logFile, err := os.CreateTemp("", "fuelgate-bench-*.log")
	if err != nil {
		return "", 0, nil, err
	}
	removeLog := func() { logFile.Close(); os.Remove(logFile.Name()) }
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, logFile
	if err := cmd.Start(); err != nil {
		removeLog()
		return "", 0, nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		removeLog()
	}
	fail := func(why string) (string, int, func(), error) {
		stop()
		return "", 0, nil, fmt.Errorf("bench: %s %s: %s", args[0], why, logTail(logFile.Name()))
	}
	re := regexp.MustCompile(`msg="fuelgate listening" addr=(\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(logFile.Name()); err == nil {
			if mm := re.FindSubmatch(b); mm != nil {
				url := "http://" + string(mm[1])
				if err := waitReady(ctx, url, args[0] == "serve"); err != nil {
					return fail(err.Error())
				}
				return url, cmd.Process.Pid, stop, nil
			}
		}
		select {
		case <-exited:
			return fail("exited")
		case <-ctx.Done():
			return fail(ctx.Err().Error())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fail("did not start within 30s")
		}
	}
}

// logTail is the last lines of a child's log, for an error message.
func logTail(path string) string {
	b, _ := os.ReadFile(path)
	s := strings.TrimSpace(string(b))
	if len(s) > 1000 {
		s = "…" + s[len(s)-1000:]
	}
	if s == "" {
		return "(no output)"
	}
	return s
}

func waitReady(ctx context.Context, url string, fuelgate bool) error {
	path := "/"
	if fuelgate {
		path = "/readyz"
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+path, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return errors.New("bench: server not ready within 30s")
}

// benchBaseline serves the trivial handler the bench compares against: a
// small JSON body from net/http, nothing else.
func (m *Main) benchBaseline(ctx context.Context, args []string) error {
	fs := m.newFlags("bench-baseline", new(common))
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	body := []byte(`{"status":"ok","service":"baseline"}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	logger(m.Stderr, "text").Info("fuelgate listening", "addr", ln.Addr().String())
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
