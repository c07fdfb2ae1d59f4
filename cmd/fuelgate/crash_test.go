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
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

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
	srv := startServe(t, nil, "--db", db)

	tokenBody := []byte(`{"grant_type":"client_credentials","client_id":"` + clientID + `","client_secret":"` + secret + `"}`)
	var mu sync.Mutex
	var tokens []string
	var mids []string
	const enoughWrites = 50
	enough := make(chan struct{}) // closed when enoughWrites are acknowledged
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
						if len(mids) == enoughWrites {
							close(enough)
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	// Let load build up, then kill the server in the middle of it.
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
	}
	srv.stop(t, syscall.SIGKILL)
	close(stop)
	wg.Wait()
	if len(mids) < enoughWrites {
		t.Fatalf("only %d tokens and %d writes acknowledged in 60 s before the kill, want %d writes: load too small to prove anything",
			len(tokens), len(mids), enoughWrites)
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
	srv2 := startServe(t, nil, "--db", db)
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

// TestGracefulShutdownDrains starts a request, sends SIGTERM while its body
// has not arrived yet, then sends the body: the server must answer the
// request before exiting, and exit cleanly. No step waits a fixed time: the
// request is known to be in its handler when the server answers "100
// Continue", and the shutdown is known to have begun when the listener
// refuses new connections.
func TestGracefulShutdownDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	db := filepath.Join(t.TempDir(), "drain.db")
	ent := jsonNumber(t, runJSON(t, nil, "", "bu", "create", "--db", db, "--name", "Drain Ent"), "mid")
	p := runJSON(t, nil, "", "package", "create", "--db", db, "--mid", ent, "--name", "drain", "--scopes", "accounts_read")
	srv := startServe(t, nil, "--db", db)
	body := `{"grant_type":"client_credentials","client_id":"` + p["client_id"].(string) + `","client_secret":"` + p["client_secret"].(string) + `"}`
	conn, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /v2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	br := bufio.NewReader(conn)
	cont, err := http.ReadResponse(br, nil)
	if err != nil || cont.StatusCode != http.StatusContinue {
		t.Fatalf("before the body: got %v, %v; want 100 Continue (the handler reads the body)", cont, err)
	}

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitRefused(t, srv.addr)

	fmt.Fprint(conn, body)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("in-flight request dropped during shutdown: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("in-flight request answered %d during shutdown, want 200", resp.StatusCode)
	}
	select {
	case <-srv.exited:
		if srv.err != nil {
			t.Fatalf("exit after SIGTERM: %v", srv.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit within 20s of answering the last request")
	}
}

// waitRefused returns once addr refuses connections: the server has closed
// its listener, the first step of its shutdown. It fails t after 20 s.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("%s still accepts connections 20s after SIGTERM", addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
