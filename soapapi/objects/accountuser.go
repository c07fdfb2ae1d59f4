package objects

import (
	"context"
	"slices"
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

func (AccountUser) ReadOp() manage.Op   { return manage.OpUserRead }
func (AccountUser) CreateOp() manage.Op { return manage.OpUserCreate }
func (AccountUser) WriteOp() manage.Op  { return manage.OpUserUpdate }

// List returns the users whose default BU is in mids and reached by the
// actor (the BU a user belongs to for scoping).
func (AccountUser) List(ctx context.Context, c *Call, mids []int64) ([]Record, error) {
	var out []Record
	err := c.Manage.EachUser(ctx, c.Actor, mids, func(u *fuelgate.User) { out = append(out, userRecord(c, u)) })
	return out, err
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

func (AccountUser) Render(ctx context.Context, c *Call, rec Record, props map[string]bool) *soap.Element {
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
			roles.Add(renderRoleRef(ctx, c, id))
		}
		e.Add(roles)
	}
	return e
}

// renderRoleRef renders a user's role as SFMC does inside AccountUser/Roles.
func renderRoleRef(ctx context.Context, c *Call, id string) *soap.Element {
	r := c.role(ctx, id)
	if r == nil {
		return soap.NewElement("Role", soap.NilElement("PartnerKey"), soap.TextElement("ObjectID", id))
	}
	return soap.NewElement("Role", soap.NilElement("PartnerKey"), soap.TextElement("ObjectID", r.ID),
		soap.TextElement("CustomerKey", r.Key), soap.TextElement("Name", r.Name),
		soap.TextElement("Description", r.Description), soap.TextElement("IsPrivate", "false"),
		soap.TextElement("IsSystemDefined", btoa(r.System)))
}

// Create makes a user whose default BU is Client/ID (default: the actor's BU).
func (AccountUser) Create(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error) {
	mid, err := clientID(obj, c.Actor.MID())
	if err != nil {
		return Outcome{}, err
	}
	if s := obj.ChildText("DefaultBusinessUnit"); s != "" {
		if mid, err = strconv.ParseInt(s, 10, 64); err != nil {
			return Outcome{}, &Error{Code: CodeInvalid, Message: "DefaultBusinessUnit must be an integer."}
		}
	}
	in := manage.NewUser{MID: mid, Username: obj.ChildText("UserID"), Name: obj.ChildText("Name"),
		Email: obj.ChildText("Email"), Password: obj.Child("Password").TrimmedText()}
	if in.Username == "" || in.Name == "" || in.Email == "" || in.Password == "" {
		return Outcome{}, &Error{Code: CodeUserRequiredFields, Message: "Name, Email, UserID, and Password are required fields when creating a new user."}
	}
	if b, ok := parseBool(obj.ChildText("IsAPIUser")); ok {
		in.APIUser = b
	}
	in.Roles = roleRefs(obj)
	in.WebServices = wantsWebServices(obj)
	u, err := c.Manage.CreateUser(ctx, c.Actor, in)
	if err != nil {
		return Outcome{}, FromManage(err)
	}
	if b, ok := parseBool(obj.ChildText("ActiveFlag")); ok && !b {
		if u, err = c.Manage.UpdateUser(ctx, c.Actor, u.ID, manage.UserChange{Active: &b}); err != nil {
			return Outcome{}, FromManage(err)
		}
	}
	return Outcome{Message: "Account User Updated / Created", NewID: u.ID, Object: echoUser(u)}, nil
}

// Update changes the user named by AccountUserID, ID, CustomerKey or UserID.
func (AccountUser) Update(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error) {
	u, err := c.targetUser(ctx, obj)
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
				return Outcome{}, &Error{Code: CodeInvalid, Message: local + " must be true or false."}
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
			return Outcome{}, &Error{Code: CodeInvalid, Message: "DefaultBusinessUnit must be an integer."}
		}
		ch.DefaultMID = &n
	}
	if u, err = c.Manage.UpdateUser(ctx, c.Actor, u.ID, ch); err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "Account User Updated / Created", Object: echoUser(u)}, nil
}

