package compat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
)

// Each script must finish within scriptTimeout; the whole package stays well
// under three minutes (the waits for a real token expiry run in parallel).
const (
	scriptTimeout = 90 * time.Second
	startTimeout  = 30 * time.Second
	apiPassword   = "Compat-Passw0rd!"
)

// fuelChecks and zeepChecks are the checks each script must report, in
// order. A check the script does not report fails as missing.
var fuelChecks = []string{
	"fuel-auth token",
	"fuel-auth token with scope",
	"fuel-auth wrong secret",
	"fuel-soap Retrieve BusinessUnit",
	"fuel-soap Retrieve default properties",
	"fuel-soap Create AccountUser",
	"fuel-soap Create AccountUser without Password is a business error",
	"fuel-soap Update AccountUser",
	"fuel-soap Delete AccountUser",
	"fuel-soap Retrieve unknown type is a Retrieve error",
	"fuel-soap wrong secret gives No access token",
	"fuel-soap garbage token gives Login Failed",
	"fuel-soap short-lived token (expires_in 4)",
	"fuel-soap refreshes after expiry (cached expires_in)",
	"fuel-soap Token Expired retries once with the same token",
}

var zeepChecks = []string{
	"zeep loads the served WSDL",
	"zeep fueloauth Retrieve BusinessUnit",
	"zeep fueloauth Create AccountUser",
	"zeep fueloauth Update and Delete AccountUser",
	"zeep fueloauth garbage token faults Login Failed",
	"zeep UsernameToken PasswordText",
	"zeep UsernameToken PasswordDigest (Created +00:00)",
	"zeep UsernameToken PasswordDigest zulu_timestamp",
	"zeep UsernameToken wrong password faults Login Failed",
	"zeep expired token faults Token Expired and a fresh token works",
}

var sudsChecks = []string{
	"suds FuelSDK loads a local copy of the WSDL (absolute schema import)",
	"suds FuelSDK get_server_wsdl refreshes by Last-Modified",
	"suds FuelSDK fueloauth Retrieve BusinessUnit",
	"suds FuelSDK fueloauth Create AccountUser",
	"suds FuelSDK fueloauth Update and Delete AccountUser",
	"suds FuelSDK garbage token gives Login Failed",
	"suds FuelSDK legacy mode (oAuth + */* UsernameToken) Retrieve",
	"suds UsernameToken PasswordText",
	"suds UsernameToken PasswordText with Nonce and Created",
	"suds UsernameToken wrong password faults Login Failed",
}

var phpChecks = []string{
	"PHP FuelSDK getWSDL copies the WSDL and SoapClient loads the copy (absolute schema import)",
	"PHP FuelSDK getWSDL refreshes by Last-Modified",
	"PHP FuelSDK fueloauth Retrieve BusinessUnit",
	"PHP FuelSDK fueloauth Create AccountUser",
	"PHP FuelSDK fueloauth Update and Delete AccountUser",
	"PHP FuelSDK garbage token faults Login Failed",
	"PHP FuelSDK legacy mode (oAuth + */* UsernameToken) Retrieve",
	"PHP SoapClient UsernameToken PasswordText",
	"PHP SoapClient UsernameToken PasswordDigest",
	"PHP SoapClient UsernameToken wrong password faults Login Failed",
}

var nodeSoapChecks = []string{
	"node-soap loads the served WSDL",
	"node-soap fueloauth Retrieve BusinessUnit",
	"node-soap fueloauth garbage token faults Login Failed",
	"node-soap WSSecurity PasswordText",
	"node-soap WSSecurity PasswordDigest",
	"node-soap WSSecurity wrong password faults Login Failed",
}

// TestNodeSoap runs node_soap_client.js (npm soap 1.x, the generic SOAP
// client) with the WSDL the server serves.
func TestNodeSoap(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		fgtest.Missing(t, "node is not installed; install Node.js, then run `cd compat && npm ci`")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "soap", "package.json")); err != nil {
		fgtest.Missing(t, "compat/node_modules/soap is missing; run `cd compat && npm ci`")
	}
	s := startServer(t)
	runScript(t, s, nodeSoapChecks, node, "node_soap_client.js")
}

