package soapapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// decodeFilter decodes filter XML (a <Filter> element) into the Element
// parseFilter reads.
func decodeFilter(t *testing.T, x string) *soap.Element {
	t.Helper()
	env, err := soap.Decode(strings.NewReader(`<Envelope xmlns="`+soap.NSSoap11+`" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Body>`+x+`</Body></Envelope>`),
		soap.HTTPInfo{SOAPAction: "Retrieve"}, soap.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return env.Body
}

func inFilter(prop string, vals []string) string {
	var sb strings.Builder
	sb.WriteString(`<Filter xsi:type="SimpleFilterPart"><Property>` + prop + `</Property><SimpleOperator>IN</SimpleOperator>`)
	for _, v := range vals {
		sb.WriteString(`<Value>` + v + `</Value>`)
	}
	sb.WriteString(`</Filter>`)
	return sb.String()
}

// TestFilterLimits: a filter beyond its caps (values, parts, value length)
// is refused with a clear error; one within them is accepted.
func TestFilterLimits(t *testing.T) {
	t.Parallel()
	fields := map[string]bool{"ID": true, "Name": true}
	nums := func(n int) []string {
		v := make([]string, n)
		for i := range v {
			v[i] = strconv.Itoa(i)
		}
		return v
	}
	or := func(n int) string {
		leaf := `<Operand xsi:type="SimpleFilterPart"><Property>ID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></Operand>`
		return `<Filter xsi:type="ComplexFilterPart"><LeftOperand xsi:type="SimpleFilterPart"><Property>ID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></LeftOperand>` +
			`<LogicalOperator>OR</LogicalOperator><AdditionalOperands>` + strings.Repeat(leaf, n-1) + `</AdditionalOperands></Filter>`
	}
	tests := []struct {
		name, filter, wantErr string
	}{
		{"IN at the cap", inFilter("ID", nums(maxFilterValues)), ""},
		{"IN over the cap", inFilter("ID", nums(maxFilterValues+1)), "Error: The filter has more than 2500 values."},
		{"19,000 IN values", inFilter("ID", nums(19000)), "Error: The filter has more than 2500 values."},
		{"parts at the cap", or(maxFilterParts), ""},
		{"parts over the cap", or(maxFilterParts + 1), "Error: The filter has more than 100 SimpleFilterParts."},
		{"long value", inFilter("Name", []string{strings.Repeat("x", maxValueBytes+1)}), "Error: A filter value is longer than 1024 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFilter(decodeFilter(t, tt.filter), fields, "AccountUser", 0)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want the filter accepted", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestINMatchesCompare: an IN is a set lookup, and it matches exactly the
// records whose value compares equal (compare) to one of its values —
// numbers by value, dateTimes by instant, text without case.
func TestINMatchesCompare(t *testing.T) {
	t.Parallel()
	pool := []string{"1", "1.0", "01", "-0", "0", "1e3", "1000", "Inf", "+inf", "NaN", "nan", "Bob", "bob", "BOB ",
		"2026-11-29T10:00:00", "2026-11-29T10:00:00Z", "2026-11-29T10:00:00.000", "2026-11-29", "2026-11-29T00:00:00Z",
		"x", "", "0x10", "16", "true", "TRUE"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		vals := make([]string, 1+r.IntN(5))
		for i := range vals {
			vals[i] = pool[r.IntN(len(pool))]
		}
		match, err := parseFilter(decodeFilter(t, inFilter("Name", vals)), map[string]bool{"Name": true}, "AccountUser", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range pool {
			want := false
			for _, w := range vals {
				want = want || (v != "" && compare(v, strings.TrimSpace(w)) == 0)
			}
			if got := match(objects.Record{"Name": v}); got != want {
				t.Errorf("%q IN %q: got %t, want %t", v, vals, got, want)
			}
		}
	}
}

// TestFilterStopsWithTheRequest: filtering checks the request's context and
// stops when the caller is gone.
func TestFilterStopsWithTheRequest(t *testing.T) {
	t.Parallel()
	list := make([]objects.Record, 10000)
	for i := range list {
		list[i] = objects.Record{"ID": fmt.Sprint(i)}
	}
	calls := 0
	match := func(objects.Record) bool { calls++; return true }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := keep(ctx, list, match); err == nil || calls > 256 {
		t.Errorf("filtering with a canceled context: err %v after %d records, want context.Canceled at once", err, calls)
	}
	kept, err := keep(context.Background(), list, func(r objects.Record) bool { return r["ID"] < "5" })
	if err != nil || len(kept) == 0 || len(kept) == len(list) {
		t.Errorf("filtering: %d kept, %v", len(kept), err)
	}
}
