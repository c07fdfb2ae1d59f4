package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// process is a fuelgate server process started by a test.
type process struct {
	cmd  *exec.Cmd
	base string
}

func startServer(t *testing.T, db string) *process {
	t.Helper()
	cmd := exec.Command(buildBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &process{cmd: cmd, base: "http://" + waitListening(t, stderr)}
}

// TestCrashSafety drives token issuance and admin writes (SOAP creates of
// business units), kills the server with SIGKILL mid-load, and checks after a
// restart that the database is intact, every acknowledged write is present
// and every acknowledged token still verifies.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	ent := jsonNumber(t, runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Crash Ent"), "mid")
	p := runJSON(t, nil, "", "package", "create", "--db", db, "--mid", ent, "--name", "crash", "--scopes", "accounts_read accounts_write")
	clientID, secret := p["client_id"].(string), p["client_secret"].(string)
	srv := startServer(t, db)

	tokenBody := []byte(`{"grant_type":"client_credentials","client_id":"` + clientID + `","client_secret":"` + secret + `"}`)
	var mu sync.Mutex
	var tokens []string
	var mids []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tok, ok := postToken(client, srv.base, tokenBody)
				if !ok {
					continue
				}
				mu.Lock()
				tokens = append(tokens, tok)
				mu.Unlock()
				if w%2 == 0 { // half the workers also write through SOAP
					if mid, ok := createBU(client, srv.base, tok, fmt.Sprintf("bu-%d-%d", w, i)); ok {
						mu.Lock()
						mids = append(mids, mid)
						mu.Unlock()
					}
				}
			}
		}()
	}
	// Let load build up, then kill the server in the middle of it.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(mids)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(tokens) < 50 || len(mids) < 20 {
		t.Fatalf("only %d tokens and %d writes acknowledged before the kill: load too small to prove anything", len(tokens), len(mids))
	}

	// The database is intact.
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := sdb.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v; want ok", check, err)
	}
	sdb.Close()

	// Every acknowledged write is there, and every acknowledged token verifies.
	srv2 := startServer(t, db)
	list := runJSON(t, nil, "", "bu", "list", "--db", db)
	have := map[string]bool{}
	for _, it := range list["items"].([]any) {
		have[strconv.FormatInt(int64(it.(map[string]any)["mid"].(float64)), 10)] = true
	}
	for _, m := range mids {
		if !have[m] {
			t.Errorf("acknowledged business unit %s is missing after the crash", m)
		}
	}
	for i, tok := range tokens {
		if !retrieveOK(client, srv2.base, tok) {
			t.Errorf("acknowledged token %d of %d no longer verifies after the crash", i, len(tokens))
		}
	}
	t.Logf("killed mid-load: %d tokens and %d business units acknowledged, all present", len(tokens), len(mids))
}

func postToken(c *http.Client, base string, body []byte) (string, bool) {
	resp, err := c.Post(base+"/v2/token", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil || out.AccessToken == "" {
		return "", false
	}
	return out.AccessToken, true
}

func soapPost(c *http.Client, base, action, token, payload string) (string, bool) {
	env := `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header><fueloauth xmlns="http://exacttarget.com">` + token +
		`</fueloauth></Header><Body>` + payload + `</Body></Envelope>`
	req, _ := http.NewRequest(http.MethodPost, base+"/Service.asmx", bytes.NewReader([]byte(env)))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("SOAPAction", action)
	resp, err := c.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err == nil && resp.StatusCode == 200
}

var newIDRe = regexp.MustCompile(`<StatusCode>OK</StatusCode>.*?<NewID>(\d+)</NewID>`)

func createBU(c *http.Client, base, token, name string) (string, bool) {
	body, ok := soapPost(c, base, "Create", token, `<CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Objects xsi:type="BusinessUnit" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Name>`+name+`</Name></Objects></CreateRequest>`)
	if !ok {
		return "", false
	}
	m := newIDRe.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func retrieveOK(c *http.Client, base, token string) bool {
	body, ok := soapPost(c, base, "Retrieve", token, `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg>`)
	return ok && bytes.Contains([]byte(body), []byte("<OverallStatus>OK</OverallStatus>"))
}

// TestGracefulShutdownDrains starts a request, sends SIGTERM while the
// request body is still arriving, then finishes it: the server must answer it
// before exiting, and exit cleanly.
func TestGracefulShutdownDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	db := filepath.Join(t.TempDir(), "drain.db")
	ent := jsonNumber(t, runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Drain Ent"), "mid")
	p := runJSON(t, nil, "", "package", "create", "--db", db, "--mid", ent, "--name", "drain")
	srv := startServer(t, db)
	body := `{"grant_type":"client_credentials","client_id":"` + p["client_id"].(string) + `","client_secret":"` + p["client_secret"].(string) + `"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	time.Sleep(100 * time.Millisecond) // let the server start reading the request
	srv.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond) // the server is shutting down with our request in flight
	fmt.Fprint(conn, body[10:])
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request dropped during shutdown: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("in-flight request answered %d during shutdown, want 200", resp.StatusCode)
	}
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit within the shutdown deadline")
	}
}
