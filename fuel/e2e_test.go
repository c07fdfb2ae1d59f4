package fuel_test

// The end-to-end harness: the SDK against a real fuelgate (internal/fgtest:
// the real server on a temporary SQLite file, on a loopback port). Every
// request passes through a recording http.RoundTripper (wire), so the tests
// count what really went over HTTP, and may rewrite or stall a request. The
// SDK's clock is frozen and moves only when a test advances it.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/fgtest"
)

// exchange is one HTTP round trip between the SDK and the real fuelgate.
type exchange struct {
	path      string
	action    string    // SOAPAction of a SOAP request
	accountID int64     // account_id of a /v2/token request (0: absent)
	token     string    // fueloauth of a SOAP request
	sent      time.Time // the SDK's clock when the request left
	reqBody   string
	status    int // 0 when the round trip failed
	respBody  string
	err       error

	// From a successful /v2/token or /v1/requestToken answer.
	issued    string
	expiresIn time.Duration
}

func (x exchange) isToken() bool { return x.path == "/v2/token" || x.path == "/v1/requestToken" }
func (x exchange) isSOAP() bool  { return strings.EqualFold(x.path, "/Service.asmx") }

// fault returns the faultstring of a SOAP fault answer, or "".
func (x exchange) fault() string {
	m := faultString.FindStringSubmatch(x.respBody)
	if m == nil {
		return ""
	}
	return m[1]
}

var (
	fuelOAuthHeader = regexp.MustCompile(`<fueloauth[^>]*>([^<]*)</fueloauth>`)
	faultString     = regexp.MustCompile(`<faultstring>([^<]*)</faultstring>`)
	overallStatus   = regexp.MustCompile(`<OverallStatus>([^<]*)</OverallStatus>`)
)

// hookFunc may replace the body of a request before it is sent: it returns
// the reader to send and its length, or a nil reader to send body unchanged.
type hookFunc func(ctx context.Context, x *exchange, body []byte) (io.Reader, int64)

// wire is an http.RoundTripper in front of the real transport. It records
// every exchange with the real server and lets a test rewrite or stall a
// request.
type wire struct {
	next http.RoundTripper
	now  func() time.Time // the SDK's clock

	mu   sync.Mutex
	log  []exchange
	hook hookFunc
}

func (w *wire) setHook(h hookFunc) {
	w.mu.Lock()
	w.hook = h
	w.mu.Unlock()
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	x := exchange{path: req.URL.Path, action: req.Header.Get("SOAPAction"), sent: w.now(), reqBody: string(body)}
	if x.isToken() {
		var tr struct {
			AccountID int64 `json:"account_id"`
		}
		_ = json.Unmarshal(body, &tr)
		x.accountID = tr.AccountID
	}
	if m := fuelOAuthHeader.FindSubmatch(body); m != nil {
		x.token = string(m[1])
	}
	w.mu.Lock()
	hook := w.hook
	i := len(w.log)
	w.log = append(w.log, x) // recorded now: a request is counted even while in flight
	w.mu.Unlock()

	out := req.Clone(req.Context())
	var send io.Reader = bytes.NewReader(body)
	n := int64(len(body))
	if hook != nil {
		if r, l := hook(req.Context(), &x, body); r != nil {
			send, n = r, l
		}
	}
	out.Body, out.ContentLength, out.GetBody = io.NopCloser(send), n, nil

	resp, err := w.next.RoundTrip(out)
	if err == nil {
		var raw []byte
		raw, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			x.status, x.respBody = resp.StatusCode, string(raw)
			resp.Body = io.NopCloser(bytes.NewReader(raw))
		}
	}
	x.err = err
	if x.isToken() && x.status == http.StatusOK {
		var tr struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
			V1Token     string `json:"accessToken"`
			V1ExpiresIn int64  `json:"expiresIn"`
		}
		if json.Unmarshal([]byte(x.respBody), &tr) == nil {
			x.issued = tr.AccessToken + tr.V1Token
			x.expiresIn = time.Duration(tr.ExpiresIn+tr.V1ExpiresIn) * time.Second
		}
	}
	w.mu.Lock()
	w.log[i] = x
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// mark returns the number of exchanges so far, for since.
func (w *wire) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.log)
}

