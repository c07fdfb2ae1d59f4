// Package wsdl holds the service description fuelgate serves for its SOAP
// API: etframework.wsdl (GET /etframework.wsdl) and the fault schema it
// imports, ETFrameworkFault.xsd (GET /ETFrameworkFault.xsd).
//
// The WSDL is a lenient, wire-compatible subset of the Salesforce Marketing
// Cloud partner API WSDL (namespace http://exacttarget.com/wsdl/partnerAPI,
// document/literal, SOAP 1.1 binding SoapBinding, service PartnerAPI, port
// Soap, soapAction = bare operation name). It imports the fault schema with a
// relative schemaLocation, so clients fetch both files from the same server.
package wsdl

import (
	"bytes"
	_ "embed"
	"encoding/xml"
)

//go:embed etframework.wsdl
var wsdlTemplate []byte

//go:embed ETFrameworkFault.xsd
var faultXSD []byte

// placeholder is the soap:address location in the embedded template.
const placeholder = "{{SOAP_ADDRESS}}"

// WSDL returns the WSDL with the soap:address location set to soapAddress,
// e.g. "https://127.0.0.1:8443/Service.asmx". The value is XML-escaped. The
// result is a fresh slice the caller may keep or modify.
func WSDL(soapAddress string) []byte {
	var esc bytes.Buffer
	// EscapeText never fails on a bytes.Buffer; it escapes &, <, >, ", ' and
	// the whitespace characters that attribute normalisation would change.
	_ = xml.EscapeText(&esc, []byte(soapAddress))
	return bytes.Replace(wsdlTemplate, []byte(placeholder), esc.Bytes(), 1)
}

// FaultXSD returns ETFrameworkFault.xsd (namespace
// urn:fault.partner.exacttarget.com). The result is a copy.
func FaultXSD() []byte {
	return bytes.Clone(faultXSD)
}
