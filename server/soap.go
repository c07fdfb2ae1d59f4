package server

import "net/http"

// registerSOAP adds the SOAP endpoint and WSDL.
func (s *Server) registerSOAP(mux *http.ServeMux) {}
