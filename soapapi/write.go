package soapapi

import (
	"context"
	"errors"
	"strconv"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// write serves Create, Update and Delete: one Results element per object,
// OverallStatus OK, Error (all failed) or Has Errors (some failed).
func (h *Handler) write(ctx context.Context, c *objects.Call, op string, msg *soap.Element) (*soap.Element, error) {
	var results []*soap.Element
	failed := 0
	for i, obj := range msg.ChildrenNamed("Objects") {
		res, err := h.writeOne(ctx, c, op, obj)
		el := resultElement("Results", i, res, err)
		if err != nil {
			var oe *objects.Error
			if !errors.As(err, &oe) {
				return nil, err
			}
			failed++
		}
		if op == "Create" {
			insertNewID(el, res.NewID, err != nil)
		}
		results = append(results, el)
	}
	if len(results) == 0 {
		return nil, soap.ClientFault("The " + op + " request has no Objects.")
	}
	resp := soap.NewElement(op + "Response")
	resp.Add(results...)
	resp.Add(soap.TextElement("RequestID", soap.NewUUID(nil)), soap.TextElement("OverallStatus", overall(failed, len(results))))
	return resp, nil
}

// writeOne performs one object's write. Before reading the object it asks
// manage whether the actor's permissions allow the operation at all (SFMC
// answers "API Permission Failed" before validating); the use-case then
// decides on the BUs, grants and target.
func (h *Handler) writeOne(ctx context.Context, c *objects.Call, op string, obj *soap.Element) (objects.Outcome, error) {
	typ := obj.Type()
	t, ok := h.types[typ]
	if !ok {
		return objects.Outcome{}, &objects.Error{Code: objects.CodeInvalid, Message: "Unable to find a handler for object type: " + fuelgate.Truncate(typ, 100) + ". Object types are case-sensitive, check spelling."}
	}
	var mop manage.Op
	var run func() (objects.Outcome, error)
	switch op {
	case "Create":
		if w, ok := t.(objects.Creator); ok {
			mop, run = w.CreateOp(), func() (objects.Outcome, error) { return w.Create(ctx, c, obj) }
		}
	case "Update":
		if w, ok := t.(objects.Updater); ok {
			mop, run = w.WriteOp(), func() (objects.Outcome, error) { return w.Update(ctx, c, obj) }
		}
	case "Delete":
		if w, ok := t.(objects.Deleter); ok {
			mop, run = w.WriteOp(), func() (objects.Outcome, error) { return w.Delete(ctx, c, obj) }
		}
	}
	if run == nil {
		return objects.Outcome{}, &objects.Error{Code: objects.CodeInvalid, Message: op + " is not supported for " + typ + "."}
	}
	if err := c.Actor.Authorize(mop); err != nil {
		return objects.Outcome{}, objects.FromManage(err)
	}
	return run()
}

// resultElement renders one per-object result in WSDL order:
// StatusCode, StatusMessage, OrdinalID, ErrorCode, then Object.
func resultElement(name string, ordinal int, res objects.Outcome, err error) *soap.Element {
	el := soap.NewElement(name)
	if err != nil {
		var oe *objects.Error
		errors.As(err, &oe)
		el.Add(soap.TextElement("StatusCode", "Error"), soap.TextElement("StatusMessage", oe.Message),
			soap.TextElement("OrdinalID", strconv.Itoa(ordinal)), soap.TextElement("ErrorCode", strconv.Itoa(oe.Code)))
		return el
	}
	el.Add(soap.TextElement("StatusCode", "OK"), soap.TextElement("StatusMessage", res.Message),
		soap.TextElement("OrdinalID", strconv.Itoa(ordinal)))
	if res.Object != nil {
		el.Add(res.Object)
	}
	return el
}

// insertNewID adds NewID after OrdinalID/ErrorCode and before Object, as CreateResult orders it.
func insertNewID(el *soap.Element, id int64, failed bool) {
	if failed {
		id = 0
	}
	newID := soap.TextElement("NewID", strconv.FormatInt(id, 10))
	for i, c := range el.Children {
		if c.Name.Local == "Object" {
			el.Children = append(el.Children[:i], append([]*soap.Element{newID}, el.Children[i:]...)...)
			return
		}
	}
	el.Add(newID)
}

// overall is the OverallStatus of a write with failed of n objects failing.
func overall(failed, n int) string {
	switch {
	case failed == 0:
		return "OK"
	case failed == n:
		return "Error"
	}
	return "Has Errors"
}
