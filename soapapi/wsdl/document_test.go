package wsdl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// built is the fixed start time of the documents under test; the nanoseconds
// are dropped by NewDocument.
var built = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

const lastModified = "Sat, 14 Mar 2026 08:26:53 GMT"

func TestDocumentValidators(t *testing.T) {
	body := WSDL("https://127.0.0.1:8443")
	d := NewDocument(body, built)
	sum := sha256.Sum256(body)
	if want := `"` + hex.EncodeToString(sum[:]) + `"`; d.ETag() != want {
		t.Errorf("ETag %s, want the quoted hex SHA-256 of the body %s", d.ETag(), want)
	}
	if want := time.Date(2026, 3, 14, 8, 26, 53, 0, time.UTC); !d.ModTime().Equal(want) || d.ModTime().Location() != time.UTC {
		t.Errorf("ModTime %v, want %v", d.ModTime(), want)
	}
	// Another public URL is another document: another tag. The same bytes
	// give the same tag on every instance and after a restart.
	if o := NewDocument(WSDL("https://other:8443"), built); o.ETag() == d.ETag() {
		t.Error("two public URLs give the same ETag")
	}
	if o := NewDocument(WSDL("https://127.0.0.1:8443"), built.Add(time.Hour)); o.ETag() != d.ETag() {
		t.Error("the same bytes give two ETags")
	}
	if x := NewDocument(FaultXSD(), built); x.ETag() == d.ETag() {
		t.Error("WSDL and XSD share an ETag")
	}
	// NewDocument keeps its own copy.
	body[0] = '!'
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, WSDLPath, nil))
	if rec.Body.Bytes()[0] == '!' {
		t.Error("NewDocument aliases the caller's slice")
	}
}

// exchange is one request to a Document and what must come back.
type exchange struct {
	name    string
	method  string
	header  map[string]string // "ETAG" in a value stands for the document's tag
	status  int
	body    bool // the full document is in the body
	partial string
}

var exchanges = []exchange{
	{name: "GET", method: "GET", status: 200, body: true},
	{name: "HEAD", method: "HEAD", status: 200},
	{name: "If-None-Match: the tag", method: "GET", header: map[string]string{"If-None-Match": "ETAG"}, status: 304},
	{name: "HEAD If-None-Match: the tag", method: "HEAD", header: map[string]string{"If-None-Match": "ETAG"}, status: 304},
	{name: "If-None-Match: the tag, weak", method: "GET", header: map[string]string{"If-None-Match": "W/ETAG"}, status: 304},
	{name: "If-None-Match: a list holding the tag", method: "GET", header: map[string]string{"If-None-Match": `"0000", ETAG`}, status: 304},
	{name: "If-None-Match: *", method: "GET", header: map[string]string{"If-None-Match": "*"}, status: 304},
	{name: "If-None-Match: another tag", method: "GET", header: map[string]string{"If-None-Match": `"0000"`}, status: 200, body: true},
	{name: "If-Modified-Since: Last-Modified", method: "GET", header: map[string]string{"If-Modified-Since": lastModified}, status: 304},
	{name: "HEAD If-Modified-Since: Last-Modified", method: "HEAD", header: map[string]string{"If-Modified-Since": lastModified}, status: 304},
	{name: "If-Modified-Since: later", method: "GET", header: map[string]string{"If-Modified-Since": "Sun, 15 Mar 2026 00:00:00 GMT"}, status: 304},
	{name: "If-Modified-Since: a second earlier", method: "GET", header: map[string]string{"If-Modified-Since": "Sat, 14 Mar 2026 08:26:52 GMT"}, status: 200, body: true},
	{name: "If-Modified-Since: unparsable", method: "GET", header: map[string]string{"If-Modified-Since": "yesterday"}, status: 200, body: true},
	{name: "If-None-Match wins over If-Modified-Since", method: "GET",
		header: map[string]string{"If-None-Match": `"0000"`, "If-Modified-Since": lastModified}, status: 200, body: true},
	{name: "Range", method: "GET", header: map[string]string{"Range": "bytes=0-37"}, status: 206, partial: `<?xml version="1.0" encoding="utf-8"?>`},
}

