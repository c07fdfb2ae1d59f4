package fuel

import "strconv"

// AccountUser is an SFMC user (AccountUser extends APIObject). Zero fields
// are left out of requests; optional flags are pointers for that reason.
type AccountUser struct {
	ClientID                 int64 // Client.ID: the BU the user belongs to
	ID                       int64
	CustomerKey              string
	AccountUserID            int64  // same value as ID
	UserID                   string // login name
	Password                 string // write-only
	Name                     string
	Email                    string
	MustChangePassword       *bool
	ActiveFlag               *bool
	UserPermissions          []int64 // UserAccess IDs (UserPermissions.ID, repeated)
	LastSuccessfulLogin      string  // as sent, without a zone
	IsAPIUser                *bool
	NotificationEmailAddress string
	IsLocked                 *bool // read-only
	Unlock                   *bool // write-only
	DefaultBusinessUnit      int64
	Roles                    []Role // Roles.Role, repeated
}

// ObjectType returns "AccountUser".
func (AccountUser) ObjectType() string { return "AccountUser" }

// AccountUserProperties returns the retrievable properties that fill an
// AccountUser (roles and permissions come with a retrieve of AccountUser
// when the server includes them).
func AccountUserProperties() []string {
	return []string{"Client.ID", "ID", "CustomerKey", "AccountUserID", "UserID", "Name",
		"Email", "MustChangePassword", "ActiveFlag", "LastSuccessfulLogin", "IsAPIUser",
		"NotificationEmailAddress", "IsLocked", "DefaultBusinessUnit"}
}

// ToObject converts u, in WSDL element order.
func (u AccountUser) ToObject() Object {
	w := fieldWriter{Object{Type: u.ObjectType()}}
	w.int("Client.ID", u.ClientID)
	w.int("ID", u.ID)
	w.str("CustomerKey", u.CustomerKey)
	w.int("AccountUserID", u.AccountUserID)
	w.str("UserID", u.UserID)
	w.str("Password", u.Password)
	w.str("Name", u.Name)
	w.str("Email", u.Email)
	w.boolp("MustChangePassword", u.MustChangePassword)
	w.boolp("ActiveFlag", u.ActiveFlag)
	for i, id := range u.UserPermissions {
		w.o.SetInt(Indexed("UserPermissions", i)+".ID", id)
	}
	w.str("LastSuccessfulLogin", u.LastSuccessfulLogin)
	w.boolp("IsAPIUser", u.IsAPIUser)
	w.str("NotificationEmailAddress", u.NotificationEmailAddress)
	w.boolp("IsLocked", u.IsLocked)
	w.boolp("Unlock", u.Unlock)
	w.int("DefaultBusinessUnit", u.DefaultBusinessUnit)
	for i, r := range u.Roles {
		r.write(&w, Indexed("Roles.Role", i)+".")
	}
	return w.o
}

// AccountUserFromObject converts a retrieved AccountUser.
func AccountUserFromObject(o Object) (AccountUser, error) {
	if err := typeCheck(o, "AccountUser"); err != nil {
		return AccountUser{}, err
	}
	r := fieldReader{o: o}
	u := AccountUser{
		ClientID: r.int("Client.ID"), ID: r.int("ID"), CustomerKey: r.str("CustomerKey"),
		AccountUserID: r.int("AccountUserID"), UserID: r.str("UserID"), Password: r.str("Password"),
		Name: r.str("Name"), Email: r.str("Email"), MustChangePassword: r.boolp("MustChangePassword"),
		ActiveFlag: r.boolp("ActiveFlag"), LastSuccessfulLogin: r.str("LastSuccessfulLogin"),
		IsAPIUser: r.boolp("IsAPIUser"), NotificationEmailAddress: r.str("NotificationEmailAddress"),
		IsLocked: r.boolp("IsLocked"), Unlock: r.boolp("Unlock"), DefaultBusinessUnit: r.int("DefaultBusinessUnit"),
	}
	for i := 0; ; i++ {
		p := o.Sub(Indexed("UserPermissions", i))
		if p.Len() == 0 {
			break
		}
		if id, ok := p.Get("ID"); ok {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil && r.err == nil {
				r.err = &strconv.NumError{Func: "UserPermissions.ID", Num: id, Err: err}
			}
			u.UserPermissions = append(u.UserPermissions, n)
		}
	}
	for i := 0; ; i++ {
		sub := o.Sub(Indexed("Roles.Role", i))
		if sub.Len() == 0 {
			break
		}
		sub.Type = "Role"
		role, err := RoleFromObject(sub)
		if err != nil && r.err == nil {
			r.err = err
		}
		u.Roles = append(u.Roles, role)
	}
	return u, r.err
}