// TestFuelAuthFuelSoap runs fuel_clients.js (npm fuel-auth 3.x, fuel-soap 2.x).
func TestFuelAuthFuelSoap(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		fgtest.Missing(t, "node is not installed; install Node.js, then run `cd compat && npm ci`")
	}
	for _, m := range []string{"fuel-auth", "fuel-soap"} {
		if _, err := os.Stat(filepath.Join("node_modules", m, "package.json")); err != nil {
			fgtest.Missing(t, "compat/node_modules/"+m+" is missing; run `cd compat && npm ci`")
		}
	}
	s := startServer(t)
	runScript(t, s, fuelChecks, node, "fuel_clients.js")
}

// TestZeep runs zeep_client.py with Debian's python3-zeep.
func TestZeep(t *testing.T) {
	t.Parallel()
	python := systemPython(t, "zeep", "python3-zeep")
	s := startServer(t)
	runScript(t, s, zeepChecks, python, "zeep_client.py")
}

// TestSuds runs suds_client.py with Debian's python3-suds, driven as
// FuelSDK-Python drives it.
func TestSuds(t *testing.T) {
	t.Parallel()
	python := systemPython(t, "suds", "python3-suds")
	s := startServer(t)
	runScript(t, s, sudsChecks, python, "suds_client.py")
}

// TestPHPSoapClient runs php_client.php with Debian's php-cli and its soap,
// xml and curl extensions, driven as FuelSDK-PHP drives SoapClient.
func TestPHPSoapClient(t *testing.T) {
	t.Parallel()
	php, err := exec.LookPath("php")
	if err != nil {
		fgtest.Missing(t, "php is not installed; run `apt-get install php-cli php-soap php-xml php-curl`")
	}
	if out, err := exec.Command(php, "-r", `foreach (["soap", "curl", "dom"] as $e) { if (!extension_loaded($e)) { echo $e; exit(1); } }`).CombinedOutput(); err != nil {
		fgtest.Missing(t, fmt.Sprintf("php lacks the %s extension (%v); run `apt-get install php-cli php-soap php-xml php-curl`",
			strings.TrimSpace(string(out)), err))
	}
	s := startServer(t)
	runScript(t, s, phpChecks, php, "php_client.php")
}

// systemPython returns the interpreter that can import module (Debian
// installs python3-* packages for /usr/bin/python3; a python3 earlier on
// PATH, from pyenv or a venv, cannot import them), or skips.
func systemPython(t *testing.T, module, debPackage string) string {
	t.Helper()
	python := os.Getenv("COMPAT_PYTHON") // another interpreter that has the module
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import "+module).CombinedOutput(); err != nil {
		fgtest.Missing(t, fmt.Sprintf("%s cannot import %s (%v: %s); run `apt-get install %s`",
			python, module, err, strings.TrimSpace(lastLine(string(out))), debPackage))
	}
	return python
}

