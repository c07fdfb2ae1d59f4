package objects

import (
	"context"

	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// AccountUserAccount is the SOAP AccountUserAccount type: one row per user
// and associated BU. It is missing from SFMC's public WSDL but SFMC answers
// retrieves of it (mcdev uses it to list users' BUs). Read-only; change
// associations with Configure on AccountUser.
type AccountUserAccount struct{}

func (AccountUserAccount) Name() string { return "AccountUserAccount" }

var auaFields = []Field{
	{Name: "AccountUser.AccountUserID", DataType: "Int", Retrievable: true},
	{Name: "AccountUser.UserID", DataType: "String", Retrievable: true},
	{Name: "Account.ID", DataType: "Int", Retrievable: true},
}

func (AccountUserAccount) Fields() []Field { return auaFields }

func (AccountUserAccount) ReadOp() manage.Op { return manage.OpUserRead }

// List returns the assignments, to BUs the actor reaches, of the users whose
// default BU is in mids.
func (AccountUserAccount) List(ctx context.Context, c *Call, mids []int64) ([]Record, error) {
	list, err := c.Manage.Assignments(ctx, c.Actor, mids)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(list))
	for _, as := range list {
		out = append(out, Record{"AccountUser.AccountUserID": itoa(as.User.ID), "AccountUser.UserID": as.User.Username, "Account.ID": itoa(as.MID)})
	}
	return out, nil
}

func (AccountUserAccount) Render(_ context.Context, c *Call, rec Record, props map[string]bool) *soap.Element {
	e := soap.NewElement("Results").WithType("AccountUserAccount")
	e.Add(soap.NilElement("PartnerKey"), soap.NilElement("ObjectID"))
	if props["AccountUser.AccountUserID"] || props["AccountUser.UserID"] {
		au := soap.NewElement("AccountUser")
		text(au, rec, props, "AccountUser.AccountUserID", "AccountUserID")
		text(au, rec, props, "AccountUser.UserID", "UserID")
		e.Add(au)
	}
	if props["Account.ID"] {
		e.Add(soap.NewElement("Account", soap.TextElement("ID", rec["Account.ID"])))
	}
	return e
}
