package soap

// Version is a SOAP protocol version.
type Version int

// SOAP versions. The zero Version is invalid.
const (
	V11 Version = 1
	V12 Version = 2
)

// ContentType is the HTTP Content-Type of a message in this version.
func (v Version) ContentType() string {
	if v == V12 {
		return "application/soap+xml; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// Namespace is the envelope namespace URI of the version (SOAP 1.1 for any
// value other than V12).
func (v Version) Namespace() string {
	if v == V12 {
		return NSSoap12
	}
	return NSSoap11
}

// String returns "SOAP 1.1" or "SOAP 1.2".
func (v Version) String() string {
	switch v {
	case V11:
		return "SOAP 1.1"
	case V12:
		return "SOAP 1.2"
	}
	return "SOAP ?"
}

// versionOf maps an envelope namespace URI to its Version (0 if none).
func versionOf(ns string) Version {
	switch ns {
	case NSSoap11:
		return V11
	case NSSoap12:
		return V12
	}
	return 0
}
