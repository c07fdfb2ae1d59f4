package soap

import (
	"encoding/xml"
	"strings"
)

// Element is a small namespace-resolved XML tree used for Body payloads in
// both directions.
//
// In a decoded tree Name.Space is the resolved namespace URI ("" for no
// namespace). In a tree built for encoding, an empty Name.Space means
// "inherit the parent's default namespace" (the partnerAPI namespace at the
// top of a payload).
type Element struct {
	Name     xml.Name   // Space is the resolved namespace URI
	Attr     []xml.Attr // namespace-declaration attributes removed
	Text     string     // character data directly inside (concatenated, not trimmed)
	Children []*Element

	// decls holds the namespace declarations written on this element in a
	// decoded document (Name.Local is the prefix, "" for the default
	// namespace). Only fault parsing needs them, to resolve a QName in text.
	decls []xml.Attr
}

// Child returns the first child with the given local name in any namespace,
// or nil. It is safe to call on a nil *Element.
func (e *Element) Child(local string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c != nil && c.Name.Local == local {
			return c
		}
	}
	return nil
}

// ChildrenNamed returns every child with the given local name, in order.
func (e *Element) ChildrenNamed(local string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Children {
		if c != nil && c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// ChildText returns the trimmed text of the first child with that local name,
// or "" if there is none.
func (e *Element) ChildText(local string) string {
	return e.Child(local).TrimmedText()
}

// Path follows nested Child lookups: e.Path("a", "b") is e.Child("a").Child("b").
func (e *Element) Path(locals ...string) *Element {
	for _, l := range locals {
		e = e.Child(l)
	}
	return e
}

// AttrValue returns the value of the first attribute with the given namespace
// URI and local name.
func (e *Element) AttrValue(space, local string) (string, bool) {
	if e == nil {
		return "", false
	}
	for _, a := range e.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// xsiAttr returns an xsi:* attribute value. An attribute whose "xsi" prefix
// was never declared is accepted too.
func (e *Element) xsiAttr(local string) (string, bool) {
	if v, ok := e.AttrValue(NSXSI, local); ok {
		return v, true
	}
	return e.AttrValue("xsi", local)
}

// Type returns the local part of xsi:type (after any prefix: "tns:Subscriber"
// gives "Subscriber"), or "" if there is none.
func (e *Element) Type() string {
	v, _ := e.xsiAttr("type")
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, ':'); i >= 0 {
		v = v[i+1:]
	}
	return v
}

// IsNil reports whether the element carries xsi:nil="true" (or "1").
func (e *Element) IsNil() bool {
	v, _ := e.xsiAttr("nil")
	v = strings.TrimSpace(v)
	return v == "true" || v == "1"
}

// TrimmedText returns Text without leading and trailing white space.
func (e *Element) TrimmedText() string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text)
}

// deepText concatenates the text of e and all its descendants (own text
// first, then each child's in order).
func (e *Element) deepText() string {
	if e == nil {
		return ""
	}
	if len(e.Children) == 0 {
		return e.Text
	}
	var b strings.Builder
	e.appendDeepText(&b, 0)
	return b.String()
}

func (e *Element) appendDeepText(b *strings.Builder, depth int) {
	if e == nil || depth > maxWriteDepth {
		return
	}
	b.WriteString(e.Text)
	for _, c := range e.Children {
		c.appendDeepText(b, depth+1)
	}
}

// firstChild returns the first non-nil child element.
func (e *Element) firstChild() *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c != nil {
			return c
		}
	}
	return nil
}

// NewElement builds an element in the inherited default namespace.
func NewElement(local string, children ...*Element) *Element {
	return (&Element{Name: xml.Name{Local: local}}).Add(children...)
}

// TextElement builds an element holding text.
func TextElement(local, text string) *Element {
	return &Element{Name: xml.Name{Local: local}, Text: text}
}

// NilElement builds <local xsi:nil="true" />.
func NilElement(local string) *Element {
	return &Element{
		Name: xml.Name{Local: local},
		Attr: []xml.Attr{{Name: xml.Name{Space: NSXSI, Local: "nil"}, Value: "true"}},
	}
}

// WithType sets xsi:type to xsiType (written unprefixed, as SFMC does:
// xsi:type="Subscriber"), replacing any earlier xsi:type, and returns e.
func (e *Element) WithType(xsiType string) *Element {
	if e == nil {
		return nil
	}
	for i, a := range e.Attr {
		if a.Name.Space == NSXSI && a.Name.Local == "type" {
			e.Attr[i].Value = xsiType
			return e
		}
	}
	e.Attr = append(e.Attr, xml.Attr{Name: xml.Name{Space: NSXSI, Local: "type"}, Value: xsiType})
	return e
}

// Add appends the non-nil children and returns e.
func (e *Element) Add(children ...*Element) *Element {
	if e == nil {
		return nil
	}
	for _, c := range children {
		if c != nil {
			e.Children = append(e.Children, c)
		}
	}
	return e
}

// NewAPIFault builds the apifault detail of a server fault:
// <apifault xmlns="urn:fault.partner.exacttarget.com"><Code>code</Code><Message>msg</Message></apifault>.
func NewAPIFault(code, message string) *Element {
	e := NewElement("apifault", TextElement("Code", code), TextElement("Message", message))
	e.Name.Space = NSFault
	return e
}
