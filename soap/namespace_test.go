package soap

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fixtures"
)

// referenceNames lists the resolved names of every start element and its
// non-declaration attributes, as encoding/xml's Token reports them, or an
// error where Token refuses the document.
func referenceNames(doc []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if t, ok := tok.(xml.StartElement); ok {
			out = append(out, t.Name.Space+"|"+t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				out = append(out, "@"+a.Name.Space+"|"+a.Name.Local+"="+a.Value)
			}
		}
	}
}

// treeNames lists the same for a parsed tree, in document order.
func treeNames(e *Element, out []string) []string {
	out = append(out, e.Name.Space+"|"+e.Name.Local)
	for _, a := range e.Attr {
		out = append(out, "@"+a.Name.Space+"|"+a.Name.Local+"="+a.Value)
	}
	for _, c := range e.Children {
		out = treeNames(c, out)
	}
	return out
}

// checkSameNames fails when parseTree resolves a name differently from
// encoding/xml's Token, or accepts a document Token refuses as malformed.
func checkSameNames(t *testing.T, doc []byte) {
	t.Helper()
	lim := Limits{}.withDefaults()
	lim.MaxDepth, lim.MaxElements = 1<<20, 1<<20
	root, derr := parseTree(bytes.NewReader(doc), lim)
	want, werr := referenceNames(doc)
	switch {
	case werr != nil && derr == nil:
		t.Fatalf("parseTree accepted a document encoding/xml refuses (%v)", werr)
	case werr != nil || derr != nil:
		return // both refuse, or parseTree refuses for its own stricter reasons
	}
	got := treeNames(root, nil)
	if len(got) != len(want) {
		t.Fatalf("got %d names, want %d:\ngot  %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("name %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestNamesMatchEncodingXML(t *testing.T) {
	docs := []string{
		`<a xmlns="urn:d"><b/><p:c xmlns:p="urn:p" p:x="1" y="2"/></a>`,
		`<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"/><p:c/></p:a>`,
		`<a><q:b/></a>`, // unbound prefix stays as written
		`<a xmlns="urn:d"><b xmlns=""/></a>`,
		`<a xml:lang="en"/>`,
		`<a><b></a></b>`,
		`<a></b>`,
		`<a>`,
	}
	for _, d := range docs {
		checkSameNames(t, []byte(d))
	}
	for _, f := range fixtures.All() {
		body, err := f.Body()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
			checkSameNames(t, body)
		}
	}
}

func FuzzNames(f *testing.F) {
	for _, fx := range fixtures.All() {
		if body, err := fx.Body(); err == nil {
			f.Add(body)
		}
	}
	f.Add([]byte(`<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2" p:t="v"/></p:a>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return
		}
		checkSameNames(t, doc)
	})
}
