package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
	"github.com/fuelgate/fuelgate/soap"
)

// TestMetrics checks that /metrics counts tokens, SOAP logins, cache lookups
// and requests, exposes the pool, and never carries an identifier.
func TestMetrics(t *testing.T) {
	e := fgtest.New(t)
	resp, err := http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(
		`{"grant_type":"client_credentials","client_id":"`+e.ClientID+`","client_secret":"`+e.ClientSecret+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(`{"grant_type":"client_credentials","client_id":"nobody","client_secret":"x"}`))
	soapCall(t, e, soap.RequestHeader{FuelOAuth: e.Token(0)})
	soapCall(t, e, soap.RequestHeader{FuelOAuth: "garbage"})
	resp, err = http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`fuelgate_tokens_total{result="issued",version="v2"}`,
		`fuelgate_tokens_total{result="refused",version="v2"} 1`,
		`fuelgate_soap_logins_total{method="token",outcome="success"} 1`,
		`fuelgate_soap_logins_total{method="token",outcome="failure"} 1`,
		`fuelgate_cache_lookups_total{cache="token",result="miss"}`,
		`fuelgate_http_requests_total{code="2xx",route="/v2/token"} 1`,
		`fuelgate_http_requests_total{code="4xx",route="/v2/token"} 1`,
		`fuelgate_http_request_duration_seconds_bucket{route="/Service.asmx"`,
		`go_sql_max_open_connections{db_name="fuelgate"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, secret := range []string{e.ClientID, "nobody", "api_user"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics contains the identifier %q: labels must stay low-cardinality", secret)
		}
	}
}

// scrape reads the fuelgate_ counters of /metrics at url (latency
// histograms left out: timing has its own test, in auth).
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	body, _ := io.ReadAll(resp.Body)
	m := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "fuelgate_") || strings.HasPrefix(line, "fuelgate_http_request_duration") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		m[line[:i]] = v
	}
	return m
}

// TestMetricsNoEnumeration: failed logins move every series the same way
// for an existing username as for an unknown one — UsernameToken by digest
// and by text, console sign-in — even when the existing user gets locked on
// the way, so /metrics tells nobody which usernames exist.
func TestMetricsNoEnumeration(t *testing.T) {
	e := fgtest.New(t)
	known := e.CreateUser(manage.NewUser{Username: "metrics_known", APIUser: true, Roles: e.APIUser.RoleIDs, DigestCapable: true})
	// The server's clock stands still, so no throttle allowance refills
	// between the runs for the two names, however slow the machine.
	e.Clock.Set(time.Now())
	fail := func(user string) {
		for i := range 4 {
			ut, _ := soap.NewUsernameToken(user, "wrong-Passw0rd!", i%2 == 0, time.Now(), nil)
			soapCall(t, e, soap.RequestHeader{UsernameToken: ut})
		}
		for range 2 {
			e.Server.Auth.SignIn(context.Background(), user, "wrong-Passw0rd!", "10.9.0.1")
		}
	}
	fail(known.Username) // first lookups of each name are misses alike: warm both
	fail("metrics_unknown")
	delta := func(user string) map[string]float64 {
		before := scrape(t, e.URL+"/metrics")
		fail(user)
		after := scrape(t, e.URL+"/metrics")
		d := map[string]float64{}
		for k, v := range after {
			if v != before[k] {
				d[k] = v - before[k]
			}
		}
		return d
	}
	dk, du := delta(known.Username), delta("metrics_unknown")
	e.Server.Auth.Settle()
	if u, _ := e.Store.User(context.Background(), known.ID); !u.IsLocked(time.Now()) {
		t.Fatalf("the known user is not locked after 12 failures: the test does not cover a lockout")
	}
	if len(dk) == 0 {
		t.Fatal("no series moved: the test measures nothing")
	}
	for k := range merge(dk, du) {
		if dk[k] != du[k] {
			t.Errorf("%s moved by %v for an existing username, by %v for an unknown one", k, dk[k], du[k])
		}
	}
}

func merge(a, b map[string]float64) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// TestMetricsListener: with MetricsAddr, /metrics is served on its own
// listener and no longer on the main one.
func TestMetricsListener(t *testing.T) {
	e := fgtest.New(t)
	var logs fgtest.Buffer
	srv, err := server.New(server.Config{PublicURL: "http://127.0.0.1", Store: e.Store, Keys: e.Keys, SweepInterval: -1,
		Log: slog.New(slog.NewTextHandler(&logs, nil)), MetricsAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	re := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no metrics listener logged: %s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if m := scrape(t, "http://"+addr+"/metrics"); len(m) == 0 {
		t.Error("the metrics listener serves no fuelgate_ series")
	}
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404 when a metrics address is set", resp.StatusCode)
	}
	resp, err = http.Get("http://" + addr + "/Service.asmx")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("metrics listener serves /Service.asmx: %d", resp.StatusCode)
		}
	}
}
