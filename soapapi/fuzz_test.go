package soapapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/soapapi"
)

// FuzzServeSOAP posts arbitrary bodies through the SOAP handler of a real,
// provisioned fuelgate. The handler is called directly (no recovering
// middleware), so a panic fails the fuzz run. With withToken, the text
// ACCESS_TOKEN in the body is replaced by a valid token; a 200 is acceptable
// only when the body sent contains that token.
func FuzzServeSOAP(f *testing.F) {
	e := newEnv(f)
	tok := e.Token(0)
	h := &soapapi.Handler{Auth: e.Server.Auth, Manage: e.Manage, PublicURL: e.URL,
		Now: e.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, fx := range soapFixtures(f) {
		f.Add(fx.body, fx.req.Header.Get("SOAPAction"), fx.req.Header.Get("Content-Type"), true)
		f.Add(fx.body, fx.req.Header.Get("SOAPAction"), fx.req.Header.Get("Content-Type"), false)
	}
	bu := retrieve("BusinessUnit", []string{"ID"}, simple("Filter", "ComplexFilterPart", "ID", "equals", "1"))
	f.Add([]byte(env11(fuel("ACCESS_TOKEN"), bu)), "Retrieve", "text/xml", true)
	f.Add([]byte(env12(fuel("ACCESS_TOKEN"), bu)), "", "application/soap+xml; action=Retrieve", true)
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`), "Retrieve", "text/xml", false)
	f.Fuzz(func(t *testing.T, body []byte, action, contentType string, withToken bool) {
		if withToken {
			body = bytes.ReplaceAll(body, []byte("ACCESS_TOKEN"), []byte(tok))
		}
		req := httptest.NewRequest(http.MethodPost, "/Service.asmx", bytes.NewReader(body))
		req.Header.Set("SOAPAction", action)
		req.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			if !bytes.Contains(body, []byte(tok)) {
				t.Fatalf("got HTTP 200 for a request without a valid token: %q", body)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusInternalServerError:
		default:
			t.Fatalf("got HTTP %d, want 200, 400, 413 or 500", w.Code)
		}
		if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "charset=utf-8") {
			t.Errorf("got Content-Type %q, want a charset", ct)
		}
		if bytes.Contains(w.Body.Bytes(), []byte(tok)) {
			t.Errorf("the response echoes the access token")
		}
	})
}
