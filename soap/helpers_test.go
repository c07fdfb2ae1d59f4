package soap

import (
	"encoding/base64"
	"encoding/xml"
	"testing"
)

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64 %q: %v", s, err)
	}
	return b
}

const (
	retrieveBody = `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>Subscriber</ObjectType></RetrieveRequest></RetrieveRequestMsg>`
	wsseOpen     = `<wsse:Security xmlns:wsse="` + NSWSSE + `" xmlns:wsu="` + NSWSU + `">`
	textType     = ` Type="` + PasswordTextURI + `"`
	digestType   = ` Type="` + PasswordDigestURI + `"`
	b64Type      = ` EncodingType="` + Base64BinaryURI + `"`
	goodNonce    = `<wsse:Nonce` + b64Type + `>AAECAwQFBgcICQoLDA0ODw==</wsse:Nonce>`
	goodCreated  = `<wsu:Created>2026-11-28T10:00:00.000Z</wsu:Created>`
)

// env11 builds a SOAP 1.1 envelope with the given header entries and body.
func env11(header, body string) string {
	return `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><soap:Header>` + header + `</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

// ut builds a wsse:Security header holding one UsernameToken with inner content.
func ut(inner string) string {
	return wsseOpen + `<wsse:UsernameToken>` + inner + `</wsse:UsernameToken></wsse:Security>`
}

type xmlAttrT = xml.Attr

func xmlAttr(space, local, value string) xml.Attr {
	return xml.Attr{Name: xml.Name{Space: space, Local: local}, Value: value}
}

func xmlName(space, local string) xml.Name { return xml.Name{Space: space, Local: local} }
