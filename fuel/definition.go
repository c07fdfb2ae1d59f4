package fuel

import (
	"context"
	"fmt"
	"strconv"

	"github.com/fuelgate/fuelgate/soap"
)

// ObjectDefinition describes an object type (Describe).
type ObjectDefinition struct {
	ObjectType string
	Properties []PropertyDefinition
}

// PropertyDefinition describes one property of an object type.
type PropertyDefinition struct {
	Name          string
	DataType      string
	IsUpdatable   bool
	IsRetrievable bool
	IsRequired    bool
	MaxLength     int // 0 when not sent
}

// Describe sends a DefinitionRequestMsg for objectType.
func (c *Client) Describe(ctx context.Context, objectType string) (*ObjectDefinition, error) {
	req := soap.NewElement("DefinitionRequestMsg",
		soap.NewElement("DescribeRequests",
			soap.NewElement("ObjectDefinitionRequest", soap.TextElement("ObjectType", objectType))))
	body, err := c.Call(ctx, "Describe", req)
	if err != nil {
		return nil, err
	}
	if err := expect(body, "Describe", "DefinitionResponseMsg"); err != nil {
		return nil, err
	}
	def := body.Child("ObjectDefinition")
	if def == nil {
		return nil, fmt.Errorf("fuel: Describe: no ObjectDefinition for %q", objectType)
	}
	out := &ObjectDefinition{ObjectType: def.ChildText("ObjectType")}
	for _, p := range def.ChildrenNamed("Properties") {
		pd := PropertyDefinition{Name: p.ChildText("Name"), DataType: p.ChildText("DataType")}
		pd.IsUpdatable, _ = strconv.ParseBool(p.ChildText("IsUpdatable"))
		pd.IsRetrievable, _ = strconv.ParseBool(p.ChildText("IsRetrievable"))
		pd.IsRequired, _ = strconv.ParseBool(p.ChildText("IsRequired"))
		pd.MaxLength, _ = strconv.Atoi(p.ChildText("MaxLength"))
		out.Properties = append(out.Properties, pd)
	}
	return out, nil
}
