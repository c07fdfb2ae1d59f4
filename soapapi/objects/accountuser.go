package objects

import (
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// AccountUser is the SOAP AccountUser type. A user belongs to the BU of its
// DefaultBusinessUnit for scoping; Delete deactivates (SFMC has no hard delete).
type AccountUser struct{}

func (AccountUser) Name() string { return "AccountUser" }

var userFields = []Field{
	{Name: "Client.ID", DataType: "Int", Retrievable: true},
	{Name: "CreatedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ModifiedDate", DataType: "DateTime", Retrievable: true},
	{Name: "ID", DataType: "Int", Retrievable: true},
	{Name: "CustomerKey", DataType: "String", Retrievable: true},
	{Name: "AccountUserID", DataType: "Int", Retrievable: true},
	{Name: "UserID", DataType: "String", Retrievable: true, Required: true},
	{Name: "Password", DataType: "String", Updatable: true, Required: true},
	{Name: "Name", DataType: "String", Retrievable: true, Updatable: true, Required: true},
	{Name: "Email", DataType: "String", Retrievable: true, Updatable: true, Required: true},
	{Name: "MustChangePassword", DataType: "Boolean", Retrievable: true},
	{Name: "ActiveFlag", DataType: "Boolean", Retrievable: true, Updatable: true},
	{Name: "UserPermissions", DataType: "UserAccess", Retrievable: true, Updatable: true},
	{Name: "Delete", DataType: "Int", Retrievable: true},
	{Name: "LastSuccessfulLogin", DataType: "DateTime", Retrievable: true},
	{Name: "IsAPIUser", DataType: "Boolean", Retrievable: true, Updatable: true},
	{Name: "NotificationEmailAddress", DataType: "String", Retrievable: true},
	{Name: "IsLocked", DataType: "Boolean", Retrievable: true},
	{Name: "Unlock", DataType: "Boolean", Updatable: true},
	{Name: "DefaultBusinessUnit", DataType: "Int", Retrievable: true, Updatable: true},
	{Name: "Roles", DataType: "Role", Retrievable: true, Updatable: true},
}

func (AccountUser) Fields() []Field { return userFields }

func (AccountUser) ReadAccess() Access {
	return Access{Scope: "users_read", Perm: fuelgate.PermUsersView}
}

func (AccountUser) WriteAccess() Access {
	return Access{Scope: "users_write", Perm: fuelgate.PermUsersManage}
}

func (AccountUser) List(c *Call, mids []int64) ([]Record, error) {
	var out []Record
	err := usersIn(c, mids, func(u *fuelgate.User) { out = append(out, userRecord(c, u)) })
	return out, err
}

// usersIn calls fn, in ID order, for each user of the caller's enterprise
// whose default BU is one of mids (the BU a user belongs to for scoping).
func usersIn(c *Call, mids []int64, fn func(*fuelgate.User)) error {
	want := map[int64]bool{}
	for _, m := range mids {
		want[m] = true
	}
	const page = 1000
	var after int64
	for {
		users, err := c.Store.Users(c.Ctx, fuelgate.UserFilter{EnterpriseMID: c.P.EnterpriseMID, AfterID: after, Limit: page})
		if err != nil {
			return err
		}
		for _, u := range users {
			if want[u.DefaultMID] {
				fn(u)
			}
		}
		if len(users) < page {
			return nil
		}
		after = users[len(users)-1].ID
	}
}

func userRecord(c *Call, u *fuelgate.User) Record {
	r := Record{
		"Client.ID": itoa(u.DefaultMID), "CreatedDate": c.Time(u.CreatedAt), "ModifiedDate": c.Time(u.UpdatedAt),
		"ID": itoa(u.ID), "CustomerKey": u.Username, "AccountUserID": itoa(u.ID), "UserID": u.Username,
		"Name": u.Name, "Email": u.Email, "MustChangePassword": "false", "ActiveFlag": btoa(u.Active),
		"Delete": "0", "IsAPIUser": btoa(u.APIUser), "NotificationEmailAddress": u.Email,
		"IsLocked": btoa(u.IsLocked(c.now())), "DefaultBusinessUnit": itoa(u.DefaultMID),
		"Roles": strings.Join(u.RoleIDs, " "),
	}
	if u.WebServices {
		r["UserPermissions"] = "webservices"
	}
	if !u.LastLoginAt.IsZero() {
		r["LastSuccessfulLogin"] = c.Time(u.LastLoginAt)
	}
	return r
}

func (AccountUser) Render(c *Call, rec Record, props map[string]bool) *soap.Element {
	e := soap.NewElement("Results").WithType("AccountUser")
	if props["Client.ID"] {
		e.Add(soap.NewElement("Client", soap.TextElement("ID", rec["Client.ID"])))
	}
	e.Add(soap.NilElement("PartnerKey"))
	text(e, rec, props, "CreatedDate", "CreatedDate")
	text(e, rec, props, "ModifiedDate", "ModifiedDate")
	text(e, rec, props, "ID", "ID")
	e.Add(soap.NilElement("ObjectID"))
	for _, p := range []string{"CustomerKey", "AccountUserID", "UserID", "Name", "Email", "MustChangePassword", "ActiveFlag"} {
		text(e, rec, props, p, p)
	}
	if props["UserPermissions"] && rec["UserPermissions"] != "" {
		e.Add(soap.NewElement("UserPermissions", soap.NilElement("PartnerKey"), soap.TextElement("ID", "1"),
			soap.NilElement("ObjectID"), soap.TextElement("Name", "WebServices"), soap.TextElement("Value", "true"),
			soap.TextElement("Description", "Grant the user access to the web services"), soap.TextElement("Delete", "0")))
	}
	e.Add(soap.TextElement("Delete", "0"))
	for _, p := range []string{"LastSuccessfulLogin", "IsAPIUser", "NotificationEmailAddress", "IsLocked", "DefaultBusinessUnit"} {
		text(e, rec, props, p, p)
	}
	if props["Roles"] {
		roles := soap.NewElement("Roles")
		for _, id := range strings.Fields(rec["Roles"]) {
			roles.Add(renderRoleRef(c, id))
		}
		e.Add(roles)
	}
	return e
}

// renderRoleRef renders a user's role as SFMC does inside AccountUser/Roles.
func renderRoleRef(c *Call, id string) *soap.Element {
	r, ok := fuelgate.SystemRole(id)
	if !ok {
		var err error
		if r, err = c.Store.Role(c.Ctx, id); err != nil {
			return soap.NewElement("Role", soap.NilElement("PartnerKey"), soap.TextElement("ObjectID", id))
		}
	}
	return soap.NewElement("Role", soap.NilElement("PartnerKey"), soap.TextElement("ObjectID", r.ID),
		soap.TextElement("CustomerKey", r.Key), soap.TextElement("Name", r.Name),
		soap.TextElement("Description", r.Description), soap.TextElement("IsPrivate", "false"),
		soap.TextElement("IsSystemDefined", btoa(r.System)))
}

// Create makes a user whose default BU is Client/ID (default: the call's BU).
func (AccountUser) Create(c *Call, mid int64, obj *soap.Element) (Outcome, error) {
	mid, err := clientID(obj, mid)
	if err != nil {
		return Outcome{}, err
	}
	if s := obj.ChildText("DefaultBusinessUnit"); s != "" {
		if mid, err = strconv.ParseInt(s, 10, 64); err != nil {
			return Outcome{}, &Error{Code: 2, Message: "DefaultBusinessUnit must be an integer."}
		}
	}
	if err := c.Authorize(mid); err != nil {
		return Outcome{}, err
	}
	in := manage.NewUser{MID: mid, Username: obj.ChildText("UserID"), Name: obj.ChildText("Name"),
		Email: obj.ChildText("Email"), Password: obj.Child("Password").TrimmedText()}
	if in.Username == "" || in.Name == "" || in.Email == "" || in.Password == "" {
		return Outcome{}, &Error{Code: 11003, Message: "Name, Email, UserID, and Password are required fields when creating a new user."}
	}
	if b, ok := parseBool(obj.ChildText("IsAPIUser")); ok {
		in.APIUser = b
	}
	in.Roles = roleRefs(obj)
	in.WebServices = wantsWebServices(obj)
	u, err := c.Manage.CreateUser(c.Ctx, c.actor(), in)
	if err != nil {
		return Outcome{}, FromManage(err)
	}
	if b, ok := parseBool(obj.ChildText("ActiveFlag")); ok && !b {
		if u, err = c.Manage.UpdateUser(c.Ctx, c.actor(), u.ID, manage.UserChange{Active: &b}); err != nil {
			return Outcome{}, FromManage(err)
		}
	}
	return Outcome{Message: "Account User Updated / Created", Object: echoUser(c, u)}, nil
}

// Update changes the user named by AccountUserID, ID, CustomerKey or UserID.
func (AccountUser) Update(c *Call, mid int64, obj *soap.Element) (Outcome, error) {
	u, err := c.targetUser(obj)
	if err != nil {
		return Outcome{}, err
	}
	var ch manage.UserChange
	str := func(local string) *string {
		if el := obj.Child(local); el != nil {
			v := el.TrimmedText()
			return &v
		}
		return nil
	}
	ch.Name, ch.Email, ch.Password = str("Name"), str("Email"), str("Password")
	for local, dst := range map[string]**bool{"ActiveFlag": &ch.Active, "IsAPIUser": &ch.APIUser} {
		if s := obj.ChildText(local); s != "" {
			b, ok := parseBool(s)
			if !ok {
				return Outcome{}, &Error{Code: 2, Message: local + " must be true or false."}
			}
			*dst = &b
		}
	}
	if b, ok := parseBool(obj.ChildText("Unlock")); ok && b {
		ch.Unlock = true
	}
	if obj.Child("Roles") != nil {
		r := roleRefs(obj)
		ch.Roles = &r
	}
	if obj.Child("UserPermissions") != nil {
		ws := wantsWebServices(obj)
		ch.WebServices = &ws
	}
	if s := obj.ChildText("DefaultBusinessUnit"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Outcome{}, &Error{Code: 2, Message: "DefaultBusinessUnit must be an integer."}
		}
		if err := c.Authorize(n); err != nil {
			return Outcome{}, err
		}
		ch.DefaultMID = &n
	}
	if u, err = c.Manage.UpdateUser(c.Ctx, c.actor(), u.ID, ch); err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "Account User Updated / Created", Object: echoUser(c, u)}, nil
}

