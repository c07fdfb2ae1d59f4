package fuel

// Role is an SFMC role. Zero fields are left out of requests.
type Role struct {
	ClientID         int64 // Client.ID (0 for enterprise-level system roles)
	ID               int64
	ObjectID         string // assign roles to users by ObjectID
	CustomerKey      string // e.g. SYS_DEF_ADMIN
	Name             string
	Description      string
	IsPrivate        *bool
	IsSystemDefined  *bool
	ForceInheritance *bool
}

// ObjectType returns "Role".
func (Role) ObjectType() string { return "Role" }

// RoleProperties returns the retrievable properties that fill a Role. ID
// and ForceInheritance are left out: fuelgate refuses them in a Retrieve
// (roles are identified by ObjectID).
func RoleProperties() []string {
	return []string{"Client.ID", "ObjectID", "CustomerKey", "Name", "Description",
		"IsPrivate", "IsSystemDefined"}
}

// ToObject converts r, in WSDL element order.
func (r Role) ToObject() Object {
	w := fieldWriter{Object{Type: r.ObjectType()}}
	r.write(&w, "")
	return w.o
}

// write sets r's fields under prefix ("" or "Roles.Role[1].").
func (r Role) write(w *fieldWriter, prefix string) {
	w.int(prefix+"Client.ID", r.ClientID)
	w.int(prefix+"ID", r.ID)
	w.str(prefix+"ObjectID", r.ObjectID)
	w.str(prefix+"CustomerKey", r.CustomerKey)
	w.str(prefix+"Name", r.Name)
	w.str(prefix+"Description", r.Description)
	w.boolp(prefix+"IsPrivate", r.IsPrivate)
	w.boolp(prefix+"IsSystemDefined", r.IsSystemDefined)
	w.boolp(prefix+"ForceInheritance", r.ForceInheritance)
}

// RoleFromObject converts a retrieved Role.
func RoleFromObject(o Object) (Role, error) {
	if err := typeCheck(o, "Role"); err != nil {
		return Role{}, err
	}
	r := fieldReader{o: o}
	role := Role{
		ClientID: r.int("Client.ID"), ID: r.int("ID"), ObjectID: r.str("ObjectID"), CustomerKey: r.str("CustomerKey"),
		Name: r.str("Name"), Description: r.str("Description"), IsPrivate: r.boolp("IsPrivate"),
		IsSystemDefined: r.boolp("IsSystemDefined"), ForceInheritance: r.boolp("ForceInheritance"),
	}
	return role, r.err
}
