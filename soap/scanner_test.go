package soap

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// scanBoth reads doc with the scanner and with encoding/xml (parseXML), as
// parseTree would, and fails when the scanner accepts a document that
// encoding/xml refuses or builds a different tree. It reports whether the
// scanner accepted.
func scanBoth(t *testing.T, doc []byte, lim Limits) bool {
	t.Helper()
	lim = lim.withDefaults()
	p := newParser()
	doc = bytes.TrimPrefix(doc, byteOrderMark)
	root, ok := p.scan(doc, lim)
	want, derr := newParser().parseXML(doc, nil, lim)
	if !ok {
		return false
	}
	if derr != nil {
		t.Fatalf("scanner accepted a document encoding/xml refuses (%v):\n%q", derr, doc)
	}
	if !reflect.DeepEqual(root, want) {
		t.Fatalf("scanner and encoding/xml build different trees from\n%q\nscanner:      %s\nencoding/xml: %s", doc, dump(root), dump(want))
	}
	return true
}

// dump renders a tree with every field, for failure messages.
func dump(e *Element) string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString("{" + e.Name.Space + "|" + e.Name.Local)
	for _, a := range e.Attr {
		b.WriteString(" @" + a.Name.Space + "|" + a.Name.Local + "=" + a.Value)
	}
	for _, d := range e.decls {
		b.WriteString(" xmlns:" + d.Name.Local + "=" + d.Value)
	}
	b.WriteString(" text=" + e.Text)
	for _, c := range e.Children {
		b.WriteString(" " + dump(c))
	}
	b.WriteString("}")
	return b.String()
}

// Every request a real client sent takes the scanner: were one to fall back
// to encoding/xml, it would still be served, only slower, and nothing else
// would notice.
func TestScannerTakesEveryFixture(t *testing.T) {
	for _, fx := range soapFixtures(t) {
		if !scanBoth(t, fx.body, Limits{}) {
			t.Errorf("%s: the scanner gave the request to encoding/xml", fx.name)
		}
	}
}

// scannerCases are documents at the edges of the scanner's subset, with
// whether the scanner is expected to accept them; FuzzScanner starts from
// them too.
var scannerCases = []struct {
	doc     string
	scanned bool
}{
	{`<a/>`, true},
	{"\xEF\xBB\xBF<a/>", true},
	{`<?xml version="1.0" encoding="utf-8"?><a/>`, true},
	{`<?xml version='1.0' encoding='UTF-8' standalone='yes'?>` + "\r\n<a/>\n", true},
	{`<?xml version="1.1"?><a/>`, false},
	{`<?xml encoding="latin1"?><a/>`, false},
	{`<?xml encoding = "latin1"?><a/>`, false},
	{`<?xml-stylesheet href="x"?><a/><?pi after?>`, true},
	{`<a xmlns="urn:d" xmlns:p="urn:p"><p:b p:x="1" y='2' xml:lang="en">t</p:b><q:c/></a>`, true},
	{`<a x="1"y="2"/>`, true},
	{`<a x = "1" ></a >`, true},
	{`<a>x&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;y</a>`, true},
	{`<a>&#xD800;</a>`, true},
	{`<a>&#0;</a>`, false},
	{`<a>&#x110000;</a>`, false},
	{`<a>&#X41;</a>`, false},
	{`<a>&#;</a>`, false},
	{`<a>&#x;</a>`, false},
	{`<a>&lt</a>`, false},
	{`<a>&nbsp;</a>`, false},
	{`<a>&lt:x;</a>`, false},
	{`<a>]]></a>`, false},
	{`<a x="]]>"/>`, true},
	{`<a x="<"/>`, false},
	{`<a x=1/>`, false},
	{`<a x/>`, false},
	{"<a>l1\r\nl2\rl3\n</a>", true},
	{"<a x=\"l1\r\nl2\tl3\"/>", true},
	{`<a><![CDATA[<&]]>x</a>`, true},
	{`<a><![CDATA[]]]]><![CDATA[>]]></a>`, true},
	{`<a><![CDATA[x</a>`, false},
	{`<a><![CDATX[x]]></a>`, false},
	{`<a><!-- c - - --></a>`, true},
	{`<a><!-- c -- --></a>`, false},
	{`<a><!---></a>`, false},
	{`<!DOCTYPE a><a/>`, false},
	{`<a>` + "\x01" + `</a>`, false},
	{"<a>\xff</a>", false},
	{"<a>\uFFFE</a>", false},
	{"<a>é ü 日本</a>", true},
	{"<é/>", false},
	{`<a:b:c/>`, false},
	{`<:a/>`, false},
	{`<a: xmlns:a="u"/>`, false},
	{`<1a/>`, false},
	{`<a></b>`, false},
	{`<a>`, false},
	{`<a/><b/>`, false},
	{`<a/>text`, false},
	{"  <a/>  \n", true},
	{``, false},
	{`<a b="1" b="2"/>`, true},
	{`<a xmlns:p="urn:p"><p:b/></a>`, true},
	{`<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"/><p:c/></p:a>`, true},
	{`<p:a xmlns:p="urn:1"></a>`, false},
	{`<a></a:a>`, false},
	{`<a>x]]y]>z</a>`, true},
	{`<a>x]]&gt;</a>`, true},
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	for _, c := range scannerCases {
		if got := scanBoth(t, []byte(c.doc), Limits{}); got != c.scanned {
			t.Errorf("%q: scanner accepted = %v, want %v", c.doc, got, c.scanned)
		}
	}
}

