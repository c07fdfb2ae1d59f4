package soapapi

import (
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/soap"
)

func TestLikeMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, s, pattern string
		want             bool
	}{
		{"exact", "bob", "bob", true},
		{"exact mismatch", "bob", "bib", false},
		{"percent suffix", "bob baker", "bob%", true},
		{"percent prefix", "erin archer", "%archer", true},
		{"percent both", "erin archer", "%arch%", true},
		{"percent alone", "", "%", true},
		{"percent matches empty", "bob", "bob%", true},
		{"underscore", "bob", "_ob", true},
		{"underscore needs a character", "ob", "_ob", false},
		{"backtracking", "aaab", "%a%b", true},
		{"backtracking fails", "aaac", "%a%b", false},
		{"longer pattern", "bo", "bob", false},
		{"trailing text", "bobby", "bob", false},
		{"app user", "test package app user", "% app user", true},
		{"unicode", "zoë", "zo_", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := likeMatch(c.s, c.pattern); got != c.want {
				t.Errorf("likeMatch(%q, %q): got %v, want %v", c.s, c.pattern, got, c.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, a, b string
		want       int
	}{
		{"numbers", "9", "10", -1},
		{"numbers equal", "10", "10.0", 0},
		{"text", "Bob", "alice", 1},
		{"text case-insensitive", "BOB", "bob", 0},
		{"number and text", "10", "abc", -1},
		{"dateTimes", "2026-11-29T10:00:00", "2026-11-29T09:00:00Z", 1},
		{"dates", "2026-01-02", "2026-01-10", -1},
		{"NaN is not a number", "1", "NaN", -1},
		{"NaN equals only NaN as text", "NaN", "nan", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := compare(c.a, c.b); got != c.want {
				t.Errorf("compare(%q, %q): got %d, want %d", c.a, c.b, got, c.want)
			}
		})
	}
}

func TestFilterNesting(t *testing.T) {
	t.Parallel()
	// parseFilter refuses more than maxFilterDepth nested ComplexFilterParts.
	var el filterBuilder
	f := el.nested(maxFilterDepth + 2)
	_, err := parseFilter(f, map[string]bool{"ID": true}, "BusinessUnit", 0)
	if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("got %v, want the nested-too-deeply error", err)
	}
	if _, err := parseFilter(el.nested(3), map[string]bool{"ID": true}, "BusinessUnit", 0); err != nil {
		t.Errorf("got %v for 3 levels, want no error", err)
	}
}

// filterBuilder decodes filter XML into the Element tree parseFilter reads.
type filterBuilder struct{}

// nested returns n ComplexFilterParts, each OR-ing a deeper one with ID equals 1.
func (filterBuilder) nested(n int) *soap.Element {
	leaf := `<SimpleFilterPart><Property>ID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></SimpleFilterPart>`
	x := strings.ReplaceAll(leaf, "SimpleFilterPart", "Filter")
	for i := 0; i < n; i++ {
		inner := strings.TrimSuffix(strings.TrimPrefix(x, "<Filter"), "</Filter>")
		x = `<Filter><LeftOperand` + inner + `</LeftOperand><LogicalOperator>OR</LogicalOperator>` +
			strings.ReplaceAll(leaf, "SimpleFilterPart", "RightOperand") + `</Filter>`
	}
	env, err := soap.Decode(strings.NewReader(`<Envelope xmlns="`+soap.NSSoap11+`"><Body>`+x+`</Body></Envelope>`),
		soap.HTTPInfo{SOAPAction: "Retrieve"}, soap.Limits{})
	if err != nil {
		panic(err)
	}
	return env.Body
}
