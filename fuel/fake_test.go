package fuel_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// fakeSFMC fakes the SFMC auth service and SOAP endpoint on one httptest
// server. Handlers may be replaced before the first request.
type fakeSFMC struct {
	t   *testing.T
	srv *httptest.Server

	// ExpiresIn is the expires_in of issued tokens (1079 when zero).
	ExpiresIn int
	// Token, when set, answers /v2/token instead of the default issuer.
	Token func(w http.ResponseWriter, r *http.Request, body map[string]any)
	// SOAP answers /Service.asmx after the envelope decoded; the default
	// answers every Retrieve with an empty OK page.
	SOAP func(w http.ResponseWriter, r *http.Request, env *soap.Envelope)

	mu         sync.Mutex
	tokenBods  []map[string]any // every /v2/token body
	tokenPaths []string
	soapCalls  []*soap.Envelope
	soapHdrs   []http.Header
	issued     int
}

func newFake(t *testing.T) *fakeSFMC {
	t.Helper()
	f := &fakeSFMC{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the auth base URL (with a trailing slash, as SFMC shows it).
func (f *fakeSFMC) URL() string { return f.srv.URL + "/" }

func (f *fakeSFMC) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v2/token" || r.URL.Path == "//v2/token":
		f.serveToken(w, r)
	case strings.EqualFold(r.URL.Path, "/Service.asmx"):
		f.serveSOAP(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeSFMC) serveToken(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.tokenBods = append(f.tokenBods, body)
	f.tokenPaths = append(f.tokenPaths, r.URL.Path)
	f.mu.Unlock()
	if r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want JSON", http.StatusUnsupportedMediaType)
		return
	}
	if f.Token != nil {
		f.Token(w, r, body)
		return
	}
	f.issue(w, body)
}

// issue answers a successful client_credentials request with a token named
// after its sequence number and MID: "tok1-mid0".
func (f *fakeSFMC) issue(w http.ResponseWriter, body map[string]any) {
	f.mu.Lock()
	f.issued++
	n := f.issued
	f.mu.Unlock()
	exp := f.ExpiresIn
	if exp == 0 {
		exp = 1079
	}
	mid := "0"
	if v, ok := body["account_id"]; ok {
		mid = fmt.Sprint(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": fmt.Sprintf("tok%d-mid%s", n, mid), "token_type": "Bearer", "expires_in": exp,
		"scope": body["scope"], "soap_instance_url": f.URL(), "rest_instance_url": f.URL(),
		// A server must not send this with client_credentials; the SDK
		// must ignore it if one does.
		"refresh_token": "must-not-be-used",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeSFMC) serveSOAP(w http.ResponseWriter, r *http.Request) {
	env, err := soap.Decode(r.Body, soap.HTTPInfo{SOAPAction: r.Header.Get("SOAPAction"), ContentType: r.Header.Get("Content-Type")}, soap.Limits{})
	if err != nil {
		f.t.Errorf("fake SOAP endpoint: undecodable request: %v", err)
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.soapCalls = append(f.soapCalls, env)
	f.soapHdrs = append(f.soapHdrs, r.Header.Clone())
	f.mu.Unlock()
	if f.SOAP != nil {
		f.SOAP(w, r, env)
		return
	}
	respond(w, soap.NewElement("RetrieveResponseMsg",
		soap.TextElement("OverallStatus", "OK"), soap.TextElement("RequestID", "req-1")))
}

// respond writes a SOAP 1.1 success envelope.
func respond(w http.ResponseWriter, body *soap.Element) {
	w.Header().Set("Content-Type", soap.V11.ContentType())
	_ = soap.WriteResponse(w, soap.V11, soap.ResponseHeader{Action: body.Name.Local}, body)
}

// fault writes an HTTP 500 SOAP fault.
func fault(w http.ResponseWriter, f *soap.Fault) {
	w.Header().Set("Content-Type", soap.V11.ContentType())
	w.WriteHeader(http.StatusInternalServerError)
	_ = soap.WriteFault(w, soap.V11, soap.ResponseHeader{}, f)
}

func (f *fakeSFMC) tokenRequests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokenBods)
}

func (f *fakeSFMC) soapRequests() []*soap.Envelope {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*soap.Envelope(nil), f.soapCalls...)
}

func (f *fakeSFMC) tokenBodies() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.tokenBods...)
}

// base is the frozen start of the test clocks.
var base = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