// TestDocumentHTTP sends each exchange to the WSDL and the XSD and compares
// the status, the headers (tag and length written as ETAG and LENGTH) and
// the body with testdata/document-http.golden.
func TestDocumentHTTP(t *testing.T) {
	var out bytes.Buffer
	for _, doc := range []struct {
		path string
		body []byte
	}{{WSDLPath, WSDL("https://127.0.0.1:8443")}, {XSDPath, FaultXSD()}} {
		d := NewDocument(doc.body, built)
		for _, ex := range exchanges {
			req := httptest.NewRequest(ex.method, doc.path, nil)
			var sent []string
			for k, v := range ex.header {
				req.Header.Set(k, strings.ReplaceAll(v, "ETAG", d.ETag()))
				sent = append(sent, k+": "+v)
			}
			slices.Sort(sent)
			rec := httptest.NewRecorder()
			d.ServeHTTP(rec, req)
			res := rec.Result()
			name := ex.method + " " + doc.path + " (" + ex.name + ")"
			if res.StatusCode != ex.status {
				t.Errorf("%s: status %d, want %d", name, res.StatusCode, ex.status)
			}
			got := rec.Body.Bytes()
			switch {
			case ex.body && !bytes.Equal(got, doc.body):
				t.Errorf("%s: body of %d bytes, want the document (%d bytes)", name, len(got), len(doc.body))
			case ex.partial != "" && string(got) != ex.partial:
				t.Errorf("%s: body %q, want %q", name, got, ex.partial)
			case !ex.body && ex.partial == "" && len(got) != 0:
				t.Errorf("%s: %d bytes of body, want none", name, len(got))
			}
			if res.StatusCode != http.StatusNotModified {
				if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(doc.body)) && ex.partial == "" {
					t.Errorf("%s: Content-Length %q, want %d", name, cl, len(doc.body))
				}
			}
			if et := res.Header.Get("Etag"); et != d.ETag() {
				t.Errorf("%s: ETag %q, want %q", name, et, d.ETag())
			}
			// A 304 carries the ETag and, since the tag is there, no
			// Last-Modified (RFC 9110 15.4.5; net/http drops it).
			wantLM := lastModified
			if res.StatusCode == http.StatusNotModified {
				wantLM = ""
			}
			if lm := res.Header.Get("Last-Modified"); lm != wantLM {
				t.Errorf("%s: Last-Modified %q, want %q", name, lm, wantLM)
			}

			out.WriteString("> " + ex.method + " " + doc.path + "\n")
			for _, h := range sent {
				out.WriteString("> " + h + "\n")
			}
			out.WriteString("< " + strconv.Itoa(res.StatusCode) + "\n")
			for _, k := range slices.Sorted(maps.Keys(res.Header)) {
				v := strings.Join(res.Header[k], ", ")
				v = strings.ReplaceAll(v, d.ETag(), "ETAG")
				if k == "Content-Length" && v == strconv.Itoa(len(doc.body)) {
					v = "LENGTH"
				}
				if k == "Content-Range" {
					v = strings.TrimSuffix(v, "/"+strconv.Itoa(len(doc.body))) + "/LENGTH"
				}
				out.WriteString("< " + k + ": " + v + "\n")
			}
			switch {
			case bytes.Equal(got, doc.body):
				out.WriteString("< (the document)\n")
			case len(got) > 0:
				out.WriteString("< " + string(got) + "\n")
			}
			out.WriteString("\n")
		}
	}
	golden(t, "document-http", out.Bytes())
}

// golden compares got with testdata/<name>.golden (or rewrites it with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("exchanges differ from %s\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
