package wsdl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Document is one served file (the WSDL or the fault schema) with its HTTP
// validators:
//
//   - ETag: strong, the hex SHA-256 of the exact bytes served, so it is the
//     same on every instance and across restarts as long as the bytes (the
//     version and the public URL) are the same;
//   - Last-Modified: the time given to NewDocument. The server passes the
//     time it started, which is when it built the documents from the
//     embedded files and its public URL, the only moment the bytes can
//     change. A client that refreshes its local copy when Last-Modified is
//     newer than the copy (FuelSDK-PHP getWSDL, FuelSDK-Python
//     get_server_wsdl) downloads once after each restart, and never again
//     while the server runs.
//
// ServeHTTP answers GET and HEAD (mount it on a GET pattern, which
// net/http's mux also matches for HEAD) and conditional requests with 304
// (If-None-Match first, then If-Modified-Since), through http.ServeContent,
// which also serves Range requests.
type Document struct {
	body    []byte
	etag    string
	modTime time.Time
}

// NewDocument returns a Document serving body, last modified at modTime
// (rounded down to the second, the resolution of the header).
func NewDocument(body []byte, modTime time.Time) *Document {
	sum := sha256.Sum256(body)
	return &Document{
		body:    bytes.Clone(body),
		etag:    `"` + hex.EncodeToString(sum[:]) + `"`,
		modTime: modTime.UTC().Truncate(time.Second),
	}
}

// ETag returns the strong entity tag, quotes included.
func (d *Document) ETag() string { return d.etag }

// ModTime returns the Last-Modified time.
func (d *Document) ModTime() time.Time { return d.modTime }

// ServeHTTP serves the document.
func (d *Document) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	// Caches may keep the document but revalidate it (a 304) before use: a
	// restart with another public URL changes it.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", d.etag)
	http.ServeContent(w, r, "", d.modTime, bytes.NewReader(d.body))
}