// Delete deactivates the user.
func (AccountUser) Delete(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error) {
	u, err := c.targetUser(ctx, obj)
	if err != nil {
		return Outcome{}, err
	}
	off := false
	if _, err := c.Manage.UpdateUser(ctx, c.Actor, u.ID, manage.UserChange{Active: &off}); err != nil {
		return Outcome{}, FromManage(err)
	}
	return Outcome{Message: "AccountUser deactivated"}, nil
}

// Configure with Action "assign" adds (or, with IsDelete true, removes) BU
// associations from BusinessUnitAssignmentConfiguration.
func (AccountUser) Configure(ctx context.Context, c *Call, action string, obj *soap.Element) (Outcome, error) {
	if !strings.EqualFold(action, "assign") {
		return Outcome{}, &Error{Code: CodeInvalid, Message: "Unsupported Configure action " + strconv.Quote(action) + " for AccountUser; use assign."}
	}
	u, err := c.targetUser(ctx, obj)
	if err != nil {
		return Outcome{}, err
	}
	cfg := obj.Child("BusinessUnitAssignmentConfiguration")
	if cfg == nil {
		return Outcome{}, &Error{Code: CodeInvalid, Message: "BusinessUnitAssignmentConfiguration is required."}
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
			return Outcome{}, &Error{Code: CodeInvalid, Message: "BusinessUnitId must be a positive integer."}
		}
		set[n] = !del
		ids = append(ids, soap.TextElement("BusinessUnitId", itoa(n)))
	}
	if del && !set[u.DefaultMID] {
		return Outcome{}, &Error{Code: CodeInvalid, Message: "The user's default business unit cannot be unassigned."}
	}
	var mids []int64
	for m, keep := range set {
		if keep {
			mids = append(mids, m)
		}
	}
	slices.Sort(mids)
	if u, err = c.Manage.UpdateUser(ctx, c.Actor, u.ID, manage.UserChange{MIDs: &mids}); err != nil {
		return Outcome{}, FromManage(err)
	}
	echo := soap.NewElement("Object").WithType("AccountUser")
	echo.Add(soap.NewElement("Client", soap.TextElement("ID", itoa(u.DefaultMID))), soap.NilElement("PartnerKey"),
		soap.TextElement("ID", itoa(u.ID)), soap.NilElement("ObjectID"), soap.TextElement("Delete", "0"),
		soap.NewElement("BusinessUnitAssignmentConfiguration", soap.NewElement("BusinessUnitIds", ids...),
			soap.TextElement("IsDelete", btoa(del))))
	return Outcome{Message: "User Business Unit assignments successfully updated", Object: echo}, nil
}

// targetUser resolves the user a write names, in the actor's enterprise. A
// write aimed at a BU (Client/ID) the actor may not change users in is
// refused; whether it may change that user is decided by manage.UpdateUser.
func (c *Call) targetUser(ctx context.Context, obj *soap.Element) (*fuelgate.User, error) {
	mid, err := clientID(obj, 0)
	if err != nil {
		return nil, err
	}
	if mid != 0 {
		if err := c.Actor.Authorize(manage.OpUserUpdate, mid); err != nil {
			return nil, FromManage(err)
		}
	}
	idText := obj.ChildText("AccountUserID")
	if idText == "" {
		idText = obj.ChildText("ID")
	}
	var id int64
	key := firstNonEmpty(obj.ChildText("CustomerKey"), obj.ChildText("UserID"))
	switch {
	case idText != "":
		var err error
		if id, err = strconv.ParseInt(idText, 10, 64); err != nil || id <= 0 {
			return nil, &Error{Code: CodeInvalid, Message: "AccountUserID must be a positive integer."}
		}
	case key == "":
		return nil, &Error{Code: CodeInvalid, Message: "Identify the user by AccountUserID, ID, CustomerKey or UserID."}
	}
	u, err := c.Manage.FindUser(ctx, c.Actor, id, key)
	if err != nil {
		return nil, FromManage(err)
	}
	return u, nil
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
func echoUser(u *fuelgate.User) *soap.Element {
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
