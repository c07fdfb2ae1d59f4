package soapapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// retrieve serves Retrieve: properties and filter checked against the type,
// records limited to the BUs the principal may act in, paged by BatchSize.
// Every problem is a business error in OverallStatus ("Error: …"), HTTP 200.
func (h *Handler) retrieve(c *objects.Call, msg *soap.Element) (*soap.Element, error) {
	rr := msg.Child("RetrieveRequest")
	if rr == nil {
		return retrieveStatus("Error: RetrieveRequest is required."), nil
	}
	if cont := rr.ChildText("ContinueRequest"); cont != "" {
		return h.continueRetrieve(c, cont), nil
	}
	typ := rr.ChildText("ObjectType")
	obj, ok := h.types[typ]
	if !ok {
		return retrieveStatus("Error: Unable to find a handler for object type: " + truncate(typ, 100) +
			". Object types are case-sensitive, check spelling."), nil
	}
	if a := obj.ReadAccess(); !allowed(c.P, a.Scope, a.Perm) {
		return retrieveStatus("Error: API Permission Failed"), nil
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
	records, err := obj.List(c, h.retrieveMIDs(c.P, rr))
	if err != nil {
		return nil, err
	}
	kept := records[:0]
	for _, r := range records {
		if match(r) {
			kept = append(kept, r)
		}
	}
	return h.page(c, &resultSet{obj: obj, props: props, records: kept, batch: batch, owner: ownerOf(c.P)}), nil
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
			bad = append(bad, truncate(name, 100))
		}
	}
	return props, bad
}

// retrieveMIDs is where a Retrieve looks: the principal's own BU by default;
// ClientIDs, Options/Client or QueryAllAccounts may widen it, but only to BUs
// the principal may act in. Anything else is filtered out, not refused.
func (h *Handler) retrieveMIDs(p *auth.Principal, rr *soap.Element) []int64 {
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
	reach := []int64{p.MID}
	if p.Kind == auth.PrincipalUser {
		reach = append(reach, p.User.MIDs...)
	}
	var out []int64
	switch {
	case len(asked) > 0:
		for _, m := range asked {
			if p.CanActIn(m) {
				out = append(out, m)
			}
		}
	case strings.EqualFold(rr.ChildText("QueryAllAccounts"), "true"):
		out = reach
	default:
		out = []int64{p.MID}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// retrieveStatus is a RetrieveResponseMsg with only a status.
func retrieveStatus(status string) *soap.Element {
	return soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status),
		soap.TextElement("RequestID", soap.NewUUID(nil)))
}
