package fuel

import "github.com/fuelgate/fuelgate/soap"

// Filter is a Retrieve filter: a SimpleFilter or a ComplexFilter.
type Filter interface {
	// part builds the filter element named local with its xsi:type.
	part(local string) *soap.Element
}

// Operator is a SimpleFilterPart SimpleOperator.
type Operator string

// Simple operators of the partner API.
const (
	Equals             Operator = "equals"
	NotEquals          Operator = "notEquals"
	GreaterThan        Operator = "greaterThan"
	LessThan           Operator = "lessThan"
	GreaterThanOrEqual Operator = "greaterThanOrEqual"
	LessThanOrEqual    Operator = "lessThanOrEqual"
	IsNull             Operator = "isNull"
	IsNotNull          Operator = "isNotNull"
	Between            Operator = "between"
	In                 Operator = "IN"
	Like               Operator = "like"
	BeginsWith         Operator = "beginsWith"
	EndsWith           Operator = "endsWith"
	Contains           Operator = "contains"
	NotContains        Operator = "notContains"
)

// LogicalOperator joins the operands of a ComplexFilter.
type LogicalOperator string

// Logical operators.
const (
	AND LogicalOperator = "AND"
	OR  LogicalOperator = "OR"
)

// SimpleFilter is a SimpleFilterPart. Values repeat for In and Between and
// are absent for IsNull and IsNotNull.
type SimpleFilter struct {
	Property string
	Operator Operator
	Values   []string
}

// Where returns a SimpleFilter: Where("ID", Equals, "1234567").
func Where(property string, op Operator, values ...string) SimpleFilter {
	return SimpleFilter{Property: property, Operator: op, Values: values}
}

func (f SimpleFilter) part(local string) *soap.Element {
	e := soap.NewElement(local,
		soap.TextElement("Property", f.Property),
		soap.TextElement("SimpleOperator", string(f.Operator)))
	for _, v := range f.Values {
		e.Add(soap.TextElement("Value", v))
	}
	return e.WithType("SimpleFilterPart")
}

// ComplexFilter is a ComplexFilterPart: Left Op Right.
type ComplexFilter struct {
	Left  Filter
	Op    LogicalOperator
	Right Filter
}

// And returns left AND right.
func And(left, right Filter) ComplexFilter { return ComplexFilter{Left: left, Op: AND, Right: right} }

// Or returns left OR right.
func Or(left, right Filter) ComplexFilter { return ComplexFilter{Left: left, Op: OR, Right: right} }

func (f ComplexFilter) part(local string) *soap.Element {
	e := soap.NewElement(local)
	if f.Left != nil {
		e.Add(f.Left.part("LeftOperand"))
	}
	e.Add(soap.TextElement("LogicalOperator", string(f.Op)))
	if f.Right != nil {
		e.Add(f.Right.part("RightOperand"))
	}
	return e.WithType("ComplexFilterPart")
}
