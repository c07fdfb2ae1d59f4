package soapapi

import (
	"errors"
	"strconv"

	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// write serves Create, Update and Delete: one Results element per object,
// OverallStatus OK, Error (all failed) or Has Errors (some failed).
func (h *Handler) write(c *objects.Call, op string, msg *soap.Element) (*soap.Element, error) {
	var results []*soap.Element
	failed := 0
	for i, obj := range msg.ChildrenNamed("Objects") {
		res, err := h.writeOne(c, op, obj)
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

// writeOne performs one object's write after the type and access checks.
func (h *Handler) writeOne(c *objects.Call, op string, obj *soap.Element) (objects.Outcome, error) {
	typ := obj.Type()
	t, ok := h.types[typ]
	if !ok {
		return objects.Outcome{}, &objects.Error{Code: 2, Message: "Unable to find a handler for object type: " + truncate(typ, 100) + ". Object types are case-sensitive, check spelling."}
	}
	var access objects.Access
	var run func() (objects.Outcome, error)
	switch op {
	case "Create":
		if w, ok := t.(objects.Creator); ok {
			access, run = w.WriteAccess(), func() (objects.Outcome, error) { return w.Create(c, c.P.MID, obj) }
		}
	case "Update":
		if w, ok := t.(objects.Updater); ok {
			access, run = w.WriteAccess(), func() (objects.Outcome, error) { return w.Update(c, c.P.MID, obj) }
		}
	case "Delete":
		if w, ok := t.(objects.Deleter); ok {
			access, run = w.WriteAccess(), func() (objects.Outcome, error) { return w.Delete(c, c.P.MID, obj) }
		}
	}
	if run == nil {
		return objects.Outcome{}, &objects.Error{Code: 2, Message: op + " is not supported for " + typ + "."}
	}
	if !allowed(c.P, access.Scope, access.Perm) {
		return objects.Outcome{}, &objects.Error{Code: 11, Message: "API Permission Failed"}
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
