package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxWriteDepth bounds recursion over an Element tree (and catches cycles).
const maxWriteDepth = 1000

var (
	errBadName  = errors.New("soap: invalid XML name in element tree")
	errTooDeep  = errors.New("soap: element tree too deep (or cyclic)")
	errNilFault = errors.New("soap: nil fault")
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// getBuffer returns an empty pooled buffer.
func getBuffer() *bytes.Buffer {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufPool.Put(b)
	}
}

// flush writes b to w and recycles b.
func flush(w io.Writer, b *bytes.Buffer) error {
	_, err := w.Write(b.Bytes())
	putBuffer(b)
	return err
}

// escape writes s with the escaping of xml.EscapeText (also used for
// attribute values): the five special characters, tab, newline and carriage
// return become references, and invalid characters become U+FFFD.
func escape(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !isInCharacterRange(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		b.WriteString(s[last : i-width])
		b.WriteString(esc)
		last = i
	}
	b.WriteString(s[last:])
}

func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// isName reports whether s is an XML NCName (no colon) that is safe to write.
// It accepts every name encoding/xml accepts (checked exhaustively against
// its XML 1.0 tables when this was written), so decoded trees re-encode.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == utf8.RuneError {
			return false
		}
		switch {
		case r == '_' || r == 0x212E || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r):
		case i > 0 && (r == '-' || r == '.' || r == 0xB7 || r == 0x387 || r == 0x6DD || r == 0x6DE ||
			unicode.IsDigit(r) || unicode.In(r, unicode.M, unicode.Nd)):
		default:
			return false
		}
	}
	return true
}

// writeElement writes e and its subtree. inherited is the default namespace
// in scope; top, for a Body payload, turns an empty namespace into NSPartner.
func writeElement(b *bytes.Buffer, e *Element, inherited string, top bool, depth int) error {
	if e == nil {
		return nil
	}
	if depth > maxWriteDepth {
		return errTooDeep
	}
	if !isName(e.Name.Local) {
		return errBadName
	}
	b.WriteByte('<')
	b.WriteString(e.Name.Local)
	ns := e.Name.Space
	if ns == "" && top {
		ns = NSPartner
	}
	if ns == "" {
		ns = inherited
	} else if ns != inherited || top {
		b.WriteString(` xmlns="`)
		escape(b, ns)
		b.WriteByte('"')
	}
	if err := writeAttrs(b, e.Attr); err != nil {
		return err
	}
	if e.Text == "" && len(e.Children) == 0 {
		b.WriteString(" />")
		return nil
	}
	b.WriteByte('>')
	escape(b, e.Text)
	for _, c := range e.Children {
		if err := writeElement(b, c, ns, false, depth+1); err != nil {
			return err
		}
	}
	b.WriteString("</")
	b.WriteString(e.Name.Local)
	b.WriteByte('>')
	return nil
}

// writeAttrs writes attributes: xsi:* and xml:* with their prefixes,
// unqualified ones bare, any other namespace under a prefix declared on the
// element itself. Namespace declarations in Attr are skipped.
func writeAttrs(b *bytes.Buffer, attrs []xml.Attr) error {
	n := 0
	for _, a := range attrs {
		if !isName(a.Name.Local) {
			return errBadName
		}
		b.WriteByte(' ')
		switch a.Name.Space {
		case "":
			if a.Name.Local == "xmlns" {
				b.Truncate(b.Len() - 1)
				continue
			}
		case "xmlns":
			b.Truncate(b.Len() - 1)
			continue
		case NSXSI:
			b.WriteString("xsi:")
		case NSXML:
			b.WriteString("xml:")
		default:
			n++
			p := "ns" + strconv.Itoa(n)
			b.WriteString("xmlns:")
			b.WriteString(p)
			b.WriteString(`="`)
			escape(b, a.Name.Space)
			b.WriteString(`" `)
			b.WriteString(p)
			b.WriteByte(':')
		}
		b.WriteString(a.Name.Local)
		b.WriteString(`="`)
		escape(b, a.Value)
		b.WriteByte('"')
	}
	return nil
}