// Delete deactivates the user.
func (AccountUser) Delete(c *Call, mid int64, obj *soap.Element) (Outcome, error) {
	u, err := c.targetUser(obj)
	if err != nil {
		return Outcome{}, err
	}
	off := false
	if _, err := c.Manage.UpdateUser(c.Ctx, c.actor(), u.ID, manage.UserChange{Active: &off}); err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "AccountUser deactivated"}, nil
}

// Configure with Action "assign" adds (or, with IsDelete true, removes) BU
// associations from BusinessUnitAssignmentConfiguration.
func (AccountUser) Configure(c *Call, action string, mid int64, obj *soap.Element) (Outcome, error) {
	if !strings.EqualFold(action, "assign") {
		return Outcome{}, &Error{Code: 2, Message: "Unsupported Configure action " + strconv.Quote(action) + " for AccountUser; use assign."}
	}
	u, err := c.targetUser(obj)
	if err != nil {
		return Outcome{}, err
	}
	cfg := obj.Child("BusinessUnitAssignmentConfiguration")
	if cfg == nil {
		return Outcome{}, &Error{Code: 2, Message: "BusinessUnitAssignmentConfiguration is required."}
	}
	del, _ := parseBool(cfg.ChildText("IsDelete"))
	set := map[int64]bool{}
	for _, m := range u.MIDs {
		set[m] = true
	}
	var ids []*soap.Element
	for _, el := range cfg.Path("BusinessUnitIds").ChildrenNamed("BusinessUnitId") {
		n, err := strconv.ParseInt(el.TrimmedText(), 10, 64)
		if err != nil || n <= 0 {
			return Outcome{}, &Error{Code: 2, Message: "BusinessUnitId must be a positive integer."}
		}
		if err := c.Authorize(n); err != nil {
			return Outcome{}, err
		}
		set[n] = !del
		ids = append(ids, soap.TextElement("BusinessUnitId", itoa(n)))
	}
	if del && !set[u.DefaultMID] {
		return Outcome{}, &Error{Code: 2, Message: "The user's default business unit cannot be unassigned."}
	}
	var mids []int64
	for m, keep := range set {
		if keep {
			mids = append(mids, m)
		}
	}
	if u, err = c.Manage.UpdateUser(c.Ctx, c.actor(), u.ID, manage.UserChange{MIDs: &mids}); err != nil {
		return Outcome{}, FromManage(err)
	}
	echo := soap.NewElement("Object").WithType("AccountUser")
	echo.Add(soap.NewElement("Client", soap.TextElement("ID", itoa(u.DefaultMID))), soap.NilElement("PartnerKey"),
		soap.TextElement("ID", itoa(u.ID)), soap.NilElement("ObjectID"), soap.TextElement("Delete", "0"),
		soap.NewElement("BusinessUnitAssignmentConfiguration", soap.NewElement("BusinessUnitIds", ids...),
			soap.TextElement("IsDelete", btoa(del))))
	return Outcome{Message: "User Business Unit assignments successfully updated", Object: echo}, nil
}

