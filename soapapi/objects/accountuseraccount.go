package objects

import (
	"github.com/fuelgate/fuelgate"
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

func (AccountUserAccount) ReadAccess() Access {
	return Access{Scope: "users_read", Perm: fuelgate.PermUsersView}
}

// List returns the associations of the users visible in mids.
func (AccountUserAccount) List(c *Call, mids []int64) ([]Record, error) {
	var out []Record
	err := usersIn(c, mids, func(u *fuelgate.User) {
		for _, m := range u.MIDs {
			out = append(out, Record{"AccountUser.AccountUserID": itoa(u.ID), "AccountUser.UserID": u.Username, "Account.ID": itoa(m)})
		}
	})
	return out, err
}

func (AccountUserAccount) Render(c *Call, rec Record, props map[string]bool) *soap.Element {
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
