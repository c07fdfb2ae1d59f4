package server_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soapapi/wsdl"
)

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestWSDLServed checks the documents through the whole server (mux,
// middleware): the WSDL names the public URL, its import resolves to the
// served schema by itself, Last-Modified is the start time and does not move,
// and HEAD and conditional GETs work on either path spelling.
func TestWSDLServed(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	e := fgtest.New(t)
	after := time.Now()

	resp, doc := do(t, "GET", e.URL+"/etframework.wsdl", nil)
	if resp.StatusCode != 200 || !bytes.Equal(doc, wsdl.WSDL(e.URL)) {
		t.Fatalf("GET /etframework.wsdl: %d, %d bytes; want 200 and WSDL(%q)", resp.StatusCode, len(doc), e.URL)
	}
	lm, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	if err != nil || lm.Before(before) || lm.After(after) {
		t.Errorf("Last-Modified %q (%v), want the start time, between %v and %v", resp.Header.Get("Last-Modified"), err, before, after)
	}
	etag := resp.Header.Get("ETag")

	// The import is absolute: fetch it as a client holding only a copy of
	// the WSDL would.
	var defs struct {
		Import struct {
			SchemaLocation string `xml:"schemaLocation,attr"`
		} `xml:"types>schema>import"`
	}
	if err := xml.Unmarshal(doc, &defs); err != nil {
		t.Fatal(err)
	}
	if want := e.URL + "/ETFrameworkFault.xsd"; defs.Import.SchemaLocation != want {
		t.Fatalf("schemaLocation %q, want %q", defs.Import.SchemaLocation, want)
	}
	resp, xsd := do(t, "GET", defs.Import.SchemaLocation, nil)
	if resp.StatusCode != 200 || !bytes.Equal(xsd, wsdl.FaultXSD()) {
		t.Errorf("GET %s: %d, %d bytes; want 200 and the fault schema", defs.Import.SchemaLocation, resp.StatusCode, len(xsd))
	}
	if got := resp.Header.Get("Last-Modified"); !lm.Equal(mustTime(t, got)) {
		t.Errorf("XSD Last-Modified %q, want the WSDL's", got)
	}

	// Later requests see the same validators: the time is fixed at start.
	e.Clock.Advance(48 * time.Hour)
	for _, tc := range []struct {
		method, path string
		header       map[string]string
		status       int
		bodyLen      int
	}{
		{"HEAD", "/etframework.wsdl", nil, 200, 0},
		{"HEAD", "/ETFRAMEWORK.WSDL", nil, 200, 0},
		{"GET", "/etframework.wsdl", map[string]string{"If-None-Match": etag}, 304, 0},
		{"GET", "/EtFramework.wsdl", map[string]string{"If-Modified-Since": lm.Format(http.TimeFormat)}, 304, 0},
		{"HEAD", "/etframework.wsdl", map[string]string{"If-None-Match": etag}, 304, 0},
		{"GET", "/etframework.wsdl", map[string]string{"If-Modified-Since": lm.Add(-time.Second).Format(http.TimeFormat)}, 200, len(doc)},
		{"GET", "/etframeworkfault.xsd", map[string]string{"If-None-Match": etag}, 200, len(xsd)}, // another document, another tag
		// Only GET and HEAD: the rest falls to the gateway's 404.
		{"POST", "/etframework.wsdl", nil, 404, -1},
	} {
		resp, body := do(t, tc.method, e.URL+tc.path, tc.header)
		name := tc.method + " " + tc.path
		if resp.StatusCode != tc.status {
			t.Errorf("%s %v: status %d, want %d", name, tc.header, resp.StatusCode, tc.status)
		}
		if tc.bodyLen >= 0 && len(body) != tc.bodyLen {
			t.Errorf("%s %v: %d bytes of body, want %d", name, tc.header, len(body), tc.bodyLen)
		}
		if tc.status == 200 && tc.path != "/etframeworkfault.xsd" {
			if got := resp.Header.Get("ETag"); got != etag {
				t.Errorf("%s: ETag %q, want %q", name, got, etag)
			}
			if got := resp.Header.Get("Last-Modified"); !lm.Equal(mustTime(t, got)) {
				t.Errorf("%s: Last-Modified %q moved from %v", name, got, lm)
			}
			if tc.method == "HEAD" && resp.ContentLength != int64(len(doc)) {
				t.Errorf("%s: Content-Length %d, want %d", name, resp.ContentLength, len(doc))
			}
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := http.ParseTime(s)
	if err != nil {
		t.Errorf("time %q: %v", s, err)
	}
	return tm
}
