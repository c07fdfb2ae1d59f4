package fuel

// BusinessUnit is an SFMC business unit (BusinessUnit extends Account).
// Zero fields are left out of requests.
type BusinessUnit struct {
	ClientID    int64 // Client.ID
	ID          int64 // the MID
	CustomerKey string
	ObjectState string // Normal, Locked, Suspended, Canceled
	AccountType string
	ParentID    int64 // 0 for the top-level BU
	Name        string
	Email       string
	FromName    string
	IsActive    *bool // Account.IsActive (written as 1 or 0)
	Description string
	// MasterUnsubscribeBehavior is ENTIRE_ENTERPRISE or BUSINESS_UNIT_ONLY.
	MasterUnsubscribeBehavior string
}

// ObjectType returns "BusinessUnit".
func (BusinessUnit) ObjectType() string { return "BusinessUnit" }

// BusinessUnitProperties returns the retrievable properties that fill a
// BusinessUnit. ObjectState, Email and FromName are left out: fuelgate
// refuses them in a Retrieve (request them explicitly where served).
func BusinessUnitProperties() []string {
	return []string{"Client.ID", "ID", "CustomerKey", "AccountType",
		"ParentID", "Name", "IsActive", "Description", "MasterUnsubscribeBehavior"}
}

// ToObject converts b, in WSDL element order.
func (b BusinessUnit) ToObject() Object {
	w := fieldWriter{Object{Type: b.ObjectType()}}
	w.int("Client.ID", b.ClientID)
	w.int("ID", b.ID)
	w.str("CustomerKey", b.CustomerKey)
	w.str("ObjectState", b.ObjectState)
	w.str("AccountType", b.AccountType)
	w.int("ParentID", b.ParentID)
	w.str("Name", b.Name)
	w.str("Email", b.Email)
	w.str("FromName", b.FromName)
	if b.IsActive != nil {
		active := int64(0)
		if *b.IsActive {
			active = 1
		}
		w.o.SetInt("IsActive", active)
	}
	w.str("Description", b.Description)
	w.str("MasterUnsubscribeBehavior", b.MasterUnsubscribeBehavior)
	return w.o
}

// BusinessUnitFromObject converts a retrieved BusinessUnit (or Account).
func BusinessUnitFromObject(o Object) (BusinessUnit, error) {
	if o.Type != "Account" {
		if err := typeCheck(o, "BusinessUnit"); err != nil {
			return BusinessUnit{}, err
		}
	}
	r := fieldReader{o: o}
	b := BusinessUnit{
		ClientID: r.int("Client.ID"), ID: r.int("ID"), CustomerKey: r.str("CustomerKey"),
		ObjectState: r.str("ObjectState"), AccountType: r.str("AccountType"), ParentID: r.int("ParentID"),
		Name: r.str("Name"), Email: r.str("Email"), FromName: r.str("FromName"), IsActive: r.boolp("IsActive"),
		Description: r.str("Description"), MasterUnsubscribeBehavior: r.str("MasterUnsubscribeBehavior"),
	}
	return b, r.err
}
