package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"sync"
)

// HTTPInfo carries the HTTP headers Decode needs to find the operation.
type HTTPInfo struct {
	SOAPAction  string // the SOAPAction header, quoted or not
	ContentType string // the Content-Type header (a SOAP 1.2 one may carry action=)
}

// Limits bounds the work Decode does on one document. Zero (or negative)
// fields take their defaults. Wrap the request body in http.MaxBytesReader
// as well: Limits does not cap the byte size.
type Limits struct {
	MaxDepth    int // default 64 when 0
	MaxElements int // default 20000 when 0 (total start elements)
	MaxText     int // max bytes of one element's text (all its text nodes) or of one attribute value; default 64 KiB when 0
}

// Default limits.
const (
	DefaultMaxDepth    = 64
	DefaultMaxElements = 20000
	DefaultMaxText     = 64 << 10
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
	}
	if l.MaxText <= 0 {
		l.MaxText = DefaultMaxText
	}
	return l
}

// Decode reads a whole SOAP envelope from r and interprets its Header and
// Body. Every refusal is a *DecodeError. The Header may come after the Body;
// the document is read to its end before anything is returned.
func Decode(r io.Reader, info HTTPInfo, lim Limits) (*Envelope, error) {
	if r == nil {
		return nil, refuse(reasonEmpty)
	}
	root, err := parseTree(r, lim.withDefaults())
	if err != nil {
		return nil, err
	}
	env, derr := interpret(root, info)
	if derr != nil {
		return nil, derr
	}
	return env, nil
}

// frame is one open element during parsing; text buffers are reused by depth.
// raw is the element's name as written (prefix in Space), to match its end tag.
type frame struct {
	e    *Element
	raw  xml.Name
	text []byte
	kids int // the scanner's: where the element's children start in parser.kids
}

// parser is the reusable state of parseTree: the request's bytes, the
// scanner's buffers and names, and the stack of open elements with their
// text buffers. Parsers are pooled, so a request does not allocate them
// anew.
type parser struct {
	doc     []byte
	scratch []byte
	attrs   []xml.Attr
	names   map[string]string
	stack   []frame

	// The scanner's children of the open elements, and the memory it hands
	// out for the tree of the current document: a tree outlives its parser,
	// so release drops these instead of keeping them for the next document.
	kids     []*Element
	elements []Element
	children []*Element
}

// maxPooledText is the largest text buffer a pooled parser keeps, and
// maxPooledDoc the largest document buffer.
const (
	maxPooledText = 4 << 10
	maxPooledDoc  = 64 << 10
)

var parsers = sync.Pool{New: func() any { return newParser() }}

func newParser() *parser {
	return &parser{names: make(map[string]string), doc: make([]byte, 0, 4<<10)}
}

// release clears p's references to the request and its bytes (no
// password stays in the pool), and returns it to the pool.
func (p *parser) release() {
	p.stack = p.stack[:cap(p.stack)]
	for i := range p.stack {
		f := &p.stack[i]
		f.e, f.raw = nil, xml.Name{}
		if cap(f.text) > maxPooledText {
			f.text = nil
		}
		clear(f.text[:cap(f.text)])
	}
	p.stack = p.stack[:0]
	if cap(p.doc) > maxPooledDoc {
		p.doc = nil
	}
	clear(p.doc[:cap(p.doc)])
	p.doc = p.doc[:0]
	if cap(p.scratch) > maxPooledText {
		p.scratch = nil
	}
	clear(p.scratch[:cap(p.scratch)])
	clear(p.attrs[:cap(p.attrs)])
	clear(p.kids[:cap(p.kids)])
	p.kids = p.kids[:0]
	p.elements, p.children = nil, nil
	parsers.Put(p)
}

