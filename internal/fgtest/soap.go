package fgtest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/soap"
)

// SOAPReply is the answer to a SOAP call.
type SOAPReply struct {
	Status int
	Raw    []byte
	Body   *soap.Element // the payload, nil for a fault or an undecodable answer
	Fault  *soap.Fault
}

// OverallStatus is the payload's OverallStatus ("" when there is none).
func (r *SOAPReply) OverallStatus() string {
	if r.Body == nil {
		return ""
	}
	return r.Body.ChildText("OverallStatus")
}

// Results are the payload's Results elements.
func (r *SOAPReply) Results() []*soap.Element {
	if r.Body == nil {
		return nil
	}
	return r.Body.ChildrenNamed("Results")
}

// SOAP posts a SOAP 1.1 envelope with header and body to /Service.asmx
// with SOAPAction action, over the server's real HTTP listener.
func (e *Env) SOAP(t testing.TB, action, header, body string) *SOAPReply {
	t.Helper()
	env := `<soap:Envelope xmlns:soap="` + soap.NSSoap11 + `" xmlns:xsi="` + soap.NSXSI + `"><soap:Header>` + header +
		`</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
	req, err := http.NewRequest(http.MethodPost, e.URL+"/Service.asmx", strings.NewReader(env))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", action)
	res, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &SOAPReply{Status: res.StatusCode, Raw: raw}
	if dec, err := soap.Decode(bytes.NewReader(raw), soap.HTTPInfo{}, soap.Limits{}); err == nil {
		if r.Fault = dec.Fault; r.Fault == nil {
			r.Body = dec.Body
		}
	}
	return r
}

// FuelOAuth is a fueloauth SOAP header carrying token.
func FuelOAuth(token string) string {
	return `<fueloauth xmlns="http://exacttarget.com">` + token + `</fueloauth>`
}

// PasswordText is a WS-Security UsernameToken header with a PasswordText password.
func PasswordText(user, password string) string {
	return `<wsse:Security xmlns:wsse="` + soap.NSWSSE + `"><wsse:UsernameToken><wsse:Username>` + user +
		`</wsse:Username><wsse:Password Type="` + soap.PasswordTextURI + `">` + password +
		`</wsse:Password></wsse:UsernameToken></wsse:Security>`
}

// RetrieveBody is a RetrieveRequestMsg for objType with props; extra is
// placed inside RetrieveRequest (a Filter, ClientIDs, ContinueRequest…).
func RetrieveBody(objType string, props []string, extra string) string {
	var b strings.Builder
	b.WriteString(`<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest>`)
	if objType != "" {
		b.WriteString(`<ObjectType>` + objType + `</ObjectType>`)
	}
	for _, p := range props {
		b.WriteString(`<Properties>` + p + `</Properties>`)
	}
	b.WriteString(extra + `</RetrieveRequest></RetrieveRequestMsg>`)
	return b.String()
}

// WriteBody is a Create, Update or Delete request with objects, each an
// <Objects xsi:type="…">…</Objects> element.
func WriteBody(op string, objects ...string) string {
	return `<` + op + `Request xmlns="http://exacttarget.com/wsdl/partnerAPI">` + strings.Join(objects, "") + `</` + op + `Request>`
}

// Object is an <Objects xsi:type="typ"> element with inner.
func Object(typ, inner string) string {
	return `<Objects xsi:type="` + typ + `">` + inner + `</Objects>`
}
