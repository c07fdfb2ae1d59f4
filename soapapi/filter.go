package soapapi

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// statusError is a filter problem, worded as the OverallStatus text it becomes.
type statusError string

func (e statusError) Error() string { return string(e) }

// predicate reports whether a record matches a filter.
type predicate func(objects.Record) bool

// maxFilterDepth bounds nested ComplexFilterParts.
const maxFilterDepth = 16

// parseFilter turns a SimpleFilterPart or ComplexFilterPart into a predicate.
// The xsi:type may be missing (then the shape decides) or prefixed.
func parseFilter(f *soap.Element, fields map[string]bool, typ string, depth int) (predicate, error) {
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
		return simpleFilter(f, fields, typ)
	case "ComplexFilterPart":
		return complexFilter(f, fields, typ, depth)
	}
	return nil, statusError("Error: Unsupported filter type " + truncate(kind, 64) + ".")
}

func complexFilter(f *soap.Element, fields map[string]bool, typ string, depth int) (predicate, error) {
	var parts []predicate
	operands := []*soap.Element{f.Child("LeftOperand"), f.Child("RightOperand")}
	operands = append(operands, f.Path("AdditionalOperands").ChildrenNamed("Operand")...)
	for _, op := range operands {
		if op == nil {
			continue
		}
		p, err := parseFilter(op, fields, typ, depth+1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
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

func simpleFilter(f *soap.Element, fields map[string]bool, typ string) (predicate, error) {
	prop := f.ChildText("Property")
	if prop == "Client" {
		prop = "Client.ID"
	}
	if !fields[prop] {
		return nil, statusError("Error: The Filter Property " + truncate(prop, 100) + " does not match with the fields of " + typ + " retrieve")
	}
	var vals []string
	for _, v := range f.ChildrenNamed("Value") {
		vals = append(vals, v.TrimmedText())
	}
	for _, v := range f.ChildrenNamed("DateValue") {
		vals = append(vals, v.TrimmedText())
	}
	op := f.ChildText("SimpleOperator")
	need := func(n int) error {
		if len(vals) < n {
			return statusError("Error: The operator " + op + " needs " + strconv.Itoa(n) + " value(s).")
		}
		return nil
	}
	get := func(r objects.Record) (string, bool) { v, ok := r[prop]; return v, ok && v != "" }
	var p predicate
	switch op {
	case "isNull":
		p = func(r objects.Record) bool { _, ok := get(r); return !ok }
	case "isNotNull":
		p = func(r objects.Record) bool { _, ok := get(r); return ok }
	case "equals", "notEquals", "greaterThan", "lessThan", "greaterThanOrEqual", "lessThanOrEqual",
		"like", "beginsWith", "endsWith", "contains", "notContains":
		if err := need(1); err != nil {
			return nil, err
		}
		want, cmpOp := vals[0], op
		p = func(r objects.Record) bool { v, ok := get(r); return ok && compareOp(cmpOp, v, want) }
		if op == "notEquals" || op == "notContains" {
			p = func(r objects.Record) bool { v, ok := get(r); return !ok || compareOp(cmpOp, v, want) }
		}
	case "between":
		if err := need(2); err != nil {
			return nil, err
		}
		lo, hi := vals[0], vals[1]
		p = func(r objects.Record) bool {
			v, ok := get(r)
			return ok && compare(v, lo) >= 0 && compare(v, hi) <= 0
		}
	case "IN":
		if err := need(1); err != nil {
			return nil, err
		}
		p = func(r objects.Record) bool {
			v, ok := get(r)
			for _, w := range vals {
				if ok && compare(v, w) == 0 {
					return true
				}
			}
			return false
		}
	default:
		return nil, statusError("Error: Unsupported SimpleOperator " + truncate(op, 64) + ".")
	}
	return p, nil
}

// compareOp applies a binary operator.
func compareOp(op, v, want string) bool {
	lv, lw := strings.ToLower(v), strings.ToLower(want)
	switch op {
	case "equals":
		return compare(v, want) == 0
	case "notEquals":
		return compare(v, want) != 0
	case "greaterThan":
		return compare(v, want) > 0
	case "lessThan":
		return compare(v, want) < 0
	case "greaterThanOrEqual":
		return compare(v, want) >= 0
	case "lessThanOrEqual":
		return compare(v, want) <= 0
	case "like":
		return likeMatch(lv, lw)
	case "beginsWith":
		return strings.HasPrefix(lv, lw)
	case "endsWith":
		return strings.HasSuffix(lv, lw)
	case "contains":
		return strings.Contains(lv, lw)
	case "notContains":
		return !strings.Contains(lv, lw)
	}
	return false
}

// compare orders two values: numerically when both are numbers, as times when
// both are dateTimes, else as case-insensitive text (SFMC's collation).
// NaN is not a number here: it compares equal to every number, so a filter
// "equals NaN" would otherwise match every record.
func compare(a, b string) int {
	if x, err := strconv.ParseFloat(a, 64); err == nil && !math.IsNaN(x) {
		if y, err := strconv.ParseFloat(b, 64); err == nil && !math.IsNaN(y) {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	if x, ok := parseTime(a); ok {
		if y, ok := parseTime(b); ok {
			return x.Compare(y)
		}
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
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
