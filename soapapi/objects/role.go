package objects

import (
	"context"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// Role is the SOAP Role type: system roles (Client/ID 0) and the custom roles
// of the caller's enterprise. Roles whose names start with "Marketing Cloud"
// are not returned, as in SFMC. Read-only.
type Role struct{}

func (Role) Name() string { return "Role" }

var roleFields = []Field{
	{Name: "Client.ID", DataType: "Int", Retrievable: true},
	{Name: "CreatedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ModifiedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ObjectID", DataType: "String", Retrievable: true},
	{Name: "CustomerKey", DataType: "String", Retrievable: true},
	{Name: "Name", DataType: "String", Retrievable: true},
	{Name: "Description", DataType: "String", Retrievable: true},
	{Name: "IsPrivate", DataType: "Boolean", Retrievable: true},
	{Name: "IsSystemDefined", DataType: "Boolean", Retrievable: true},
	{Name: "Permissions", DataType: "Permission", Retrievable: true},
}

func (Role) Fields() []Field { return roleFields }

func (Role) ReadOp() manage.Op { return manage.OpRoleRead }

// List ignores mids: roles are enterprise-wide.
func (Role) List(ctx context.Context, c *Call, mids []int64) ([]Record, error) {
	roles, err := c.Manage.Roles(ctx, c.Actor, c.Actor.EnterpriseMID())
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range roles {
		if strings.HasPrefix(r.Name, "Marketing Cloud") {
			continue
		}
		rec := Record{"Client.ID": itoa(r.EnterpriseMID), "ObjectID": r.ID, "CustomerKey": r.Key, "Name": r.Name,
			"Description": r.Description, "IsPrivate": "false", "IsSystemDefined": btoa(r.System),
			"Permissions": strings.Join(r.Permissions, " ")}
		if !r.CreatedAt.IsZero() {
			rec["CreatedDate"], rec["ModifiedDate"] = c.Time(r.CreatedAt), c.Time(r.UpdatedAt)
		}
		out = append(out, rec)
	}
	return out, nil
}

func (Role) Render(_ context.Context, c *Call, rec Record, props map[string]bool) *soap.Element {
	e := soap.NewElement("Results").WithType("Role")
	if props["Client.ID"] {
		e.Add(soap.NewElement("Client", soap.TextElement("ID", rec["Client.ID"])))
	}
	e.Add(soap.NilElement("PartnerKey"))
	text(e, rec, props, "CreatedDate", "CreatedDate")
	text(e, rec, props, "ModifiedDate", "ModifiedDate")
	if props["ObjectID"] {
		text(e, rec, props, "ObjectID", "ObjectID")
	} else {
		e.Add(soap.NilElement("ObjectID")) // nillable, always sent (as every type)
	}
	for _, p := range []string{"CustomerKey", "Name", "Description", "IsPrivate", "IsSystemDefined"} {
		text(e, rec, props, p, p)
	}
	if props["Permissions"] {
		perms := soap.NewElement("Permissions")
		for _, name := range strings.Fields(rec["Permissions"]) {
			perms.Add(soap.NewElement("Permission", soap.NilElement("PartnerKey"), soap.NilElement("ObjectID"),
				soap.TextElement("Name", name), soap.TextElement("Description", fuelgate.DisplayPermission(name)),
				soap.TextElement("IsAllowed", "true")))
		}
		e.Add(perms)
	}
	return e
}
