package soapapi

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// retrieve serves Retrieve: properties and filter checked against the type,
// records read through manage (which leaves out what the actor may not see),
// paged by BatchSize. Every problem is a business error in OverallStatus
// ("Error: …"), HTTP 200.
func (h *Handler) retrieve(ctx context.Context, c *objects.Call, msg *soap.Element) (*soap.Element, error) {
	rr := msg.Child("RetrieveRequest")
	if rr == nil {
		return retrieveStatus("Error: RetrieveRequest is required."), nil
	}
	if cont := rr.ChildText("ContinueRequest"); cont != "" {
		return h.continueRetrieve(ctx, c, cont), nil
	}
	typ := rr.ChildText("ObjectType")
	obj, ok := h.types[typ]
	if !ok {
		return retrieveStatus("Error: Unable to find a handler for object type: " + fuelgate.Truncate(typ, 100) +
			". Object types are case-sensitive, check spelling."), nil
	}
	if err := c.Actor.Authorize(obj.ReadOp()); err != nil {
		return retrieveRefused(err), nil
	}
	fields := h.fields[typ]
	props, bad := requestedProps(rr, fields)
	if len(bad) > 0 {
		return retrieveStatus("Error: The Request Property(s) " + strings.Join(bad, ", ") +
			" do not match with the fields of " + typ + " retrieve"), nil
	}
	match := func(objects.Record) bool { return true }
	if f := rr.Child("Filter"); f != nil {
		var err error
		if match, err = parseFilter(f, fields, typ, 0); err != nil {
			return retrieveStatus(err.Error()), nil
		}
	}
	batch := h.BatchSize
	if s := rr.Path("Options", "BatchSize").TrimmedText(); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n < batch {
			batch = n
		}
	}
	mids := reached(c.Actor, obj.ReadOp(), retrieveMIDs(c.Actor, rr))
	records, err := obj.List(ctx, c, mids)
	if fuelgate.ErrorCode(err) == fuelgate.EPERMISSION {
		return retrieveRefused(err), nil
	}
	if err != nil {
		return nil, err
	}
	kept, err := keep(ctx, records, match)
	if err != nil {
		return nil, err
	}
	return h.page(ctx, c, &resultSet{obj: obj, props: props, records: compact(kept), batch: batch,
		owner: c.Actor.Key(), tenant: c.Actor.EnterpriseMID(), reached: mids}), nil
}

// retrievable returns the set of retrievable property paths of obj.
func retrievable(obj objects.Object) map[string]bool {
	m := map[string]bool{}
	for _, f := range obj.Fields() {
		if f.Retrievable {
			m[f.Name] = true
		}
	}
	return m
}

// requestedProps reads Properties; "Client" means Client.ID, and ObjectID and
// PartnerKey (always returned, nil) are accepted for every type.
func requestedProps(rr *soap.Element, fields map[string]bool) (map[string]bool, []string) {
	props := map[string]bool{}
	var bad []string
	for _, p := range rr.ChildrenNamed("Properties") {
		name := p.TrimmedText()
		switch {
		case name == "Client" && fields["Client.ID"]:
			props["Client.ID"] = true
		case name == "ObjectID" || name == "PartnerKey" || fields[name]:
			props[name] = true
		case name != "":
			bad = append(bad, fuelgate.Truncate(name, 100))
		}
	}
	return props, bad
}

// retrieveMIDs is where a Retrieve looks: the actor's own BU by default;
// ClientIDs and Options/Client name others, QueryAllAccounts asks for every
// BU the actor reaches. What the actor may not see, manage leaves out: it is
// filtered, not refused.
func retrieveMIDs(a *manage.Actor, rr *soap.Element) []int64 {
	var asked []int64
	addID := func(s string) {
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && n > 0 {
			asked = append(asked, n)
		}
	}
	// ClientIDs is a repeated ClientID: <ClientIDs><ID>N</ID></ClientIDs>
	// (.NET), <ClientIDs><ClientID>N</ClientID></ClientIDs> (the docs sample,
	// ClientID being the first member of the type), or a nested
	// <ClientIDs><ClientID><ID>N</ID></ClientID></ClientIDs>.
	for _, cid := range rr.ChildrenNamed("ClientIDs") {
		for _, child := range cid.Children {
			switch {
			case child.Name.Local == "ID" || (child.Name.Local == "ClientID" && len(child.Children) == 0):
				addID(child.TrimmedText())
			case child.Child("ID") != nil:
				addID(child.Child("ID").TrimmedText())
			}
		}
	}
	addID(rr.Path("Options", "Client", "ID").TrimmedText())
	switch {
	case len(asked) > 0:
	case strings.EqualFold(rr.ChildText("QueryAllAccounts"), "true"):
		asked = a.Reach()
	default:
		asked = []int64{a.MID()}
	}
	slices.Sort(asked)
	return slices.Compact(asked)
}

// reached returns the BUs of mids in which manage allows a to read op.
func reached(a *manage.Actor, op manage.Op, mids []int64) []int64 {
	var out []int64
	for _, m := range mids {
		if a.Authorize(op, m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// retrieveRefused is the answer to a Retrieve manage refuses: SFMC's "API
// Permission Failed" for a missing scope or permission, else manage's text.
func retrieveRefused(err error) *soap.Element {
	if errors.Is(err, manage.ErrNoPermission) {
		return retrieveStatus("Error: " + objects.PermissionFailed)
	}
	return retrieveStatus("Error: " + fuelgate.ErrorMessage(err))
}

// retrieveStatus is a RetrieveResponseMsg with only a status.
func retrieveStatus(status string) *soap.Element {
	return soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status),
		soap.TextElement("RequestID", soap.NewUUID(nil)))
}