// TestLockfile checks the pinned npm clients and that package-lock.json
// names no registry host (npm ci uses the configured registry).
func TestLockfile(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, "package.json", &pkg)
	for name, major := range map[string]string{"fuel-auth": "3.", "fuel-soap": "2."} {
		v := pkg.Dependencies[name]
		if !strings.HasPrefix(v, major) || strings.ContainsAny(v, "^~<>=* ") {
			t.Errorf("package.json: %s %q, want an exact %sx version", name, v, major)
		}
	}
	var lock struct {
		Packages map[string]map[string]any `json:"packages"`
	}
	readJSON(t, "package-lock.json", &lock)
	for name, p := range lock.Packages {
		if _, ok := p["resolved"]; ok {
			t.Errorf("package-lock.json: %q has a \"resolved\" URL; compat/.npmrc sets omit-lockfile-registry-resolved", name)
		}
	}
	for name, want := range pkg.Dependencies {
		if got := lock.Packages["node_modules/"+name]["version"]; got != want {
			t.Errorf("package-lock.json: %s version %v, package.json pins %s", name, got, want)
		}
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var lineRE = regexp.MustCompile(`^(PASS|FAIL) (.+)$`)

// runScript runs a client script and turns its PASS/FAIL lines into subtests.
func runScript(t *testing.T, s *server, want []string, prog string, args ...string) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("fuelgate log:\n%s", s.log.String())
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Env = s.env()
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("%s %s: %v in %s\n%s", filepath.Base(prog), strings.Join(args, " "), exitText(runErr), time.Since(start).Round(time.Millisecond), stdout.String())
	if stderr.Len() > 0 {
		t.Logf("stderr:\n%s", stderr.String())
	}

	results := map[string]string{} // name → "" (pass) or the failure reason
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue // details, and the "PASS: n check(s) failed" summary
		}
		name, reason := m[2], ""
		if m[1] == "FAIL" {
			reason = "FAIL"
			if i := strings.Index(name, ": "); i >= 0 {
				name, reason = name[:i], name[i+2:]
			}
		}
		if _, seen := results[name]; !seen {
			order = append(order, name)
		}
		if prev := results[name]; prev == "" {
			results[name] = reason
		}
	}
	known := map[string]bool{}
	for _, name := range want {
		known[name] = true
		t.Run(name, func(t *testing.T) {
			reason, ok := results[name]
			switch {
			case !ok:
				t.Fatalf("the script did not report this check (exit: %v)", exitText(runErr))
			case reason != "":
				t.Fatal(reason)
			}
		})
	}
	for _, name := range order {
		if known[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			if reason := results[name]; reason != "" {
				t.Fatal(reason)
			}
			t.Log("check not listed in compat_test.go")
		})
	}
	failed := false
	for _, r := range results {
		failed = failed || r != ""
	}
	switch {
	case ctx.Err() != nil:
		t.Errorf("%s did not finish within %s", args[0], scriptTimeout)
	case runErr != nil && !failed:
		t.Errorf("%s exited with %v without reporting a failed check", args[0], runErr)
	case runErr == nil && failed:
		t.Errorf("%s reported a failed check but exited 0", args[0])
	}
}

func exitText(err error) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error()
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// server is one fuelgate started for the whole test run.
type server struct {
	base    string
	cmd     *exec.Cmd
	exited  chan error // receives the server's exit
	log     *fgtest.Buffer
	dir     string
	vars    map[string]string // FUELGATE_* variables for the scripts
	baseEnv []string
	bin, db string // the built binary and its database
}

func (s *server) env() []string {
	// Loopback only: no proxy from the environment may see these requests.
	env := append(append([]string(nil), s.baseEnv...), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	for k, v := range s.vars {
		env = append(env, k+"="+v)
	}
	return env
}

var (
	srvOnce sync.Once
	srv     *server
	srvErr  error
)

// startServer builds the binary, provisions a fresh database and starts
// "fuelgate serve" once per test run; TestMain stops it.
func startServer(t *testing.T) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the compatibility tests build and run the fuelgate binary")
	}
	srvOnce.Do(func() { srv, srvErr = newServer() })
	if srvErr != nil {
		t.Fatalf("starting fuelgate: %v", srvErr)
	}
	return srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	os.Exit(code)
}

func (s *server) stop() {
	if s.cmd != nil {
		s.cmd.Process.Kill()
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
		}
	}
	os.RemoveAll(s.dir)
}

// cli runs the fuelgate CLI on the server's database with --json and
// returns its output.
func (s *server) cli(extraEnv []string, args ...string) (map[string]any, error) {
	args = append(args, "--db", s.db, "--json")
	c := exec.Command(s.bin, args...)
	c.Env = append(append([]string(nil), s.baseEnv...), extraEnv...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("fuelgate %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("fuelgate %s: output %q: %v", strings.Join(args, " "), out, err)
	}
	return v, nil
}

// jsonString returns v[key] of a CLI output as text (numbers in decimal).
func jsonString(v map[string]any, key string) string {
	switch x := v[key].(type) {
	case string:
		return x
	case float64:
		return strconv.FormatInt(int64(x), 10)
	}
	return ""
}

// cleanEnv is the environment without FUELGATE_* variables, so a developer's
// settings (FUELGATE_DB, FUELGATE_ADDR, FUELGATE_PUBLIC_URL, keys) do not leak
// into the test server, the CLI or the scripts.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FUELGATE_") {
			env = append(env, kv)
		}
	}
	return env
}