// since returns the exchanges from mark on.
func (w *wire) since(mark int) []exchange {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]exchange(nil), w.log[mark:]...)
}

func tokenRequests(xs []exchange) []exchange { return filterExchanges(xs, exchange.isToken) }
func soapRequests(xs []exchange) []exchange  { return filterExchanges(xs, exchange.isSOAP) }

func filterExchanges(xs []exchange, keep func(exchange) bool) []exchange {
	var out []exchange
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func paths(xs []exchange) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.path)
	}
	return out
}

// stall returns a body that sends its first bytes, closes stalled and then
// blocks until ctx ends: the request is on the wire, mid-call, when stalled
// is closed.
func stall(ctx context.Context, body []byte, stalled chan<- struct{}) io.Reader {
	head := min(len(body), 32)
	return io.MultiReader(bytes.NewReader(body[:head]), &stallReader{ctx: ctx, stalled: stalled})
}

type stallReader struct {
	ctx     context.Context
	stalled chan<- struct{}
	once    sync.Once
}

func (s *stallReader) Read([]byte) (int, error) {
	s.once.Do(func() { close(s.stalled) })
	<-s.ctx.Done()
	return 0, s.ctx.Err()
}

// e2e is a real fuelgate (fgtest), the credentials of its test package
// and client options whose requests pass through a wire, on sdkClock.
type e2e struct {
	env      *fgtest.Env
	wire     *wire
	sdkClock *fgtest.Clock
	pkg      fuel.ClientCredentials // the test package
	opts     fuel.ClientOptions
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	env := fgtest.New(t)
	sdkClock := &fgtest.Clock{}
	sdkClock.Set(time.Now())
	w := &wire{next: http.DefaultTransport.(*http.Transport).Clone(), now: sdkClock.Now}
	t.Cleanup(w.next.(*http.Transport).CloseIdleConnections)
	hc := &http.Client{Transport: w}
	return &e2e{env: env, wire: w, sdkClock: sdkClock, opts: fuel.ClientOptions{HTTPClient: hc}, pkg: fuel.ClientCredentials{
		AuthBaseURL: env.URL + "/", ClientID: env.ClientID, ClientSecret: env.ClientSecret, HTTPClient: hc, Now: sdkClock.Now,
	}}
}

// client returns a client over a new token source of cc (e.pkg when cc is
// nil).
func (e *e2e) client(t *testing.T, cc *fuel.ClientCredentials) *fuel.Client {
	t.Helper()
	if cc == nil {
		cc = &e.pkg
	}
	return e.sourceClient(t, cc.TokenSource())
}

// sourceClient returns a client over src.
func (e *e2e) sourceClient(t *testing.T, src fuel.TokenSource) *fuel.Client {
	t.Helper()
	c, err := fuel.NewClient(src, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// forAccount returns c's client for business unit mid.
func forAccount(t *testing.T, c *fuel.Client, mid int64) *fuel.Client {
	t.Helper()
	bu, err := c.ForAccount(mid)
	if err != nil {
		t.Fatalf("ForAccount(%d): %v", mid, err)
	}
	return bu
}

// userClient returns a UsernameToken client of api_user with password.
func (e *e2e) userClient(t *testing.T, password string, digest bool) *fuel.Client {
	t.Helper()
	opts := e.opts
	opts.SOAPEndpoint = e.env.URL + "/Service.asmx"
	c, err := fuel.NewUserClient(fuel.UsernameToken{Username: e.env.APIUser.Username, Password: password, Digest: digest,
		Now: e.sdkClock.Now}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// packageCredentials returns the credentials of another package.
func (e *e2e) packageCredentials(clientID, secret string) fuel.ClientCredentials {
	cc := e.pkg
	cc.ClientID, cc.ClientSecret = clientID, secret
	return cc
}
