package fuel

import (
	"context"
	"errors"

	"github.com/fuelgate/fuelgate/soap"
)

// Create sends a CreateRequest for objs. An OverallStatus other than OK
// ("Error", "Has Errors") is a *StatusError holding every result.
func (c *Client) Create(ctx context.Context, objs ...Object) (*Response, error) {
	return c.write(ctx, "Create", objs)
}

// Update sends an UpdateRequest for objs.
func (c *Client) Update(ctx context.Context, objs ...Object) (*Response, error) {
	return c.write(ctx, "Update", objs)
}

// Delete sends a DeleteRequest for objs.
func (c *Client) Delete(ctx context.Context, objs ...Object) (*Response, error) {
	return c.write(ctx, "Delete", objs)
}

// write sends <{op}Request><Options /><Objects xsi:type="T">…</Objects>…
// and reads <{op}Response>.
func (c *Client) write(ctx context.Context, op string, objs []Object) (*Response, error) {
	if len(objs) == 0 {
		return nil, errors.New("fuel: " + op + ": no objects")
	}
	req := soap.NewElement(op+"Request", soap.NewElement("Options"))
	for _, o := range objs {
		req.Add(o.element("Objects"))
	}
	body, err := c.Call(ctx, op, req)
	if err != nil {
		return nil, err
	}
	if err := expect(body, op, op+"Response"); err != nil {
		return nil, err
	}
	return parseResponse(op, body, body.ChildrenNamed("Results"))
}

// Configure sends a ConfigureRequestMsg with action ("assign", "create",
// "update", "delete", …) and the configurations objs.
func (c *Client) Configure(ctx context.Context, action string, objs ...Object) (*Response, error) {
	if len(objs) == 0 {
		return nil, errors.New("fuel: Configure: no configurations")
	}
	confs := soap.NewElement("Configurations")
	for _, o := range objs {
		confs.Add(o.element("Configuration"))
	}
	req := soap.NewElement("ConfigureRequestMsg", soap.TextElement("Action", action), confs)
	body, err := c.Call(ctx, "Configure", req)
	if err != nil {
		return nil, err
	}
	if err := expect(body, "Configure", "ConfigureResponseMsg"); err != nil {
		return nil, err
	}
	return parseResponse("Configure", body, body.Child("Results").ChildrenNamed("Result"))
}