func newServer() (_ *server, err error) {
	dir, err := os.MkdirTemp("", "fuelgate-compat-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, log: &fgtest.Buffer{}, baseEnv: cleanEnv(), vars: map[string]string{}}
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	s.bin, s.db = filepath.Join(dir, "fuelgate"), filepath.Join(dir, "fuelgate.db")
	bin, db := s.bin, s.db
	build := exec.Command("go", "build", "-o", bin, "github.com/fuelgate/fuelgate/cmd/fuelgate")
	build.Env = s.baseEnv
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	cli, str := s.cli, jsonString

	// Enterprise 1: 20-minute tokens, username/password logins on, an API
	// user with the WebServices API permission through a custom role, and a
	// package with the scopes the scripts use. A child BU shows that a token
	// reads only its own BU.
	ent, err := cli(nil, "bu", "create", "--name", "Compat Enterprise")
	if err != nil {
		return nil, err
	}
	mid := str(ent, "mid")
	if _, err := cli(nil, "bu", "create", "--parent", mid, "--name", "Compat Child"); err != nil {
		return nil, err
	}
	if _, err := cli(nil, "role", "create", "--mid", mid, "--name", "Compat API",
		"--permission", "email.admin.api_access.webservices_api"); err != nil {
		return nil, err
	}
	if _, err := cli([]string{"FUELGATE_PASSWORD=" + apiPassword}, "user", "create", "--mid", mid,
		"--username", "compat_api", "--name", "Compat API User", "--email", "compat_api@example.com",
		"--api-user", "--role", "Compat API", "--digest-capable"); err != nil {
		return nil, err
	}
	pkg, err := cli(nil, "package", "create", "--mid", mid, "--name", "Compat",
		"--scopes", "accounts_read accounts_write users_read users_write")
	if err != nil {
		return nil, err
	}
	legacy, err := cli(nil, "package", "create", "--mid", mid, "--name", "Compat Legacy", "--legacy",
		"--scopes", "accounts_read accounts_write users_read users_write")
	if err != nil {
		return nil, err
	}
	if _, err := cli(nil, "settings", "set", "--mid", mid, "--api-password-login", "on"); err != nil {
		return nil, err
	}

	// Enterprise 2: 5-second tokens (expires_in 4) for the expiry checks.
	exp, err := cli(nil, "bu", "create", "--name", "Expiry Enterprise")
	if err != nil {
		return nil, err
	}
	expMID := str(exp, "mid")
	set, err := cli(nil, "settings", "set", "--mid", expMID, "--token-lifetime", "5s")
	if err != nil {
		return nil, err
	}
	if str(set, "expires_in") != "4" {
		return nil, fmt.Errorf("settings set --token-lifetime 5s: %v, want expires_in 4", set)
	}
	expPkg, err := cli(nil, "package", "create", "--mid", expMID, "--name", "Expiry", "--scopes", "accounts_read")
	if err != nil {
		return nil, err
	}

	s.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	s.cmd.Env = s.baseEnv
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	listening := regexp.MustCompile(`msg="fuelgate listening" addr=(\S+)`)
	deadline := time.After(startTimeout)
	for s.base == "" {
		if m := listening.FindStringSubmatch(s.log.String()); m != nil {
			s.base = "http://" + m[1]
			break
		}
		select {
		case err := <-s.exited:
			s.cmd = nil
			return nil, fmt.Errorf("fuelgate serve exited (%v):\n%s", err, s.log.String())
		case <-deadline:
			return nil, fmt.Errorf("fuelgate serve did not report listening within %s:\n%s", startTimeout, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.vars = map[string]string{
		"FUELGATE_URL":                  s.base,
		"FUELGATE_MID":                  mid,
		"FUELGATE_CLIENT_ID":            str(pkg, "client_id"),
		"FUELGATE_CLIENT_SECRET":        str(pkg, "client_secret"),
		"FUELGATE_LEGACY_CLIENT_ID":     str(legacy, "client_id"),
		"FUELGATE_LEGACY_CLIENT_SECRET": str(legacy, "client_secret"),
		"FUELGATE_API_USER":             "compat_api",
		"FUELGATE_API_PASSWORD":         apiPassword,
		"FUELGATE_EXPIRY_MID":           expMID,
		"FUELGATE_EXPIRY_CLIENT_ID":     str(expPkg, "client_id"),
		"FUELGATE_EXPIRY_CLIENT_SECRET": str(expPkg, "client_secret"),
	}
	return s, nil
}
