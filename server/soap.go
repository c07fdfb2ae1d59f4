package server

import (
	"net/http"

	"github.com/fuelgate/fuelgate/soapapi"
	"github.com/fuelgate/fuelgate/soapapi/wsdl"
)

// registerSOAP adds the SOAP endpoint, the WSDL and the fault schema it
// imports (path case is folded by the middleware), and returns the endpoint.
// The two documents are built once, now, from the public URL; that moment
// is their Last-Modified (see wsdl.Document).
func (s *Server) registerSOAP(mux *http.ServeMux) *soapapi.Handler {
	h := &soapapi.Handler{Auth: s.Auth, Manage: s.Manage, Logins: s.metrics, PublicURL: s.cfg.PublicURL,
		Log: s.log, Now: s.cfg.Now, MaxBytes: s.cfg.SOAPMaxBytes, Pages: s.cfg.Pages}
	mux.Handle(wsdl.ServicePath, h)
	built := s.cfg.Now()
	mux.Handle("GET "+wsdl.WSDLPath, wsdl.NewDocument(wsdl.WSDL(s.cfg.PublicURL), built))
	mux.Handle("GET "+wsdl.XSDPath, wsdl.NewDocument(wsdl.FaultXSD(), built))
	return h
}
