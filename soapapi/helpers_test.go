package soapapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// baseTime is where tests freeze the clock unless a fixture dictates another
// instant (shortly after the recorded fixtures, so their tokens are fresh).
var baseTime = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// newEnv starts a real fuelgate with the clock frozen at baseTime.
func newEnv(t testing.TB, opts ...fgtest.Options) *fgtest.Env {
	t.Helper()
	e := fgtest.New(t, opts...) // the store judges nonce expiry by this clock too
	e.Clock.Set(baseTime)
	return e
}

// result is one HTTP answer of the SOAP endpoint.
type result struct {
	Status int
	Header http.Header
	Raw    []byte
	Env    *soap.Envelope // nil when the body is not a SOAP envelope
	DecErr error
}

// ContentType is the response's Content-Type.
func (r *result) ContentType() string { return r.Header.Get("Content-Type") }

// Body is the decoded payload element (nil for faults and non-SOAP bodies).
func (r *result) Body() *soap.Element {
	if r.Env == nil {
		return nil
	}
	return r.Env.Body
}

// Fault is the decoded fault, or nil.
func (r *result) Fault() *soap.Fault {
	if r.Env == nil {
		return nil
	}
	return r.Env.Fault
}

// OverallStatus reads OverallStatus of the payload.
func (r *result) OverallStatus() string { return r.Body().ChildText("OverallStatus") }

// describe is a short description for failure messages.
func (r *result) describe() string {
	s := string(r.Raw)
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return "HTTP " + strconv.Itoa(r.Status) + ": " + s
}

// post sends body to the endpoint path with the given headers.
func post(t testing.TB, e *fgtest.Env, path string, hdr http.Header, body []byte) *result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return do(t, e, req)
}

func do(t testing.TB, e *fgtest.Env, req *http.Request) *result {
	t.Helper()
	res, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &result{Status: res.StatusCode, Header: res.Header, Raw: raw}
	r.Env, r.DecErr = soap.Decode(bytes.NewReader(raw), soap.HTTPInfo{}, soap.Limits{})
	return r
}

// call posts a SOAP 1.1 envelope with SOAPAction action.
func call(t testing.TB, e *fgtest.Env, action, header, body string) *result {
	t.Helper()
	h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "SOAPAction": {action}}
	return post(t, e, "/Service.asmx", h, []byte(env11(header, body)))
}

