package provision

import (
	"bytes"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/fuelgate/fuelgate/manage"
)

// MarshalYAML writes t as a YAML provisioning file, every field spelled
// out and no secret: applied to an empty database it creates the same
// objects, new users and packages getting generated passwords and secrets
// (add password_env/_file and client_secret_env/_file to pin them). For
// JSON, encode FromTenant(t) with encoding/json.
func MarshalYAML(t *manage.Tenant) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# fuelgate provisioning file: enterprise " + strconv.FormatInt(t.Enterprise.MID, 10) + ".\n" +
		"# It holds no secret: applied to an empty database, new users and packages get\n" +
		"# generated passwords and client secrets, printed once, unless you add\n" +
		"# password_env or password_file, client_secret_env or client_secret_file.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(FromTenant(t)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// FromTenant is the File that describes t, without secrets.
func FromTenant(t *manage.Tenant) *File {
	st := t.Enterprise.Settings
	threshold := st.LockoutThreshold
	f := &File{Version: Version, Enterprise: Enterprise{MID: t.Enterprise.MID, Name: t.Enterprise.Name, Settings: &Settings{
		PermissionModel: string(st.PermissionModel), APIPasswordLogin: &st.APIPasswordLogin, LockoutThreshold: &threshold,
		LockoutDuration: formatDuration(st.LockoutDuration), TokenLifetime: formatDuration(st.TokenLifetime)}}}
	for _, b := range t.BusinessUnits {
		f.BusinessUnits = append(f.BusinessUnits, BusinessUnit{MID: b.MID, Name: b.Name, Parent: fileRef(b.Parent), Active: boolp(b.Active)})
	}
	for _, r := range t.Roles {
		f.Roles = append(f.Roles, Role{Name: r.Name, Description: r.Description, Permissions: r.Permissions})
	}
	for _, u := range t.Users {
		f.Users = append(f.Users, User{Username: u.Username, Name: u.Name, Email: u.Email, APIUser: u.APIUser,
			WebServices: u.WebServices, DigestCapable: u.DigestCapable, Active: boolp(u.Active), Roles: u.Roles,
			DefaultBU: fileRef(u.DefaultBU), BusinessUnits: fileRefs(u.BusinessUnits)})
	}
	for _, p := range t.Packages {
		f.Packages = append(f.Packages, Package{Name: p.Name, Description: p.Description, Type: p.Type, BU: fileRef(p.BU),
			BusinessUnits: fileRefs(p.BusinessUnits), Scopes: p.Scopes, Legacy: p.Legacy, Enabled: boolp(p.Enabled),
			ClientID: p.ClientID, RedirectURIs: p.RedirectURIs, RequirePKCE: p.RequirePKCE})
	}
	return f
}

func fileRef(r manage.BURef) *Ref {
	if r == (manage.BURef{}) {
		return nil
	}
	return &Ref{MID: r.MID, Name: r.Name}
}

func fileRefs(rs []manage.BURef) []Ref {
	var out []Ref
	for _, r := range rs {
		out = append(out, Ref{MID: r.MID, Name: r.Name})
	}
	return out
}

func boolp(b bool) *bool { return &b }
