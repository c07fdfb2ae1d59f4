package objects

import (
	"context"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// BusinessUnit is the SOAP BusinessUnit type: a business unit (account) of
// the enterprise. A caller sees only the BUs it may act in.
type BusinessUnit struct{}

// Account is the SOAP Account type: the same data as BusinessUnit.
type Account struct{ BusinessUnit }

func (Account) Name() string { return "Account" }

func (BusinessUnit) Name() string { return "BusinessUnit" }

var buFields = []Field{
	{Name: "Client.ID", DataType: "Int", Retrievable: true},
	{Name: "Client.EnterpriseID", DataType: "Long", Retrievable: true},
	{Name: "CreatedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ModifiedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ID", DataType: "Int", Retrievable: true},
	{Name: "CustomerKey", DataType: "String", Retrievable: true},
	{Name: "AccountType", DataType: "String", Retrievable: true},
	{Name: "ParentID", DataType: "Int", Retrievable: true, Updatable: false},
	{Name: "Name", DataType: "String", Retrievable: true, Updatable: true, Required: true},
	{Name: "IsActive", DataType: "Int", Retrievable: true, Updatable: true},
	{Name: "ParentName", DataType: "String", Retrievable: true},
	{Name: "Description", DataType: "String", Retrievable: true},
	{Name: "MasterUnsubscribeBehavior", DataType: "String", Retrievable: true},
}

func (BusinessUnit) Fields() []Field { return buFields }

func (BusinessUnit) ReadOp() manage.Op   { return manage.OpBusinessUnitRead }
func (BusinessUnit) CreateOp() manage.Op { return manage.OpBusinessUnitCreate }
func (BusinessUnit) WriteOp() manage.Op  { return manage.OpBusinessUnitUpdate }

// List reads the requested BUs through manage, which leaves out those the
// actor does not reach; its cost does not grow with the number of BUs.
func (BusinessUnit) List(ctx context.Context, c *Call, mids []int64) ([]Record, error) {
	bus, err := c.Manage.BusinessUnitsIn(ctx, c.Actor, mids)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(bus))
	for _, b := range bus {
		out = append(out, buRecord(c, b))
	}
	return out, nil
}

// buRecord flattens a BU.
func buRecord(c *Call, b manage.BusinessUnitView) Record {
	typ := "BUSINESS_UNIT"
	if b.ParentMID == 0 {
		typ = "ENTERPRISE_2"
	}
	active := "0"
	if b.Active {
		active = "1"
	}
	r := Record{
		"Client.ID": itoa(b.MID), "Client.EnterpriseID": itoa(b.EnterpriseMID), "CreatedDate": c.Time(b.CreatedAt),
		"ModifiedDate": c.Time(b.UpdatedAt), "ID": itoa(b.MID), "CustomerKey": itoa(b.MID), "AccountType": typ,
		"ParentID": itoa(b.ParentMID), "Name": b.Name, "IsActive": active,
		"MasterUnsubscribeBehavior": "ENTIRE_ENTERPRISE",
	}
	if b.ParentName != "" {
		r["ParentName"] = b.ParentName
	}
	return r
}

func (BusinessUnit) Render(_ context.Context, c *Call, rec Record, props map[string]bool) *soap.Element {
	return renderBU("BusinessUnit", rec, props)
}

func (a Account) Render(_ context.Context, c *Call, rec Record, props map[string]bool) *soap.Element {
	return renderBU("Account", rec, props)
}

// renderBU writes the members in WSDL order: APIObject, Account, BusinessUnit.
func renderBU(typ string, rec Record, props map[string]bool) *soap.Element {
	e := soap.NewElement("Results").WithType(typ)
	if props["Client.ID"] || props["Client.EnterpriseID"] {
		cl := soap.NewElement("Client")
		text(cl, rec, props, "Client.ID", "ID")
		text(cl, rec, props, "Client.EnterpriseID", "EnterpriseID")
		e.Add(cl)
	}
	e.Add(soap.NilElement("PartnerKey"))
	text(e, rec, props, "CreatedDate", "CreatedDate")
	text(e, rec, props, "ModifiedDate", "ModifiedDate")
	text(e, rec, props, "ID", "ID")
	e.Add(soap.NilElement("ObjectID"))
	text(e, rec, props, "CustomerKey", "CustomerKey")
	e.Add(soap.TextElement("AccountType", rec["AccountType"]))
	text(e, rec, props, "ParentID", "ParentID")
	text(e, rec, props, "Name", "Name")
	text(e, rec, props, "IsActive", "IsActive")
	text(e, rec, props, "ParentName", "ParentName")
	e.Add(soap.NilElement("Subscription"))
	if typ == "BusinessUnit" {
		text(e, rec, props, "Description", "Description")
		e.Add(soap.TextElement("MasterUnsubscribeBehavior", rec["MasterUnsubscribeBehavior"]))
	}
	return e
}

// Create makes a child BU under ParentID (default: the actor's BU).
func (BusinessUnit) Create(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error) {
	parent := c.Actor.MID()
	if s := obj.ChildText("ParentID"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return Outcome{}, &Error{Code: CodeInvalid, Message: "ParentID must be a positive integer."}
		}
		parent = n
	}
	name := strings.TrimSpace(obj.ChildText("Name"))
	if name == "" {
		return Outcome{}, &Error{Code: CodeInvalid, Message: "Name is required when creating a business unit."}
	}
	a, err := c.Manage.CreateBusinessUnit(ctx, c.Actor, parent, name)
	if err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "Created BusinessUnit.", NewID: a.MID, Object: echoBU(obj, a.MID)}, nil
}

// Update renames or (de)activates the BU named by ID (default: the actor's BU).
func (BusinessUnit) Update(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error) {
	target := c.Actor.MID()
	if s := obj.ChildText("ID"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return Outcome{}, &Error{Code: CodeInvalid, Message: "ID must be a positive integer."}
		}
		target = n
	}
	var name *string
	if el := obj.Child("Name"); el != nil {
		n := el.TrimmedText()
		name = &n
	}
	var active *bool
	if s := obj.ChildText("IsActive"); s != "" {
		b, ok := parseBool(s)
		if !ok {
			return Outcome{}, &Error{Code: CodeInvalid, Message: "IsActive must be 0 or 1."}
		}
		active = &b
	}
	if _, err := c.Manage.UpdateBusinessUnit(ctx, c.Actor, target, name, active); err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "Updated BusinessUnit.", Object: echoBU(obj, target)}, nil
}

// echoBU returns the object as sent with its ID filled in.
func echoBU(obj *soap.Element, mid int64) *soap.Element {
	e := soap.NewElement("Object").WithType(obj.Type())
	if obj.Type() == "" {
		e.WithType("BusinessUnit")
	}
	e.Add(soap.NilElement("PartnerKey"), soap.TextElement("ID", itoa(mid)), soap.NilElement("ObjectID"))
	if n := obj.ChildText("Name"); n != "" {
		e.Add(soap.TextElement("Name", n))
	}
	return e
}