// env11 builds a SOAP 1.1 envelope.
func env11(header, body string) string {
	return `<soap:Envelope xmlns:soap="` + soap.NSSoap11 + `" xmlns:xsi="` + soap.NSXSI + `"><soap:Header>` + header +
		`</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

// env12 builds a SOAP 1.2 envelope.
func env12(header, body string) string {
	return `<s:Envelope xmlns:s="` + soap.NSSoap12 + `" xmlns:xsi="` + soap.NSXSI + `"><s:Header>` + header +
		`</s:Header><s:Body>` + body + `</s:Body></s:Envelope>`
}

// fuel is a fueloauth header.
func fuel(tok string) string {
	return `<fueloauth xmlns="http://exacttarget.com">` + tok + `</fueloauth>`
}

// legacyHeader is the legacy oAuth header beside the "*"/"*" placeholder.
func legacyHeader(tok string) string {
	return `<wsse:Security xmlns:wsse="` + soap.NSWSSE + `"><wsse:UsernameToken><wsse:Username>*</wsse:Username>` +
		`<wsse:Password Type="` + soap.PasswordTextURI + `">*</wsse:Password></wsse:UsernameToken></wsse:Security>` +
		`<oAuth xmlns="http://exacttarget.com"><oAuthToken>` + tok + `</oAuthToken></oAuth>`
}

// textHeader is a PasswordText UsernameToken; created "" omits Created.
func textHeader(user, password, created string) string {
	inner := `<wsse:Username>` + user + `</wsse:Username><wsse:Password Type="` + soap.PasswordTextURI + `">` +
		password + `</wsse:Password>`
	if created != "" {
		inner += `<wsu:Created>` + created + `</wsu:Created>`
	}
	return wsse(inner)
}

// digestHeader is a PasswordDigest UsernameToken for user with nonce (16+
// bytes) and created, computed with password.
func digestHeader(user, password string, nonce []byte, created string) string {
	digest := soap.PasswordDigestValue(nonce, created, password)
	return wsse(`<wsse:Username>` + user + `</wsse:Username><wsse:Password Type="` + soap.PasswordDigestURI + `">` +
		digest + `</wsse:Password><wsse:Nonce EncodingType="` + soap.Base64BinaryURI + `">` + b64(nonce) +
		`</wsse:Nonce><wsu:Created>` + created + `</wsu:Created>`)
}

func wsse(inner string) string {
	return `<wsse:Security xmlns:wsse="` + soap.NSWSSE + `" xmlns:wsu="` + soap.NSWSU + `"><wsse:UsernameToken>` +
		inner + `</wsse:UsernameToken></wsse:Security>`
}

// nonceN returns a distinct 16-byte nonce for n.
func nonceN(n int) []byte {
	b := []byte("fuelgate-nonce-0")
	s := strconv.Itoa(n)
	copy(b[16-len(s):], s)
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// created formats t as a UsernameToken Created.
func created(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// retrieve builds a RetrieveRequestMsg; extra goes inside RetrieveRequest after Properties.
func retrieve(objType string, props []string, extra string) string {
	var sb strings.Builder
	sb.WriteString(`<RetrieveRequestMsg xmlns="` + soap.NSPartner + `"><RetrieveRequest><ObjectType>` + objType + `</ObjectType>`)
	for _, p := range props {
		sb.WriteString(`<Properties>` + p + `</Properties>`)
	}
	sb.WriteString(extra + `</RetrieveRequest></RetrieveRequestMsg>`)
	return sb.String()
}

// simple is a SimpleFilterPart with xsi:type typ ("" = no xsi:type).
func simple(name, typ, prop, op string, vals ...string) string {
	attr := ""
	if typ != "" {
		attr = ` xsi:type="` + typ + `"`
	}
	s := `<` + name + attr + `><Property>` + prop + `</Property><SimpleOperator>` + op + `</SimpleOperator>`
	for _, v := range vals {
		s += `<Value>` + v + `</Value>`
	}
	return s + `</` + name + `>`
}

// write builds a Create/Update/Delete request with the given Objects.
func write(op string, objects ...string) string {
	return `<` + op + `Request xmlns="` + soap.NSPartner + `"><Options/>` + strings.Join(objects, "") + `</` + op + `Request>`
}

// userObject is an AccountUser Objects element with the given inner XML.
func userObject(inner string) string {
	return `<Objects xsi:type="AccountUser">` + inner + `</Objects>`
}

// resultsOf returns the Results children of a payload.
func resultsOf(r *result) []*soap.Element { return r.Body().ChildrenNamed("Results") }

// texts collects the text of child local of each element.
func texts(els []*soap.Element, path ...string) []string {
	var out []string
	for _, e := range els {
		out = append(out, e.Path(path...).TrimmedText())
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// newPackage creates an installed package in mid with scopes and returns a v2 token for it.
func newPackage(t testing.TB, e *fgtest.Env, mid int64, legacy bool, scopes ...string) (*fuelgate.Package, string) {
	t.Helper()
	pkg, sec, err := e.Manage.CreatePackage(context.Background(), manage.Operator(),
		manage.NewPackage{MID: mid, Name: "pkg " + strings.Join(scopes, " "), Scopes: scopes, Legacy: legacy})
	if err != nil {
		t.Fatal(err)
	}
	return pkg, sec
}

// tokenFor issues a v2 token for a package.
func tokenFor(t testing.TB, e *fgtest.Env, clientID, secret string, mid int64) string {
	t.Helper()
	tok, err := e.Server.Auth.Grant(context.Background(), auth.GrantRequest{ClientID: clientID, ClientSecret: secret, AccountID: mid})
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// legacyTokens issues v1 tokens (access and legacy) for a legacy package.
func legacyTokens(t testing.TB, e *fgtest.Env, clientID, secret string) *auth.LegacyTokens {
	t.Helper()
	lt, err := e.Server.Auth.GrantLegacy(context.Background(), auth.LegacyRequest{ClientID: clientID, ClientSecret: secret, WithLegacy: true})
	if err != nil {
		t.Fatal(err)
	}
	return lt
}

// assertSecurityFault checks a q0:Security fault with text want, HTTP 500.
func assertSecurityFault(t testing.TB, r *result, want string) {
	t.Helper()
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("got status %d, want 500; %s", r.Status, r.describe())
	}
	f := r.Fault()
	if f == nil {
		t.Fatalf("got no fault, want q0:Security %q; %s", want, r.describe())
	}
	if f.Code != "q0:Security" || f.CodeNS != soap.NSWSSE {
		t.Errorf("got faultcode %q (ns %q), want q0:Security in %s", f.Code, f.CodeNS, soap.NSWSSE)
	}
	if f.String != want {
		t.Errorf("got faultstring %q, want %q", f.String, want)
	}
}

// assertOK checks an HTTP 200 SOAP response with no fault.
func assertOK(t testing.TB, r *result) {
	t.Helper()
	if r.Status != http.StatusOK || r.Fault() != nil || r.Body() == nil {
		t.Fatalf("got %s, want HTTP 200 with a payload", r.describe())
	}
}
