package soapapi

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// statusError is a filter problem, worded as the OverallStatus text it becomes.
type statusError string

func (e statusError) Error() string { return string(e) }

// predicate reports whether a record matches a filter.
type predicate func(objects.Record) bool

// Limits of a Retrieve filter. Every value is parsed once, when the filter
// is read, and an IN is a set lookup, so a filter costs about its size
// plus, per record, one parse of each filtered property; these caps bound
// that size.
const (
	maxFilterDepth  = 16   // nested ComplexFilterParts
	maxFilterParts  = 100  // SimpleFilterParts in one filter
	maxFilterValues = 2500 // values in one filter, IN lists included
	maxValueBytes   = 1024 // one value (a LIKE pattern is matched in time length × value length)
)

// parseFilter turns a SimpleFilterPart or ComplexFilterPart into a predicate.
// The xsi:type may be missing (then the shape decides) or prefixed.
func parseFilter(f *soap.Element, fields map[string]bool, typ string, depth int) (predicate, error) {
	p := &filterParser{fields: fields, typ: typ}
	return p.parse(f, depth)
}

// filterParser reads one filter and counts its size against the caps.
type filterParser struct {
	fields          map[string]bool
	typ             string
	nparts, nvalues int
}

func (p *filterParser) parse(f *soap.Element, depth int) (predicate, error) {
	if depth > maxFilterDepth {
		return nil, statusError("Error: The filter is nested too deeply.")
	}
	kind := f.Type()
	if kind == "" {
		kind = "SimpleFilterPart"
		if f.Child("LeftOperand") != nil {
			kind = "ComplexFilterPart"
		}
	}
	switch kind {
	case "SimpleFilterPart":
		return p.simple(f)
	case "ComplexFilterPart":
		return p.complex(f, depth)
	}
	return nil, statusError("Error: Unsupported filter type " + fuelgate.Truncate(kind, 64) + ".")
}

