package soapapi

import (
	"context"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// bodyElement is the request element each implemented operation expects.
var bodyElement = map[string]string{
	"Retrieve":        "RetrieveRequestMsg",
	"Create":          "CreateRequest",
	"Update":          "UpdateRequest",
	"Delete":          "DeleteRequest",
	"Configure":       "ConfigureRequestMsg",
	"Describe":        "DefinitionRequestMsg",
	"VersionInfo":     "VersionInfoRequestMsg",
	"GetSystemStatus": "SystemStatusRequestMsg",
}

// notImplemented lists SFMC operations fuelgate knows but does not provide.
var notImplemented = map[string]bool{"Query": true, "Perform": true, "Execute": true, "Schedule": true, "Extract": true}

// dispatch runs the operation and returns the response payload.
func (h *Handler) dispatch(ctx context.Context, req *request, a *manage.Actor) (*soap.Element, error) {
	op := req.env.Action
	want, ok := bodyElement[op]
	switch {
	case notImplemented[op]:
		return nil, soap.ClientFault("fuelgate does not implement the " + op + " operation.")
	case !ok:
		return nil, soap.ClientFault("Server did not recognize the value of HTTP Header SOAPAction: " + fuelgate.Truncate(op, 100) + ".")
	case req.env.Body == nil:
		return nil, soap.ClientFault("The SOAP Body is empty; expected " + want + ".")
	case req.env.Body.Name.Local != want:
		return nil, soap.ClientFault("The SOAP Body element " + fuelgate.Truncate(req.env.Body.Name.Local, 100) + " does not match the SOAPAction " + op + "; expected " + want + ".")
	}
	c := h.call(a)
	body := req.env.Body
	switch op {
	case "Retrieve":
		return h.retrieve(ctx, c, body)
	case "Create", "Update", "Delete":
		return h.write(ctx, c, op, body)
	case "Configure":
		return h.configure(ctx, c, body)
	case "Describe":
		return h.describe(body)
	case "VersionInfo":
		return versionInfo(body), nil
	default: // GetSystemStatus
		return systemStatus(), nil
	}
}
