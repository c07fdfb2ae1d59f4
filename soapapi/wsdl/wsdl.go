// Package wsdl holds the service description fuelgate serves for its SOAP
// API: etframework.wsdl (GET /etframework.wsdl) and the fault schema it
// imports, ETFrameworkFault.xsd (GET /ETFrameworkFault.xsd), and the HTTP
// handler that serves them with validators (ETag, Last-Modified).
//
// The WSDL is a lenient, wire-compatible subset of the Salesforce Marketing
// Cloud partner API WSDL (namespace http://exacttarget.com/wsdl/partnerAPI,
// document/literal, SOAP 1.1 binding SoapBinding, service PartnerAPI, port
// Soap, soapAction = bare operation name). Every URL in it is absolute, built
// from the server's public URL: the soap:address and the schemaLocation of
// the fault schema import. SFMC's WSDL imports an absolute URL too, and SDKs
// that copy the WSDL to a local file and load that copy (FuelSDK-Python,
// FuelSDK-PHP) resolve a relative import against the copy's directory, where
// the schema is not.
package wsdl

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"strings"
)

// Paths of the two documents, and of the SOAP endpoint the WSDL names,
// relative to the public URL.
const (
	WSDLPath    = "/etframework.wsdl"
	XSDPath     = "/ETFrameworkFault.xsd"
	ServicePath = "/Service.asmx"
)

//go:embed etframework.wsdl
var wsdlTemplate []byte

//go:embed ETFrameworkFault.xsd
var faultXSD []byte

// placeholder stands for the public URL in the embedded template; it is
// followed by ServicePath in the soap:address and by XSDPath in the import.
const placeholder = "{{PUBLIC_URL}}"

// WSDL returns the WSDL for a server reached at publicURL, e.g.
// "https://127.0.0.1:8443" (trailing slashes are dropped): the soap:address
// is publicURL+"/Service.asmx" and the fault schema is imported from
// publicURL+"/ETFrameworkFault.xsd". The URL is XML-escaped. The result is a
// fresh slice the caller may keep or modify.
func WSDL(publicURL string) []byte {
	var esc bytes.Buffer
	// EscapeText never fails on a bytes.Buffer; it escapes &, <, >, ", ' and
	// the whitespace characters that attribute normalisation would change.
	_ = xml.EscapeText(&esc, []byte(strings.TrimRight(publicURL, "/")))
	return bytes.ReplaceAll(wsdlTemplate, []byte(placeholder), esc.Bytes())
}

// FaultXSD returns ETFrameworkFault.xsd (namespace
// urn:fault.partner.exacttarget.com). It imports and includes nothing. The
// result is a copy.
func FaultXSD() []byte {
	return bytes.Clone(faultXSD)
}
