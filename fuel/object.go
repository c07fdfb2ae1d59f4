package fuel

import (
	"iter"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// Object is an API object of any type as a property bag: the xsi:type name
// and an ordered list of properties whose names are element paths joined
// with dots ("Client.ID", "Roles.Role.ObjectID").
//
// An element that repeats among its siblings is indexed from its second
// occurrence on: "UserPermissions.ID", "UserPermissions[1].ID", …; the index
// [0] may be written or left out ("Roles.Role[0].Name" is
// "Roles.Role.Name"). Elements marked xsi:nil are left out when decoding.
//
// Like a slice, a copied Object shares its storage with the original; use
// Clone before changing a copy.
type Object struct {
	Type  string
	props []property
}

type property struct{ name, value string }

// NewObject returns an Object of type typ with the given name/value pairs
// (a trailing name without a value gets "").
func NewObject(typ string, namesAndValues ...string) Object {
	o := Object{Type: typ}
	for i := 0; i < len(namesAndValues); i += 2 {
		v := ""
		if i+1 < len(namesAndValues) {
			v = namesAndValues[i+1]
		}
		o.Set(namesAndValues[i], v)
	}
	return o
}

// canonical removes "[0]" indexes from a property name.
func canonical(name string) string {
	if !strings.Contains(name, "[0]") {
		return name
	}
	return strings.ReplaceAll(name, "[0]", "")
}

// Set sets a property, replacing its value in place or appending it.
func (o *Object) Set(name, value string) *Object {
	name = canonical(name)
	for i := range o.props {
		if o.props[i].name == name {
			o.props[i].value = value
			return o
		}
	}
	o.props = append(o.props, property{name, value})
	return o
}

// SetInt sets a property to the decimal form of v.
func (o *Object) SetInt(name string, v int64) *Object {
	return o.Set(name, strconv.FormatInt(v, 10))
}

// SetBool sets a property to "true" or "false".
func (o *Object) SetBool(name string, v bool) *Object {
	return o.Set(name, strconv.FormatBool(v))
}

// Get returns a property's value and whether it is present.
func (o Object) Get(name string) (string, bool) {
	name = canonical(name)
	for _, p := range o.props {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// Value returns a property's value, or "" when it is absent.
func (o Object) Value(name string) string {
	v, _ := o.Get(name)
	return v
}

// Int returns a property as an integer; ok is false when it is absent or
// not a number.
func (o Object) Int(name string) (v int64, ok bool) {
	s, found := o.Get(name)
	if !found {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return v, err == nil
}

// Bool returns a property as a boolean ("true", "false", "1", "0"); ok is
// false when it is absent or not a boolean.
func (o Object) Bool(name string) (v bool, ok bool) {
	s, found := o.Get(name)
	if !found {
		return false, false
	}
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	return v, err == nil
}

// Delete removes a property.
func (o *Object) Delete(name string) {
	name = canonical(name)
	for i := range o.props {
		if o.props[i].name == name {
			o.props = append(o.props[:i:i], o.props[i+1:]...)
			return
		}
	}
}

// Len returns the number of properties.
func (o Object) Len() int { return len(o.props) }

// Names returns the property names in order.
func (o Object) Names() []string {
	out := make([]string, len(o.props))
	for i, p := range o.props {
		out[i] = p.name
	}
	return out
}

// All yields the properties in order.
func (o Object) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range o.props {
			if !yield(p.name, p.value) {
				return
			}
		}
	}
}

// Sub returns the properties under prefix (without "prefix."), as an
// Object with no type: o.Sub("Client") of {Client.ID: 1} is {ID: 1}.
func (o Object) Sub(prefix string) Object {
	prefix = canonical(prefix) + "."
	var s Object
	for _, p := range o.props {
		if rest, ok := strings.CutPrefix(p.name, prefix); ok {
			s.props = append(s.props, property{rest, p.value})
		}
	}
	return s
}

// Clone returns a copy that shares no storage with o.
func (o Object) Clone() Object {
	return Object{Type: o.Type, props: append([]property(nil), o.props...)}
}

// String renders the object for logs: Type{Name=Value, …}.
func (o Object) String() string {
	var b strings.Builder
	b.WriteString(o.Type)
	b.WriteByte('{')
	for i, p := range o.props {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.name + "=" + strconv.Quote(p.value))
	}
	b.WriteByte('}')
	return b.String()
}

// Indexed returns the property path of the i-th occurrence of a repeated
// element: Indexed("Roles.Role", 0) is "Roles.Role", 1 gives "Roles.Role[1]".
func Indexed(path string, i int) string {
	if i == 0 {
		return path
	}
	return path + "[" + strconv.Itoa(i) + "]"
}

// objectFrom flattens a decoded element (Results, Object, …).
func objectFrom(e *soap.Element) Object {
	o := Object{Type: e.Type()}
	flatten(&o, "", e, 0)
	return o
}

// maxObjectDepth bounds flattening (the decoder bounds depth as well).
const maxObjectDepth = 64

func flatten(o *Object, prefix string, e *soap.Element, depth int) {
	if depth > maxObjectDepth {
		return
	}
	seen := make(map[string]int, len(e.Children))
	for _, c := range e.Children {
		name := Indexed(c.Name.Local, seen[c.Name.Local])
		seen[c.Name.Local]++
		if prefix != "" {
			name = prefix + "." + name
		}
		switch {
		case c.IsNil():
		case len(c.Children) == 0:
			o.props = append(o.props, property{name, c.Text})
		default:
			flatten(o, name, c, depth+1)
		}
	}
}

// element builds the element local (e.g. "Objects") with xsi:type o.Type.
func (o Object) element(local string) *soap.Element {
	root := soap.NewElement(local)
	if o.Type != "" {
		root.WithType(o.Type)
	}
	for _, p := range o.props {
		cur := root
		segs := strings.Split(p.name, ".")
		for i, seg := range segs {
			name, idx := splitIndex(seg)
			cur = nthChild(cur, name, idx)
			if i == len(segs)-1 {
				cur.Text = p.value
			}
		}
	}
	return root
}

// maxIndex bounds the index of a repeated element in a property name.
const maxIndex = 100000

// splitIndex splits "Role[2]" into "Role" and 2.
func splitIndex(seg string) (string, int) {
	open := strings.IndexByte(seg, '[')
	if open < 0 || !strings.HasSuffix(seg, "]") {
		return seg, 0
	}
	n, err := strconv.Atoi(seg[open+1 : len(seg)-1])
	if err != nil || n < 0 || n > maxIndex {
		return seg, 0 // not a name: the encoder refuses it
	}
	return seg[:open], n
}

// nthChild returns the idx-th child named local, appending empty ones as
// needed.
func nthChild(e *soap.Element, local string, idx int) *soap.Element {
	n := 0
	for _, c := range e.Children {
		if c.Name.Local == local {
			if n == idx {
				return c
			}
			n++
		}
	}
	var c *soap.Element
	for ; n <= idx; n++ {
		c = soap.NewElement(local)
		e.Add(c)
	}
	return c
}
