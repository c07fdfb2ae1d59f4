package server_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/server"
)

// counts is what an attack must not change.
type counts struct{ audit, tokens int64 }

func snapshot(t *testing.T, e *fgtest.Env) counts {
	t.Helper()
	ctx := context.Background()
	ev, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.Store.CountTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return counts{int64(len(ev)), n}
}

// repeatReader yields n bytes of a pattern without allocating them.
type repeatReader struct {
	pattern []byte
	n, off  int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.off < r.n {
		p[k] = r.pattern[r.off%int64(len(r.pattern))]
		k++
		r.off++
	}
	return k, nil
}

func envelope(header, body string) string {
	return `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header>` + header + `</Header><Body>` + body + `</Body></Envelope>`
}

const retrieve = `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg>`

// TestHostileInput sends each attack through the real server and checks a
// clear, quick error, bounded memory, and that nothing was written.
func TestHostileInput(t *testing.T) {
	e := fgtest.New(t)
	token := e.Token(0)
	fuel := `<fueloauth xmlns="http://exacttarget.com">` + token + `</fueloauth>`
	deep := strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000)
	tests := []struct {
		name       string
		path, ct   string
		body       io.Reader
		wantStatus int
		wantText   string
		maxAllocMB float64
	}{
		{"billion laughs DTD", "/Service.asmx", "text/xml", strings.NewReader(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>` + envelope(fuel, "&lol2;")),
			400, "DTD", 8},
		{"XXE entity", "/Service.asmx", "text/xml", strings.NewReader(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + envelope(fuel, "<x>&xxe;</x>")),
			400, "DTD", 8},
		{"undeclared entity", "/Service.asmx", "text/xml", strings.NewReader(envelope(fuel, "<x>&xxe;</x>")), 400, "Bad Request", 8},
		{"100k-deep nesting", "/Service.asmx", "text/xml", strings.NewReader(envelope(fuel, deep)), 400, "deep", 16},
		{"50 MB body", "/Service.asmx", "text/xml", io.MultiReader(strings.NewReader(`<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>`),
			&repeatReader{pattern: []byte("<a>" + strings.Repeat("x", 100) + "</a>"), n: 50 << 20}), 413, "Request Entity Too Large", 24},
		{"50 MB of one text node", "/Service.asmx", "text/xml", io.MultiReader(strings.NewReader(`<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><a>`),
			&repeatReader{pattern: []byte("x"), n: 50 << 20}), 400, "Bad Request", 24},
		{"invalid UTF-8", "/Service.asmx", "text/xml", strings.NewReader(envelope(fuel, "<x>\xff\xfe</x>")), 400, "Bad Request", 8},
		{"ISO-8859-1 declared", "/Service.asmx", "text/xml", strings.NewReader(`<?xml version="1.0" encoding="ISO-8859-1"?>` + envelope(fuel, retrieve)), 400, "Bad Request", 8},
		{"duplicate Security", "/Service.asmx", "text/xml", strings.NewReader(envelope(
			`<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>`, retrieve)),
			400, "Bad Request", 8},
		{"duplicate fueloauth", "/Service.asmx", "text/xml", strings.NewReader(envelope(fuel+fuel, retrieve)), 400, "Bad Request", 8},
		{"900 KB fueloauth value", "/Service.asmx", "text/xml", strings.NewReader(envelope(`<fueloauth xmlns="http://exacttarget.com">`+strings.Repeat("A", 900<<10)+`</fueloauth>`, retrieve)),
			400, "Bad Request", 16},
		{"10 MB fueloauth value", "/Service.asmx", "text/xml", io.MultiReader(strings.NewReader(`<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header><fueloauth>`),
			&repeatReader{pattern: []byte("A"), n: 10 << 20}), 400, "Bad Request", 24},
		{"huge JSON on /v2/token", "/v2/token", "application/json", io.MultiReader(strings.NewReader(`{"grant_type":"client_credentials","client_id":"`),
			&repeatReader{pattern: []byte("x"), n: 20 << 20}), 400, "invalid_request", 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, e)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			start := time.Now()
			req, _ := http.NewRequest(http.MethodPost, e.URL+tt.path, tt.body)
			req.Header.Set("Content-Type", tt.ct)
			req.Header.Set("SOAPAction", "Retrieve")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("request failed without an answer: %v", err)
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			elapsed := time.Since(start)
			runtime.ReadMemStats(&ms1)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantText) {
				t.Fatalf("got %d %q; want %d mentioning %q", resp.StatusCode, excerpt(body), tt.wantStatus, tt.wantText)
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v, want a quick answer", elapsed)
			}
			if mb := float64(ms1.TotalAlloc-ms0.TotalAlloc) / (1 << 20); mb > tt.maxAllocMB {
				t.Errorf("allocated %.1f MB, want at most %.0f MB (bounded memory)", mb, tt.maxAllocMB)
			}
			if after := snapshot(t, e); after != before {
				t.Errorf("state changed: before %+v, after %+v", before, after)
			}
		})
	}
}

func excerpt(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// startReal runs the server as "fuelgate serve" does, with short timeouts.
func startReal(t *testing.T, e *fgtest.Env) string {
	t.Helper()
	srv, err := server.New(server.Config{PublicURL: "http://127.0.0.1", Store: e.Store, Keys: e.Keys, SweepInterval: -1,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Timeouts: server.Timeouts{ReadHeader: 500 * time.Millisecond, Read: time.Second, Write: 2 * time.Second, Idle: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// TestSlowClientIsCutOff sends headers and part of a body, then stalls: the
// server must close the connection at its read timeout.
func TestSlowClientIsCutOff(t *testing.T) {
	e := fgtest.New(t)
	addr := startReal(t, e)
	tests := []struct {
		name, send string
	}{
		{"body never ends", "POST /Service.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<Envelope>"},
		{"headers never end", "POST /v2/token HTTP/1.1\r\nHost: x\r\nX-Slow: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, e)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprint(conn, tt.send)
			start := time.Now()
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, conn) // returns when the server closes the connection
			if el := time.Since(start); el > 5*time.Second {
				t.Fatalf("connection held for %v; want it closed at the read timeout (~1s)", el)
			}
			if after := snapshot(t, e); after != before {
				t.Errorf("state changed: before %+v, after %+v", before, after)
			}
		})
	}
}

// TestHeaderFlood sends more header bytes than MaxHeaderBytes.
func TestHeaderFlood(t *testing.T) {
	e := fgtest.New(t)
	addr := startReal(t, e)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b bytes.Buffer
	b.WriteString("POST /v2/token HTTP/1.1\r\nHost: x\r\n")
	for i := 0; b.Len() < 200<<10; i++ {
		fmt.Fprintf(&b, "X-Flood-%d: %s\r\n", i, strings.Repeat("f", 100))
	}
	b.WriteString("\r\n")
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	go conn.Write(b.Bytes())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a header flood: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", resp.StatusCode)
	}
}
