// Package soap is the SOAP 1.1/1.2 wire format shared by the fuelgate server
// and the fuel Go SDK: envelope decoding with the header rules of Salesforce
// Marketing Cloud clients (fueloauth, legacy oAuth, WS-Security
// UsernameToken), PasswordDigest helpers, and a hand-written serializer for
// responses, faults and client requests that uses the literal "soap:" prefix
// SFMC clients look up verbatim.
//
// Decode reads a whole envelope (strict, no DTDs, no entities beyond the
// predefined five, UTF-8 only, bounded depth, element count and text size)
// into a small namespace-resolved Element tree, then interprets the Header
// and Body. The tree is built by the package's own scanner when the
// document is plain XML, as every SOAP client writes it; anything else, and
// every document to be refused, is read by encoding/xml, which decides. The
// scanner accepts only what encoding/xml accepts, and builds the same tree
// (FuzzScanner holds the two equal).
// Namespaces are compared by URI, never by prefix, and the Header may follow
// the Body.
//
// The package imports the standard library only.
package soap

// Namespace and URI constants used on the wire.
const (
	NSSoap11  = "http://schemas.xmlsoap.org/soap/envelope/"
	NSSoap12  = "http://www.w3.org/2003/05/soap-envelope"
	NSPartner = "http://exacttarget.com/wsdl/partnerAPI"
	NSFuel    = "http://exacttarget.com"
	NSFault   = "urn:fault.partner.exacttarget.com"
	NSWSSE    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	NSWSA     = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	NSXSI     = "http://www.w3.org/2001/XMLSchema-instance"
	NSXSD     = "http://www.w3.org/2001/XMLSchema"
	// NSXML is the namespace bound to the reserved "xml" prefix.
	NSXML = "http://www.w3.org/XML/1998/namespace"

	PasswordTextURI   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
	PasswordDigestURI = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
	Base64BinaryURI   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

	AnonymousURI   = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
	FaultActionURI = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
)