// targetUser resolves the user a write names and checks that the principal
// may act both in the BU the object addresses (Client/ID) and in the user's BU.
func (c *Call) targetUser(obj *soap.Element) (*fuelgate.User, error) {
	mid, err := clientID(obj, 0)
	if err != nil {
		return nil, err
	}
	if mid != 0 {
		if err := c.Authorize(mid); err != nil {
			return nil, err
		}
	}
	u, err := findUser(c, obj)
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(u.DefaultMID); err != nil {
		return nil, err
	}
	return u, nil
}

// findUser resolves the user an object names, within the caller's enterprise.
func findUser(c *Call, obj *soap.Element) (*fuelgate.User, error) {
	var u *fuelgate.User
	var err error
	idText := obj.ChildText("AccountUserID")
	if idText == "" {
		idText = obj.ChildText("ID")
	}
	switch key := firstNonEmpty(obj.ChildText("CustomerKey"), obj.ChildText("UserID")); {
	case idText != "":
		id, perr := strconv.ParseInt(idText, 10, 64)
		if perr != nil {
			return nil, &Error{Code: 2, Message: "AccountUserID must be an integer."}
		}
		u, err = c.Store.User(c.Ctx, id)
	case key != "":
		u, err = c.Store.UserByUsername(c.Ctx, key)
	default:
		return nil, &Error{Code: 2, Message: "Identify the user by AccountUserID, ID, CustomerKey or UserID."}
	}
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND || (err == nil && u.EnterpriseMID != c.P.EnterpriseMID) {
		return nil, &Error{Code: 2, Message: "The user was not found."}
	}
	return u, err
}

