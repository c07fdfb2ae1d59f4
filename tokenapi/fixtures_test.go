package tokenapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fixtures"
	"github.com/fuelgate/fuelgate/manage"
)

// replayed reports whether a recorded request belongs to the REST auth service.
func replayed(name string) bool {
	return strings.Contains(name, "-token") || name == "node-fuelsdk-endpoints-soap"
}

var contentLengthRE = regexp.MustCompile(`(?im)^content-length: *\d+\r?$`)

// substitute puts live values into a recorded request and recomputes its
// Content-Length, keeping every other byte (header case and order).
func substitute(raw []byte, r *strings.Replacer) []byte {
	s := r.Replace(string(raw))
	sep := "\r\n\r\n"
	i := strings.Index(s, sep)
	if i < 0 {
		sep = "\n\n"
		i = strings.Index(s, sep)
	}
	head, body := s[:i], s[i+len(sep):]
	head = contentLengthRE.ReplaceAllStringFunc(head, func(line string) string {
		name, _, _ := strings.Cut(line, ":")
		cr := ""
		if strings.HasSuffix(line, "\r") {
			cr = "\r"
		}
		return name + ": " + strconv.Itoa(len(body)) + cr
	})
	return []byte(head + sep + body)
}

// sendRaw writes raw bytes to the server on a new connection and reads the answer.
func sendRaw(t *testing.T, e *env, raw []byte) reply {
	t.Helper()
	conn, err := net.Dial("tcp", e.HTTP.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// TestFixtures replays every recorded token request (and the SOAP endpoint
// discovery) against the live server with live credentials: each gets 200
// and a token that verifies for the expected BU.
func TestFixtures(t *testing.T) {
	e := newEnv(t)
	// The recordings ask for email_read and users_read: a package with those.
	pkg, secret, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID,
		Name: "Fixture Package", Scopes: []string{"email_read", "users_read", "offline"}, MIDs: []int64{e.Child.MID}})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := e.Server.Auth.GrantLegacy(ctx, auth.LegacyRequest{ClientID: e.legacy.ClientID, ClientSecret: e.legacySecret})
	if err != nil {
		t.Fatal(err)
	}
	// Recorded MIDs: 100000001 is the enterprise's MID already; 1234567 stands
	// for a BU the package reaches, the child.
	mids := map[string]int64{"100000001": e.Enterprise.MID, "1234567": e.Child.MID}

	n := 0
	for _, fx := range fixtures.All() {
		if !replayed(fx.Name) {
			continue
		}
		bearers := []string{""}
		if fx.Name == "node-fuelsdk-endpoints-soap" {
			bearers = []string{e.Token(0), v1.AccessToken} // ET_Client uses v2 or v1 tokens
		}
		for i, bearer := range bearers {
			n++
			t.Run(fx.Name+"/"+strconv.Itoa(i), func(t *testing.T) {
				legacy := strings.Contains(fx.Name, "legacy")
				id, sec := pkg.ClientID, secret
				if legacy {
					id, sec = e.legacy.ClientID, e.legacySecret
				}
				raw := substitute(fx.Raw, strings.NewReplacer("CLIENT_ID", id, "CLIENT_SECRET", sec, "ACCESS_TOKEN", bearer,
					"100000001", itoa(e.Enterprise.MID), "1234567", itoa(e.Child.MID)))
				req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
				if err != nil {
					t.Fatalf("substituted request does not parse: %v", err)
				}
				reqBody, err := io.ReadAll(req.Body)
				if err != nil || int64(len(reqBody)) != max(req.ContentLength, 0) {
					t.Fatalf("Content-Length %d, body %d bytes (%v)", req.ContentLength, len(reqBody), err)
				}
				rep := sendRaw(t, e, raw)
				if rep.status != http.StatusOK {
					t.Fatalf("got %d %s, want 200", rep.status, rep.body)
				}
				var m map[string]any
				if err := json.Unmarshal(rep.body, &m); err != nil {
					t.Fatalf("answer is not JSON: %v", err)
				}
				switch {
				case fx.Name == "node-fuelsdk-endpoints-soap":
					if m["url"] != e.URL+"/Service.asmx" {
						t.Errorf("got url %v, want %s/Service.asmx", m["url"], e.URL)
					}
				case legacy:
					checkLegacyAnswer(t, e, req, string(reqBody), m)
				default:
					tok, _ := m["access_token"].(string)
					checkToken(t, "access_token", tok)
					p, err := e.Server.Auth.VerifyToken(ctx, tok, fuelgate.TokenAccess)
					if err != nil {
						t.Fatalf("VerifyToken: %v", err)
					}
					want := e.Enterprise.MID
					for rec, mid := range mids {
						if strings.Contains(string(fx.Raw), rec) {
							want = mid
						}
					}
					if p.MID() != want {
						t.Errorf("got MID %d, want %d", p.MID(), want)
					}
					if m["expires_in"] != float64(1079) || m["token_type"] != "Bearer" {
						t.Errorf("got expires_in %v token_type %v, want 1079 Bearer", m["expires_in"], m["token_type"])
					}
				}
			})
		}
	}
	if n < 11 {
		t.Errorf("replayed %d fixtures, want at least 11 (are the fixtures embedded?)", n)
	}
}

// checkLegacyAnswer checks a /v1/requestToken answer against what the request asked for.
func checkLegacyAnswer(t *testing.T, e *env, req *http.Request, body string, m map[string]any) {
	t.Helper()
	access, _ := m["accessToken"].(string)
	checkToken(t, "accessToken", access)
	if _, err := e.Server.Auth.VerifyToken(ctx, access, fuelgate.TokenLegacyAccess); err != nil {
		t.Errorf("VerifyToken(accessToken): %v", err)
	}
	if m["expiresIn"] != float64(3600) {
		t.Errorf("got expiresIn %v, want 3600", m["expiresIn"])
	}
	wantLegacy := req.URL.Query().Get("legacy") == "1"
	if lt, ok := m["legacyToken"].(string); ok != wantLegacy {
		t.Errorf("got legacyToken %t, want %t", ok, wantLegacy)
	} else if ok {
		if _, err := e.Server.Auth.VerifyToken(ctx, lt, fuelgate.TokenLegacy); err != nil {
			t.Errorf("VerifyToken(legacyToken): %v", err)
		}
	}
	wantRefresh := strings.Contains(body, `"offline"`)
	if _, ok := m["refreshToken"].(string); ok != wantRefresh {
		t.Errorf("got refreshToken %t, want %t", ok, wantRefresh)
	}
}
