package objects

import (
	"testing"

	"github.com/fuelgate/fuelgate/soap"
)

func TestParseBool(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in       string
		want, ok bool
	}{
		{"true", true, true}, {"1", true, true}, {"True", true, true}, {"TRUE", true, true},
		{"false", false, true}, {"0", false, true}, {"False", false, true}, {"FALSE", false, true},
		{"", false, false}, {"yes", false, false}, {" true", false, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := parseBool(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("parseBool(%q): got %v, %v, want %v, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestClientID(t *testing.T) {
	t.Parallel()
	obj := func(id string) *soap.Element {
		return soap.NewElement("Objects", soap.NewElement("Client", soap.TextElement("ID", id)))
	}
	cases := []struct {
		name string
		obj  *soap.Element
		want int64
		err  bool
	}{
		{"absent: default", soap.NewElement("Objects"), 42, false},
		{"empty: default", obj(""), 42, false},
		{"given", obj(" 7281698 "), 7281698, false},
		{"zero", obj("0"), 0, true},
		{"negative", obj("-5"), 0, true},
		{"not a number", obj("abc"), 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := clientID(c.obj, 42)
			if (err != nil) != c.err || got != c.want {
				t.Errorf("got %d, %v, want %d, error %v", got, err, c.want, c.err)
			}
			if err != nil {
				if e, ok := err.(*Error); !ok || e.Code != 2 {
					t.Errorf("got error %#v, want *Error with code 2", err)
				}
			}
		})
	}
}

func TestWantsWebServices(t *testing.T) {
	t.Parallel()
	perm := func(children ...*soap.Element) *soap.Element { return soap.NewElement("UserPermissions", children...) }
	user := func(perms ...*soap.Element) *soap.Element { return soap.NewElement("Objects", perms...) }
	cases := []struct {
		name string
		obj  *soap.Element
		want bool
	}{
		{"none", user(), false},
		{"by name", user(perm(soap.TextElement("Name", "WebServices"), soap.TextElement("Value", "true"))), true},
		{"by name, case-insensitive", user(perm(soap.TextElement("Name", "webservices"))), true},
		{"by ID", user(perm(soap.TextElement("ID", "1"))), true},
		{"value false", user(perm(soap.TextElement("ID", "1"), soap.TextElement("Value", "false"))), false},
		{"deleted", user(perm(soap.TextElement("ID", "1"), soap.TextElement("Delete", "1"))), false},
		{"other permission only", user(perm(soap.TextElement("ID", "3"))), false},
		{"other, then WebServices", user(perm(soap.TextElement("ID", "3")), perm(soap.TextElement("Name", "WebServices"))), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := wantsWebServices(c.obj); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRoleRefs(t *testing.T) {
	t.Parallel()
	role := func(local, v string) *soap.Element { return soap.NewElement("Role", soap.TextElement(local, v)) }
	obj := soap.NewElement("Objects", soap.NewElement("Roles",
		role("ObjectID", "f1cfb80f-3550-e611-96fe-38eaa7142c61"), role("CustomerKey", "SYS_DEF_VIEWER"),
		role("Name", "Custom"), soap.NewElement("Role"), role("Description", "ignored")))
	got := roleRefs(obj)
	want := []string{"f1cfb80f-3550-e611-96fe-38eaa7142c61", "SYS_DEF_VIEWER", "Custom"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if got := roleRefs(soap.NewElement("Objects")); got != nil {
		t.Errorf("got %v without Roles, want nil", got)
	}
}