// Past a limit the scanner gives the document to encoding/xml, which
// refuses it with the limit's reason.
func TestScannerLeavesLimitsToEncodingXML(t *testing.T) {
	lim := Limits{MaxDepth: 2, MaxElements: 3, MaxText: 4}
	for _, doc := range []string{`<a><b><c/></b></a>`, `<a><b/><b/><b/></a>`, `<a>12345</a>`, `<a>12<!---->345</a>`, `<a x="12345"/>`} {
		if scanBoth(t, []byte(doc), lim) {
			t.Errorf("%q: scanner accepted a document past the limits", doc)
		}
		if _, derr := parseTree(strings.NewReader(doc), lim.withDefaults()); derr == nil {
			t.Errorf("%q: parseTree accepted a document past the limits", doc)
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, fx := range soapFixtures(f) {
		f.Add(fx.body)
	}
	f.Add([]byte(`<a xmlns="urn:d" xmlns:p="urn:p"><p:b p:x="1&amp;" y='2'>t&#65;<![CDATA[<]]></p:b><!-- c --><?pi x?></a>`))
	f.Add([]byte("<?xml version=\"1.0\"?>\r\n<a x=\"\r\n\">\r\n</a>"))
	for _, c := range scannerCases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return
		}
		scanBoth(t, doc, Limits{})
	})
}

// A parser back in the pool holds none of the request's bytes: not the
// document, not the scanner's scratch text, not an element's text buffer.
func TestReleaseKeepsNoRequestBytes(t *testing.T) {
	const secret = "hunter2-secret"
	doc := `<E><H><S><U><Password>` + secret + `</Password><Nonce a="` + secret + `"/></U></S></H></E>`
	for _, scanned := range []bool{true, false} {
		p := newParser()
		lim := Limits{}.withDefaults()
		if scanned {
			if _, ok := p.scan([]byte(doc), lim); !ok {
				t.Fatal("scanner refused the document")
			}
		} else if _, derr := p.parseXML([]byte(doc), nil, lim); derr != nil {
			t.Fatal(derr)
		}
		_, _ = p.read(strings.NewReader(doc))
		holds := func(b []byte) bool { return bytes.Contains(b[:cap(b)], []byte(secret)) }
		if !holds(p.doc) {
			t.Fatal("the test does not reach the document buffer")
		}
		p.stack = p.stack[:0] // as parseTree leaves it
		p.release()
		if holds(p.doc) || holds(p.scratch) {
			t.Errorf("scanned=%v: the pooled document or scratch buffer keeps request bytes", scanned)
		}
		for i, f := range p.stack[:cap(p.stack)] {
			if holds(f.text) {
				t.Errorf("scanned=%v: frame %d keeps request text", scanned, i)
			}
		}
	}
}
