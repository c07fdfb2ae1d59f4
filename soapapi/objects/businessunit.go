package objects

import (
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/soap"
)

// BusinessUnit is the SOAP BusinessUnit type: a business unit (account) of
// the enterprise. A principal sees only the BUs it may act in.
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

func (BusinessUnit) ReadAccess() Access { return Access{Scope: "accounts_read"} }

func (BusinessUnit) WriteAccess() Access {
	return Access{Scope: "accounts_write", Perm: fuelgate.PermBusinessUnitsManage}
}

// List reads only the requested BUs and their ancestors (from the snapshot
// cache), so its cost does not grow with the number of BUs in the database.
func (BusinessUnit) List(c *Call, mids []int64) ([]Record, error) {
	byMID := map[int64]*fuelgate.Account{}
	load := func(mid int64) (*fuelgate.Account, error) {
		if a, ok := byMID[mid]; ok {
			return a, nil
		}
		a, err := c.account(mid)
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		byMID[mid] = a
		return a, nil
	}
	var out []Record
	for _, m := range mids {
		a, err := load(m)
		if err != nil {
			return nil, err
		}
		if a == nil {
			continue
		}
		for p, i := a, 0; p != nil && p.ParentMID != 0 && i < 1000; i++ { // ancestors, for ParentName and EnterpriseID
			if p, err = load(p.ParentMID); err != nil {
				return nil, err
			}
		}
		// Defence in depth, as AccountUser.List: never a BU of another enterprise.
		if rec := buRecord(c, a, byMID); rec["Client.EnterpriseID"] == itoa(c.P.EnterpriseMID) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// buRecord flattens an account.
func buRecord(c *Call, a *fuelgate.Account, byMID map[int64]*fuelgate.Account) Record {
	ent := a
	for i := 0; i < 1000 && ent.ParentMID != 0 && byMID[ent.ParentMID] != nil; i++ {
		ent = byMID[ent.ParentMID]
	}
	typ := "BUSINESS_UNIT"
	if a.ParentMID == 0 {
		typ = "ENTERPRISE_2"
	}
	active := "0"
	if a.Active {
		active = "1"
	}
	r := Record{
		"Client.ID": itoa(a.MID), "Client.EnterpriseID": itoa(ent.MID), "CreatedDate": c.Time(a.CreatedAt),
		"ModifiedDate": c.Time(a.UpdatedAt), "ID": itoa(a.MID), "CustomerKey": itoa(a.MID), "AccountType": typ,
		"ParentID": itoa(a.ParentMID), "Name": a.Name, "IsActive": active,
		"MasterUnsubscribeBehavior": "ENTIRE_ENTERPRISE",
	}
	if p := byMID[a.ParentMID]; p != nil {
		r["ParentName"] = p.Name
	}
	return r
}

func (BusinessUnit) Render(c *Call, rec Record, props map[string]bool) *soap.Element {
	return renderBU("BusinessUnit", rec, props)
}

func (a Account) Render(c *Call, rec Record, props map[string]bool) *soap.Element {
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

// Create makes a child BU under ParentID (default: the call's BU).
func (BusinessUnit) Create(c *Call, mid int64, obj *soap.Element) (Outcome, error) {
	parent := mid
	if s := obj.ChildText("ParentID"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return Outcome{}, &Error{Code: 2, Message: "ParentID must be a positive integer."}
		}
		parent = n
	}
	if err := c.Authorize(parent); err != nil {
		return Outcome{}, err
	}
	name := strings.TrimSpace(obj.ChildText("Name"))
	if name == "" {
		return Outcome{}, &Error{Code: 2, Message: "Name is required when creating a business unit."}
	}
	a, err := c.Manage.CreateBusinessUnit(c.Ctx, c.actor(), parent, name)
	if err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "Created BusinessUnit.", NewID: a.MID, Object: echoBU(obj, a.MID)}, nil
}

// Update renames or (de)activates the BU named by ID (default: the call's BU).
func (BusinessUnit) Update(c *Call, mid int64, obj *soap.Element) (Outcome, error) {
	target := mid
	if s := obj.ChildText("ID"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return Outcome{}, &Error{Code: 2, Message: "ID must be a positive integer."}
		}
		target = n
	}
	if err := c.Authorize(target); err != nil {
		return Outcome{}, err
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
			return Outcome{}, &Error{Code: 2, Message: "IsActive must be 0 or 1."}
		}
		active = &b
	}
	if _, err := c.Manage.UpdateBusinessUnit(c.Ctx, c.actor(), target, name, active); err != nil {
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
