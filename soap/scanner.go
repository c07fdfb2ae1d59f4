package soap

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scanner reads the plain XML that SOAP clients write — ASCII names,
// elements, attributes, text, character and the five predefined entity
// references, CDATA sections, comments, processing instructions — straight
// from the request's bytes, without encoding/xml's cost per byte and per
// token. It gives up on everything else and on every document it would
// refuse: then encoding/xml reads the document (parseXML) and decides, with
// its own errors. So the scanner only ever accepts: whatever it builds,
// parseXML builds the same tree from the same bytes, which FuzzScanner
// checks. Each step below mirrors encoding/xml's Decoder.rawToken in strict
// mode.
type scanner struct {
	doc []byte
	i   int
	p   *parser
}

// maxInternedName is the longest name or namespace URI a parser keeps for
// reuse, and maxInterned how many it keeps before it starts afresh.
const (
	maxInternedName = 128
	maxInterned     = 512
)

// scan builds the tree of doc; ok is false when doc leaves the scanner's
// subset or would be refused (see scanner).
func (p *parser) scan(doc []byte, lim Limits) (root *Element, ok bool) {
	s := scanner{doc: doc, p: p}
	p.kids = p.kids[:0]
	elements := 0
	stack := p.stack[:0]
	defer func() { p.stack = stack[:0] }()
	for s.i < len(doc) {
		if doc[s.i] != '<' {
			t, ok := s.text(-1, false)
			if !ok || addText(stack, t, lim) != nil {
				return nil, false
			}
			continue
		}
		s.i++
		c, ok := s.next()
		if !ok {
			return nil, false
		}
		switch c {
		case '/':
			space, local, ok := s.nsname()
			if !ok {
				return nil, false
			}
			s.space()
			if c, ok := s.next(); !ok || c != '>' {
				return nil, false
			}
			if len(stack) == 0 || !sameRaw(stack[len(stack)-1].raw, space, local) {
				return nil, false
			}
			stack = p.closeFrame(stack)
		case '?':
			if !s.procInst() {
				return nil, false
			}
		case '!':
			t, ok := s.markup()
			if !ok || addText(stack, t, lim) != nil {
				return nil, false
			}
		default:
			s.i--
			if root != nil && len(stack) == 0 {
				return nil, false // a second document element
			}
			elements++
			if elements > lim.MaxElements || len(stack) >= lim.MaxDepth {
				return nil, false
			}
			start, empty, ok := s.startTag()
			if !ok {
				return nil, false
			}
			e := p.newElement()
			if decodeStart(e, start, lim) != nil {
				return nil, false
			}
			resolveNames(e, stack)
			if len(stack) == 0 {
				root = e
			} else {
				p.kids = append(p.kids, e)
			}
			stack = openFrame(stack, e, start.Name)
			stack[len(stack)-1].kids = len(p.kids)
			if empty {
				stack = p.closeFrame(stack)
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, false
	}
	return root, true
}

// closeFrame pops the innermost element of the scanner, giving it its
// children and its text.
func (p *parser) closeFrame(stack []frame) []frame {
	f := &stack[len(stack)-1]
	if kids := p.kids[f.kids:]; len(kids) > 0 {
		f.e.Children = p.newChildren(kids)
		p.kids = p.kids[:f.kids]
	}
	return popFrame(stack)
}

// newElement returns an empty element of the current document's tree.
// Elements are handed out from blocks, one allocation for many.
func (p *parser) newElement() *Element {
	if len(p.elements) == 0 {
		p.elements = make([]Element, 16)
	}
	e := &p.elements[0]
	p.elements = p.elements[1:]
	return e
}

// newChildren returns a copy of kids in memory of the current document's
// tree, with no room to grow into a neighbour's.
func (p *parser) newChildren(kids []*Element) []*Element {
	if len(p.children) < len(kids) {
		p.children = make([]*Element, max(64, len(kids)))
	}
	c := p.children[:len(kids):len(kids)]
	p.children = p.children[len(kids):]
	copy(c, kids)
	return c
}

// sameRaw reports whether an end tag's name is the start tag's raw name.
func sameRaw(raw xml.Name, space, local []byte) bool {
	return raw.Space == string(space) && raw.Local == string(local)
}

// next returns the next byte; ok is false at the end of the document.
func (s *scanner) next() (byte, bool) {
	if s.i >= len(s.doc) {
		return 0, false
	}
	c := s.doc[s.i]
	s.i++
	return c, true
}

// space skips XML white space.
func (s *scanner) space() {
	for s.i < len(s.doc) {
		switch s.doc[s.i] {
		case ' ', '\r', '\n', '\t':
			s.i++
		default:
			return
		}
	}
}

// name reads a name of ASCII name characters that starts with a letter,
// '_' or ':'. A name that runs to the end of the document, or has a byte
// outside ASCII (which encoding/xml checks against its Unicode tables), is
// left to encoding/xml.
func (s *scanner) name() ([]byte, bool) {
	start := s.i
	for s.i < len(s.doc) {
		c := s.doc[s.i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if !isNameByte(c) {
			break
		}
		s.i++
	}
	if s.i >= len(s.doc) || s.i == start {
		return nil, false
	}
	switch c := s.doc[start]; {
	case c >= '0' && c <= '9', c == '-', c == '.':
		return nil, false
	}
	return s.doc[start:s.i], true
}

// isNameByte reports the ASCII bytes encoding/xml reads as part of a name.
func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// nsname reads a name and splits it at its one colon, as encoding/xml does:
// a name with more colons is refused, one with an empty prefix or local
// part keeps the colon in its local part.
func (s *scanner) nsname() (space, local []byte, ok bool) {
	b, ok := s.name()
	if !ok || bytes.Count(b, []byte{':'}) > 1 {
		return nil, nil, false
	}
	k := bytes.IndexByte(b, ':')
	if k <= 0 || k == len(b)-1 {
		return nil, b, true
	}
	return b[:k], b[k+1:], true
}

// startTag reads a start tag from its name to its '>' or "/>".
func (s *scanner) startTag() (t xml.StartElement, empty, ok bool) {
	space, local, ok := s.nsname()
	if !ok {
		return t, false, false
	}
	t.Name = xml.Name{Space: s.p.intern(space), Local: s.p.intern(local)}
	attrs := s.p.attrs[:0]
	defer func() { s.p.attrs = attrs[:0] }()
	for {
		s.space()
		c, ok := s.next()
		if !ok {
			return t, false, false
		}
		if c == '/' {
			if c, ok := s.next(); !ok || c != '>' {
				return t, false, false
			}
			empty = true
			break
		}
		if c == '>' {
			break
		}
		s.i--
		space, local, ok := s.nsname()
		if !ok {
			return t, false, false
		}
		s.space()
		if c, ok := s.next(); !ok || c != '=' {
			return t, false, false
		}
		s.space()
		q, ok := s.next()
		if !ok || (q != '"' && q != '\'') {
			return t, false, false
		}
		v, ok := s.text(int(q), false)
		if !ok {
			return t, false, false
		}
		a := xml.Attr{Name: xml.Name{Space: s.p.intern(space), Local: s.p.intern(local)}}
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			a.Value = s.p.intern(v) // a namespace URI, the same in every request
		} else {
			a.Value = string(v)
		}
		attrs = append(attrs, a)
	}
	t.Attr = attrs
	return t, empty, true
}

// procInst reads a processing instruction after its "<?". The XML
// declaration must say version 1.0 (or nothing) and UTF-8 (or nothing), as
// encoding/xml (without a CharsetReader) and declaredEncoding require.
func (s *scanner) procInst() bool {
	target, ok := s.name()
	if !ok {
		return false
	}
	s.space()
	k := bytes.Index(s.doc[s.i:], []byte("?>"))
	if k < 0 {
		return false
	}
	inst := s.doc[s.i : s.i+k]
	s.i += k + 2
	if string(target) != "xml" {
		return true
	}
	data := string(inst)
	if v := procInstParam("version", data); v != "" && v != "1.0" {
		return false
	}
	if enc := procInstParam("encoding", data); enc != "" && !strings.EqualFold(enc, "utf-8") {
		return false
	}
	if enc, ok := declaredEncoding(data); ok && !strings.EqualFold(enc, "utf-8") {
		return false
	}
	return true
}

// procInstParam finds param="value" (or '…') in a processing instruction
// the way encoding/xml does, which is not XML's grammar: the first
// "param=" followed by a quote counts, without regard to what precedes it.
func procInstParam(param, s string) string {
	param += "="
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || len(param)+k >= len(sub) {
			return ""
		}
		i += len(param) + k + 1
		if c := sub[len(param)+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// markup reads what follows "<!": a comment (no text) or a CDATA section
// (its text). A DTD or any other declaration is left to encoding/xml.
func (s *scanner) markup() ([]byte, bool) {
	c, ok := s.next()
	if !ok {
		return nil, false
	}
	switch c {
	case '-':
		if c, ok := s.next(); !ok || c != '-' {
			return nil, false
		}
		var b0, b1 byte
		for {
			b, ok := s.next()
			if !ok {
				return nil, false
			}
			if b0 == '-' && b1 == '-' {
				return nil, b == '>'
			}
			b0, b1 = b1, b
		}
	case '[':
		if !bytes.HasPrefix(s.doc[s.i:], []byte("CDATA[")) {
			return nil, false
		}
		s.i += len("CDATA[")
		return s.text(-1, true)
	}
	return nil, false
}

// text reads character data, decoded, into the parser's scratch buffer: up
// to '<' or the end of the document (quote < 0), up to the closing quote of
// an attribute value (quote ≥ 0), or up to "]]>" in a CDATA section. Line
// ends become "\n". The result must be UTF-8 of XML characters only.
func (s *scanner) text(quote int, cdata bool) ([]byte, bool) {
	out := s.p.scratch[:0]
	defer func() { s.p.scratch = out[:0] }()
	var b0, b1 byte
	trunc := 0
	for {
		// A run of printable ASCII other than '<', '>', '&', ']' and quotes
		// is copied as it stands: it cannot end the text or form "]]>".
		if j := s.plainRun(); j > s.i {
			out = append(out, s.doc[s.i:j]...)
			s.i = j
			b0, b1 = 0, 0
		}
		if s.i >= len(s.doc) {
			if cdata || quote >= 0 {
				return nil, false
			}
			break
		}
		b := s.doc[s.i]
		s.i++
		if quote < 0 && b0 == ']' && b1 == ']' && b == '>' {
			if !cdata {
				return nil, false
			}
			trunc = 2
			break
		}
		if b == '<' && !cdata {
			if quote >= 0 {
				return nil, false
			}
			s.i--
			break
		}
		if quote >= 0 && b == byte(quote) {
			break
		}
		if b == '&' && !cdata {
			var ok bool
			if out, ok = s.reference(out); !ok {
				return nil, false
			}
			b0, b1 = 0, 0
			continue
		}
		switch {
		case b == '\r':
			out = append(out, '\n')
		case b1 == '\r' && b == '\n':
		default:
			out = append(out, b)
		}
		b0, b1 = b1, b
	}
	out = out[:len(out)-trunc]
	if !xmlChars(out) {
		return nil, false
	}
	return out, true
}

// plainRun returns the end of the run of plain bytes at s.i (see text).
func (s *scanner) plainRun() int {
	j := s.i
	for j < len(s.doc) {
		switch c := s.doc[j]; {
		case c < 0x20 || c >= utf8.RuneSelf, c == '<', c == '&', c == ']', c == '>', c == '"', c == '\'':
			return j
		}
		j++
	}
	return j
}

// reference decodes a character reference or one of the five predefined
// entities after its '&' and appends it to out.
func (s *scanner) reference(out []byte) ([]byte, bool) {
	rest := s.doc[s.i:]
	if len(rest) > 0 && rest[0] == '#' {
		base, j := 10, 1
		if len(rest) > 1 && rest[1] == 'x' {
			base, j = 16, 2
		}
		start := j
		for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' ||
			base == 16 && (rest[j] >= 'a' && rest[j] <= 'f' || rest[j] >= 'A' && rest[j] <= 'F')) {
			j++
		}
		if j >= len(rest) || rest[j] != ';' {
			return out, false
		}
		n, err := strconv.ParseUint(string(rest[start:j]), base, 64)
		if err != nil || n > unicode.MaxRune {
			return out, false
		}
		s.i += j + 1
		return utf8.AppendRune(out, rune(n)), true
	}
	for _, ent := range predefined {
		if bytes.HasPrefix(rest, []byte(ent.name)) {
			s.i += len(ent.name)
			return append(out, ent.char), true
		}
	}
	return out, false
}

// predefined lists XML's five predefined entities with their semicolons.
var predefined = [...]struct {
	name string
	char byte
}{{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"apos;", '\''}, {"quot;", '"'}}

// xmlChars reports whether b is UTF-8 made of XML characters only.
func xmlChars(b []byte) bool {
	for len(b) > 0 {
		if c := b[0]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 || !isInCharacterRange(r) {
			return false
		}
		b = b[size:]
	}
	return true
}

// intern returns b as a string, the same string for the same short name
// each time, so that the names of a request cost no allocation.
func (p *parser) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := p.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= maxInternedName {
		if len(p.names) >= maxInterned {
			clear(p.names)
		}
		p.names[s] = s
	}
	return s
}
