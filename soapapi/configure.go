package soapapi

import (
	"context"
	"errors"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// configure serves Configure: Results{Result*}, OverallStatus,
// OverallStatusMessage, RequestID (the order SFMC uses).
func (h *Handler) configure(ctx context.Context, c *objects.Call, msg *soap.Element) (*soap.Element, error) {
	action := msg.ChildText("Action")
	confs := msg.Path("Configurations").ChildrenNamed("Configuration")
	if len(confs) == 0 {
		return nil, soap.ClientFault("The Configure request has no Configurations.")
	}
	results := soap.NewElement("Results")
	failed := 0
	for i, obj := range confs {
		res, err := h.configureOne(ctx, c, action, obj)
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

func (h *Handler) configureOne(ctx context.Context, c *objects.Call, action string, obj *soap.Element) (objects.Outcome, error) {
	typ := obj.Type()
	cf, ok := h.types[typ].(objects.Configurer)
	if !ok {
		return objects.Outcome{}, &objects.Error{Code: objects.CodeInvalid, Message: "Configure is not supported for " + fuelgate.Truncate(typ, 100) + "."}
	}
	if err := c.Actor.Authorize(cf.WriteOp()); err != nil {
		return objects.Outcome{}, objects.FromManage(err)
	}
	return cf.Configure(ctx, c, action, obj)
}