// roleRefs reads Roles/Role references (ObjectID, CustomerKey or Name).
func roleRefs(obj *soap.Element) []string {
	var out []string
	for _, r := range obj.Path("Roles").ChildrenNamed("Role") {
		if v := firstNonEmpty(r.ChildText("ObjectID"), r.ChildText("CustomerKey"), r.ChildText("Name")); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// wantsWebServices reads the legacy web-services permission from
// UserPermissions: an entry named WebServices (or ID 1) with a value that is
// not false, and without Delete=1.
func wantsWebServices(obj *soap.Element) bool {
	for _, p := range obj.ChildrenNamed("UserPermissions") {
		if !strings.EqualFold(p.ChildText("Name"), "WebServices") && p.ChildText("ID") != "1" {
			continue
		}
		if v, ok := parseBool(p.ChildText("Value")); ok && !v {
			return false
		}
		return p.ChildText("Delete") != "1"
	}
	return false
}

// echoUser is the Object element of a Create or Update result: the new ID in
// ID, an empty Password, as SFMC answers.
func echoUser(c *Call, u *fuelgate.User) *soap.Element {
	return soap.NewElement("Object",
		soap.NewElement("Client", soap.TextElement("ID", itoa(u.DefaultMID))), soap.NilElement("PartnerKey"),
		soap.TextElement("ID", itoa(u.ID)), soap.NilElement("ObjectID"), soap.TextElement("CustomerKey", u.Username),
		soap.TextElement("AccountUserID", itoa(u.ID)), soap.TextElement("UserID", u.Username),
		soap.TextElement("Password", ""), soap.TextElement("Name", u.Name), soap.TextElement("Email", u.Email),
		soap.TextElement("ActiveFlag", btoa(u.Active)), soap.TextElement("Delete", "0"),
		soap.TextElement("IsAPIUser", btoa(u.APIUser))).WithType("AccountUser")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
