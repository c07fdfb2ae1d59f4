package soapapi

import (
	"strconv"

	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// describe serves Describe (DefinitionRequestMsg): one ObjectDefinition per
// requested type, with no OverallStatus (as SFMC). Unknown types get an
// ObjectDefinition with ObjectType and IsRetrievable false.
func (h *Handler) describe(msg *soap.Element) (*soap.Element, error) {
	resp := soap.NewElement("DefinitionResponseMsg")
	reqs := msg.Path("DescribeRequests").ChildrenNamed("ObjectDefinitionRequest")
	if len(reqs) == 0 {
		return nil, soap.ClientFault("The Describe request has no ObjectDefinitionRequest.")
	}
	for _, r := range reqs {
		typ := r.ChildText("ObjectType")
		def := soap.NewElement("ObjectDefinition", soap.TextElement("ObjectType", typ))
		t, ok := h.types[typ]
		def.Add(soap.TextElement("IsCreatable", strconv.FormatBool(ok && is[objects.Creator](t))),
			soap.TextElement("IsUpdatable", strconv.FormatBool(ok && is[objects.Updater](t))),
			soap.TextElement("IsRetrievable", strconv.FormatBool(ok)))
		if ok {
			for _, f := range t.Fields() {
				def.Add(soap.NewElement("Properties", soap.NilElement("PartnerKey"), soap.NilElement("ObjectID"),
					soap.TextElement("Name", f.Name), soap.TextElement("DataType", f.DataType),
					soap.TextElement("IsUpdatable", strconv.FormatBool(f.Updatable)),
					soap.TextElement("IsRetrievable", strconv.FormatBool(f.Retrievable)),
					soap.TextElement("IsRequired", strconv.FormatBool(f.Required))))
			}
		}
		resp.Add(def)
	}
	resp.Add(soap.TextElement("RequestID", soap.NewUUID(nil)))
	return resp, nil
}

func is[T any](v any) bool { _, ok := v.(T); return ok }