// parseTree reads the whole document and builds its Element tree: with the
// scanner when the document is plain, else, and for every document that is
// to be refused, with encoding/xml.
func parseTree(r io.Reader, lim Limits) (*Element, *DecodeError) {
	p := parsers.Get().(*parser)
	defer p.release()
	doc, err := p.read(r)
	doc = bytes.TrimPrefix(doc, byteOrderMark)
	if err != nil {
		return p.parseXML(doc, err, lim)
	}
	if root, ok := p.scan(doc, lim); ok {
		return root, nil
	}
	return p.parseXML(doc, nil, lim)
}

// byteOrderMark is UTF-8's, which a document may start with.
var byteOrderMark = []byte("\xEF\xBB\xBF")

// read reads r to its end into p.doc.
func (p *parser) read(r io.Reader) ([]byte, error) {
	b := p.doc[:0]
	defer func() { p.doc = b }()
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// errorReader fails every read with err.
type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// parseXML builds the Element tree of doc (without its byte order mark)
// with encoding/xml. A readErr that ended the reading of doc is met where it
// happened, after doc's bytes.
func (p *parser) parseXML(doc []byte, readErr error, lim Limits) (*Element, *DecodeError) {
	var r io.Reader = bytes.NewReader(doc) // an io.ByteReader: encoding/xml reads it without a buffer of its own
	if readErr != nil {
		r = io.MultiReader(r, errorReader{readErr})
	}
	d := xml.NewDecoder(r)
	d.Strict = true // no CharsetReader, no Entity map, no AutoClose

	var (
		root     *Element
		elements int
	)
	// stack aliases p.stack; it is stored back as it grows.
	stack := p.stack[:0]
	defer func() { p.stack = stack[:0] }()
	// RawToken, not Token: names arrive with their prefixes, and this loop
	// resolves them against the declarations on the open elements and checks
	// that each end tag matches its start tag. That skips encoding/xml's own
	// namespace bookkeeping, most of its cost per element.
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, syntaxRefusal(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, refuse(reasonTrailing)
			}
			elements++
			if elements > lim.MaxElements {
				return nil, refuse(reasonElements)
			}
			if len(stack) >= lim.MaxDepth {
				return nil, refuse(reasonDepth)
			}
			e, derr := newDecodedElement(t, lim)
			if derr != nil {
				return nil, derr
			}
			resolveNames(e, stack)
			if len(stack) == 0 {
				root = e
			} else {
				parent := stack[len(stack)-1].e
				parent.Children = append(parent.Children, e)
			}
			stack = openFrame(stack, e, t.Name)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].raw != t.Name {
				return nil, refuse(reasonMalformed) // an end tag without its start tag
			}
			stack = popFrame(stack)
		case xml.CharData:
			if derr := addText(stack, t, lim); derr != nil {
				return nil, derr
			}
		case xml.Directive:
			return nil, refuse(reasonDTD)
		case xml.ProcInst:
			if t.Target == "xml" {
				if enc, ok := declaredEncoding(string(t.Inst)); ok && !strings.EqualFold(enc, "utf-8") {
					return nil, refuse(reasonEncoding)
				}
			}
		case xml.Comment:
			// ignored
		}
	}
	if root == nil {
		return nil, refuse(reasonEmpty)
	}
	if len(stack) != 0 {
		return nil, refuse(reasonMalformed)
	}
	return root, nil
}

// openFrame pushes e, reusing the text buffer of a frame left by an earlier
// element at the same depth.
func openFrame(stack []frame, e *Element, raw xml.Name) []frame {
	if len(stack) < cap(stack) {
		stack = stack[:len(stack)+1]
		f := &stack[len(stack)-1]
		f.e, f.raw, f.text = e, raw, f.text[:0]
		return stack
	}
	return append(stack, frame{e: e, raw: raw})
}

// popFrame pops the innermost element, giving it its text.
func popFrame(stack []frame) []frame {
	f := &stack[len(stack)-1]
	if len(f.text) > 0 {
		f.e.Text = string(f.text)
	}
	f.e = nil
	return stack[:len(stack)-1]
}

