package soapapi

import (
	"errors"

	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// configure serves Configure: Results{Result*}, OverallStatus,
// OverallStatusMessage, RequestID (the order SFMC uses).
func (h *Handler) configure(c *objects.Call, msg *soap.Element) (*soap.Element, error) {
	action := msg.ChildText("Action")
	confs := msg.Path("Configurations").ChildrenNamed("Configuration")
	if len(confs) == 0 {
		return nil, soap.ClientFault("The Configure request has no Configurations.")
	}
	results := soap.NewElement("Results")
	failed := 0
	for i, obj := range confs {
		res, err := h.configureOne(c, action, obj)
		if err != nil {
			var oe *objects.Error
			if !errors.As(err, &oe) {
				return nil, err
			}
			failed++
		}
		results.Add(resultElement("Result", i, res, err))
	}
	return soap.NewElement("ConfigureResponseMsg", results,
		soap.TextElement("OverallStatus", overall(failed, len(confs))),
		soap.NewElement("OverallStatusMessage"),
		soap.TextElement("RequestID", soap.NewUUID(nil))), nil
}

func (h *Handler) configureOne(c *objects.Call, action string, obj *soap.Element) (objects.Outcome, error) {
	typ := obj.Type()
	cf, ok := h.types[typ].(objects.Configurer)
	if !ok {
		return objects.Outcome{}, &objects.Error{Code: 2, Message: "Configure is not supported for " + truncate(typ, 100) + "."}
	}
	if a := cf.WriteAccess(); !allowed(c.P, a.Scope, a.Perm) {
		return objects.Outcome{}, &objects.Error{Code: 11, Message: "API Permission Failed"}
	}
	return cf.Configure(c, action, c.P.MID, obj)
}
