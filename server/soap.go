package server

import (
	"net/http"

	"github.com/fuelgate/fuelgate/soapapi"
)

// registerSOAP adds the SOAP endpoint (its path case is folded by the middleware).
func (s *Server) registerSOAP(mux *http.ServeMux) {
	h := &soapapi.Handler{Auth: s.Auth, Manage: s.Manage, Store: s.cfg.Store, PublicURL: s.cfg.PublicURL,
		Log: s.log, Now: s.cfg.Now, MaxBytes: s.cfg.SOAPMaxBytes}
	mux.Handle("/Service.asmx", h)
}