// addText adds character data t to the innermost open element; outside
// the document element only white space may stand.
func addText(stack []frame, t []byte, lim Limits) *DecodeError {
	if len(stack) == 0 {
		if len(bytes.TrimLeft(t, " \t\r\n")) != 0 {
			return refuse(reasonTrailing)
		}
		return nil
	}
	f := &stack[len(stack)-1]
	if len(f.text)+len(t) > lim.MaxText {
		return refuse(reasonText)
	}
	f.text = append(f.text, t...)
	return nil
}

// syntaxRefusal maps an encoding/xml error to a DecodeError.
func syntaxRefusal(err error) *DecodeError {
	var se *xml.SyntaxError
	if !errors.As(err, &se) && strings.Contains(err.Error(), "CharsetReader") {
		return &DecodeError{Reason: reasonEncoding, Err: err}
	}
	return &DecodeError{Reason: reasonMalformed, Err: err}
}

// newDecodedElement converts a start tag, splitting off namespace declarations.
func newDecodedElement(t xml.StartElement, lim Limits) (*Element, *DecodeError) {
	e := new(Element)
	if derr := decodeStart(e, t, lim); derr != nil {
		return nil, derr
	}
	return e, nil
}

// decodeStart fills the empty element e from a start tag, splitting off
// namespace declarations.
func decodeStart(e *Element, t xml.StartElement, lim Limits) *DecodeError {
	if strings.Contains(t.Name.Local, ":") {
		return refuse(reasonMalformed) // not namespace-well-formed
	}
	e.Name = t.Name
	for _, a := range t.Attr {
		if strings.Contains(a.Name.Local, ":") {
			return refuse(reasonMalformed)
		}
		if len(a.Value) > lim.MaxText {
			return refuse(reasonText)
		}
		switch {
		case a.Name.Space == "xmlns":
			e.decls = append(e.decls, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			e.decls = append(e.decls, xml.Attr{Name: xml.Name{Local: ""}, Value: a.Value})
		default:
			e.Attr = append(e.Attr, a)
		}
	}
	return nil
}

// resolveNames replaces the prefixes in e's name and attribute names by the
// namespaces they are bound to on e itself or on the open elements (innermost
// first), as encoding/xml's Token would: an unprefixed element takes the
// default namespace, an unprefixed attribute none, "xml" is predefined, and
// an unbound prefix is left as it is.
func resolveNames(e *Element, stack []frame) {
	lookup := func(prefix string) (string, bool) {
		if prefix == "xml" {
			return NSXML, true
		}
		for _, d := range e.decls {
			if d.Name.Local == prefix {
				return d.Value, true
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			for _, d := range stack[i].e.decls {
				if d.Name.Local == prefix {
					return d.Value, true
				}
			}
		}
		return "", false
	}
	if ns, ok := lookup(e.Name.Space); ok {
		e.Name.Space = ns
	}
	for i := range e.Attr {
		if p := e.Attr[i].Name.Space; p != "" {
			if ns, ok := lookup(p); ok {
				e.Attr[i].Name.Space = ns
			}
		}
	}
}

// declaredEncoding extracts encoding="…" from an XML declaration.
func declaredEncoding(inst string) (string, bool) {
	i := strings.Index(inst, "encoding")
	if i < 0 {
		return "", false
	}
	s := strings.TrimLeft(inst[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(s, "=") {
		return "", false
	}
	s = strings.TrimLeft(s[1:], " \t\r\n")
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return "", false
	}
	q := s[0]
	j := strings.IndexByte(s[1:], q)
	if j < 0 {
		return "", false
	}
	return s[1 : 1+j], true
}

// resolvePrefix finds the namespace bound to prefix along path (outermost
// first), searching from the innermost element outwards.
func resolvePrefix(path []*Element, prefix string) string {
	if prefix == "xml" {
		return NSXML
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == nil {
			continue
		}
		for _, d := range path[i].decls {
			if d.Name.Local == prefix {
				return d.Value
			}
		}
	}
	return ""
}