func (p *filterParser) complex(f *soap.Element, depth int) (predicate, error) {
	var parts []predicate
	operands := []*soap.Element{f.Child("LeftOperand"), f.Child("RightOperand")}
	operands = append(operands, f.Path("AdditionalOperands").ChildrenNamed("Operand")...)
	for _, op := range operands {
		if op == nil {
			continue
		}
		pr, err := p.parse(op, depth+1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, pr)
	}
	if len(parts) == 0 {
		return nil, statusError("Error: A ComplexFilterPart needs a LeftOperand.")
	}
	switch strings.ToUpper(f.ChildText("LogicalOperator")) {
	case "AND":
		return func(r objects.Record) bool {
			for _, p := range parts {
				if !p(r) {
					return false
				}
			}
			return true
		}, nil
	case "OR":
		return func(r objects.Record) bool {
			for _, p := range parts {
				if p(r) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, statusError("Error: LogicalOperator must be AND or OR.")
}

// values reads a SimpleFilterPart's Value and DateValue elements, within the caps.
func (p *filterParser) values(f *soap.Element) ([]string, error) {
	els := append(f.ChildrenNamed("Value"), f.ChildrenNamed("DateValue")...)
	if p.nvalues += len(els); p.nvalues > maxFilterValues {
		return nil, statusError("Error: The filter has more than " + strconv.Itoa(maxFilterValues) +
			" values. Retrieve in several calls with smaller IN lists.")
	}
	vals := make([]string, len(els))
	for i, v := range els {
		vals[i] = v.TrimmedText()
		if len(vals[i]) > maxValueBytes {
			return nil, statusError("Error: A filter value is longer than " + strconv.Itoa(maxValueBytes) + " bytes.")
		}
	}
	return vals, nil
}

func (p *filterParser) simple(f *soap.Element) (predicate, error) {
	if p.nparts++; p.nparts > maxFilterParts {
		return nil, statusError("Error: The filter has more than " + strconv.Itoa(maxFilterParts) + " SimpleFilterParts.")
	}
	prop := f.ChildText("Property")
	if prop == "Client" {
		prop = "Client.ID"
	}
	if !p.fields[prop] {
		return nil, statusError("Error: The Filter Property " + fuelgate.Truncate(prop, 100) + " does not match with the fields of " + p.typ + " retrieve")
	}
	vals, err := p.values(f)
	if err != nil {
		return nil, err
	}
	op := f.ChildText("SimpleOperator")
	need := func(n int) error {
		if len(vals) < n {
			return statusError("Error: The operator " + fuelgate.Truncate(op, 64) + " needs " + strconv.Itoa(n) + " value(s).")
		}
		return nil
	}
	get := func(r objects.Record) (string, bool) { v, ok := r[prop]; return v, ok && v != "" }
	switch op {
	case "isNull":
		return func(r objects.Record) bool { _, ok := get(r); return !ok }, nil
	case "isNotNull":
		return func(r objects.Record) bool { _, ok := get(r); return ok }, nil
	case "equals", "notEquals", "greaterThan", "lessThan", "greaterThanOrEqual", "lessThanOrEqual",
		"like", "beginsWith", "endsWith", "contains", "notContains":
		if err := need(1); err != nil {
			return nil, err
		}
		want := parseOperand(vals[0])
		if op == "notEquals" || op == "notContains" {
			return func(r objects.Record) bool { v, ok := get(r); return !ok || applyOp(op, parseOperand(v), want) }, nil
		}
		return func(r objects.Record) bool { v, ok := get(r); return ok && applyOp(op, parseOperand(v), want) }, nil
	case "between":
		if err := need(2); err != nil {
			return nil, err
		}
		lo, hi := parseOperand(vals[0]), parseOperand(vals[1])
		return func(r objects.Record) bool {
			v, ok := get(r)
			if !ok {
				return false
			}
			x := parseOperand(v)
			return compareOperands(x, lo) >= 0 && compareOperands(x, hi) <= 0
		}, nil
	case "IN":
		if err := need(1); err != nil {
			return nil, err
		}
		set := newOperandSet(vals)
		return func(r objects.Record) bool { v, ok := get(r); return ok && set.has(parseOperand(v)) }, nil
	}
	return nil, statusError("Error: Unsupported SimpleOperator " + fuelgate.Truncate(op, 64) + ".")
}

// keep returns the records that match, checking every so often that the
// request is still wanted.
func keep(ctx context.Context, list []objects.Record, match predicate) ([]objects.Record, error) {
	kept := list[:0]
	for i, r := range list {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if match(r) {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// operand is a filter or record value, parsed once: as a number, as a
// dateTime, and lowered for text comparison.
type operand struct {
	lower  string
	num    float64
	isNum  bool
	t      time.Time
	isTime bool
}

func parseOperand(s string) operand {
	o := operand{lower: strings.ToLower(s)}
	if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(x) {
		o.num, o.isNum = x, true
	} else {
		o.t, o.isTime = parseTime(s)
	}
	return o
}

// applyOp applies a binary operator to a record value v and the filter's value.
func applyOp(op string, v, want operand) bool {
	switch op {
	case "equals":
		return compareOperands(v, want) == 0
	case "notEquals":
		return compareOperands(v, want) != 0
	case "greaterThan":
		return compareOperands(v, want) > 0
	case "lessThan":
		return compareOperands(v, want) < 0
	case "greaterThanOrEqual":
		return compareOperands(v, want) >= 0
	case "lessThanOrEqual":
		return compareOperands(v, want) <= 0
	case "like":
		return likeMatch(v.lower, want.lower)
	case "beginsWith":
		return strings.HasPrefix(v.lower, want.lower)
	case "endsWith":
		return strings.HasSuffix(v.lower, want.lower)
	case "contains":
		return strings.Contains(v.lower, want.lower)
	case "notContains":
		return !strings.Contains(v.lower, want.lower)
	}
	return false
}

// compare orders two values: numerically when both are numbers, as times when
// both are dateTimes, else as case-insensitive text (SFMC's collation).
// NaN is not a number here: it compares equal to every number, so a filter
// "equals NaN" would otherwise match every record.
func compare(a, b string) int { return compareOperands(parseOperand(a), parseOperand(b)) }

func compareOperands(a, b operand) int {
	switch {
	case a.isNum && b.isNum:
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	case a.isTime && b.isTime:
		return a.t.Compare(b.t)
	}
	return strings.Compare(a.lower, b.lower)
}

// operandSet answers "does a value equal (compare as 0 to) one of these?" in
// one lookup: numbers by value, dateTimes by instant, anything else by its
// lowered text (a value that is a number or a dateTime cannot equal, as
// text, one that is not).
type operandSet struct {
	nums  map[float64]bool
	times map[time.Time]bool // keys in UTC without monotonic reading: equal instants are equal keys
	texts map[string]bool
}

func newOperandSet(vals []string) operandSet {
	s := operandSet{nums: map[float64]bool{}, times: map[time.Time]bool{}, texts: map[string]bool{}}
	for _, v := range vals {
		o := parseOperand(v)
		switch {
		case o.isNum:
			s.nums[o.num] = true
		case o.isTime:
			s.times[o.t.UTC()] = true
		default:
			s.texts[o.lower] = true
		}
	}
	return s
}

func (s operandSet) has(o operand) bool {
	switch {
	case o.isNum:
		return s.nums[o.num]
	case o.isTime:
		return s.times[o.t.UTC()]
	}
	return s.texts[o.lower]
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// likeMatch matches SQL LIKE patterns: % any run, _ one character.
func likeMatch(s, pattern string) bool {
	sr, pr := []rune(s), []rune(pattern)
	// Iterative matcher with backtracking on the last %.
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && (pr[pi] == '_' || pr[pi] == sr[si]):
			si++
			pi++
		case pi < len(pr) && pr[pi] == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '%' {
		pi++
	}
	return pi == len(pr)
}
