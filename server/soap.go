package server

import (
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate/soapapi"
	"github.com/fuelgate/fuelgate/soapapi/wsdl"
)

// registerSOAP adds the SOAP endpoint, the WSDL and the fault schema it
// imports (path case is folded by the middleware).
func (s *Server) registerSOAP(mux *http.ServeMux) {
	h := &soapapi.Handler{Auth: s.Auth, Manage: s.Manage, Store: s.cfg.Store, PublicURL: s.cfg.PublicURL,
		Log: s.log, Now: s.cfg.Now, MaxBytes: s.cfg.SOAPMaxBytes}
	mux.Handle("/Service.asmx", h)
	doc := wsdl.WSDL(strings.TrimRight(s.cfg.PublicURL, "/") + "/Service.asmx")
	xsd := wsdl.FaultXSD()
	mux.HandleFunc("GET /etframework.wsdl", xmlDocument(doc))
	mux.HandleFunc("GET /ETFrameworkFault.xsd", xmlDocument(xsd))
}

func xmlDocument(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	}
}
