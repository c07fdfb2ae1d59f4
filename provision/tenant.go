package provision

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// maxSecretFile bounds a password or client secret file.
const maxSecretFile = 64 << 10

// converter turns a File into a manage.Tenant, reading the secrets it names.
type converter struct {
	d    *Document
	opts Options
}

func (c *converter) tenant(f *File) (*manage.Tenant, error) {
	st, err := c.settings(f.Enterprise.Settings)
	if err != nil {
		return nil, err
	}
	t := &manage.Tenant{Enterprise: manage.EnterpriseSpec{MID: f.Enterprise.MID, Name: f.Enterprise.Name, Settings: *st}}
	for _, b := range f.BusinessUnits {
		t.BusinessUnits = append(t.BusinessUnits, manage.BusinessUnitSpec{MID: b.MID, Name: b.Name, Parent: ref(b.Parent), Active: orTrue(b.Active)})
	}
	for _, r := range f.Roles {
		t.Roles = append(t.Roles, manage.RoleSpec{Name: r.Name, Description: r.Description, Permissions: list(r.Permissions)})
	}
	for i, u := range f.Users {
		path := "users[" + strconv.Itoa(i) + "]"
		pw, err := c.secret(path, "password", u.PasswordEnv, u.PasswordFile)
		if err != nil {
			return nil, err
		}
		t.Users = append(t.Users, manage.UserSpec{Username: u.Username, Name: u.Name, Email: u.Email, Password: pw,
			APIUser: u.APIUser, WebServices: u.WebServices, DigestCapable: u.DigestCapable, Active: orTrue(u.Active),
			Roles: list(u.Roles), DefaultBU: ref(u.DefaultBU), BusinessUnits: refList(u.BusinessUnits)})
	}
	for i, p := range f.Packages {
		path := "packages[" + strconv.Itoa(i) + "]"
		sec, err := c.secret(path, "client_secret", p.ClientSecretEnv, p.ClientSecretFile)
		if err != nil {
			return nil, err
		}
		t.Packages = append(t.Packages, manage.PackageSpec{Name: p.Name, Description: p.Description, Type: p.Type,
			RedirectURIs: list(p.RedirectURIs), RequirePKCE: p.RequirePKCE, BU: ref(p.BU), BusinessUnits: refList(p.BusinessUnits),
			Scopes: list(p.Scopes), Legacy: p.Legacy, Enabled: orTrue(p.Enabled), ClientID: p.ClientID, ClientSecret: sec})
	}
	return t, nil
}

// settings returns the settings s describes: a new enterprise's where s
// says nothing.
func (c *converter) settings(s *Settings) (*fuelgate.Settings, error) {
	st := fuelgate.DefaultSettings(0)
	if s == nil {
		return st, nil
	}
	if s.PermissionModel != "" {
		st.PermissionModel = fuelgate.PermissionModel(s.PermissionModel)
	}
	if s.APIPasswordLogin != nil {
		st.APIPasswordLogin = *s.APIPasswordLogin
	}
	if s.LockoutThreshold != nil {
		st.LockoutThreshold = *s.LockoutThreshold
	}
	for _, d := range []struct {
		field string
		in    string
		out   *time.Duration
	}{{"lockout_duration", s.LockoutDuration, &st.LockoutDuration}, {"token_lifetime", s.TokenLifetime, &st.TokenLifetime}} {
		if d.in == "" {
			continue
		}
		v, err := time.ParseDuration(d.in)
		if err != nil {
			path := "enterprise.settings." + d.field
			return nil, c.d.errorf(c.d.line(path), path, "%q is not a duration such as 15m or 1h30m", fuelgate.Truncate(d.in, 64))
		}
		*d.out = v
	}
	return st, nil
}

// envName is the form of an environment variable's name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// secret reads the secret what ("password", "client_secret") of the object
// at path from the environment variable env or the file file; "" when
// neither is given. No message holds the secret.
func (c *converter) secret(path, what, env, file string) (string, error) {
	envPath, filePath := path+"."+what+"_env", path+"."+what+"_file"
	switch {
	case env != "" && file != "":
		return "", c.d.errorf(c.d.line(filePath), filePath, "give %s_env or %s_file, not both", what, what)
	case env != "":
		if !envName.MatchString(env) {
			return "", c.d.errorf(c.d.line(envPath), envPath, "%q is not an environment variable name", fuelgate.Truncate(env, 64))
		}
		v := ""
		if c.opts.Getenv != nil {
			v = c.opts.Getenv(env)
		}
		if v == "" {
			return "", c.d.errorf(c.d.line(envPath), envPath, "the environment variable %s is not set", env)
		}
		return v, nil
	case file != "":
		v, err := readSecretFile(filepath.Join(c.opts.Dir, file))
		if err != nil {
			return "", c.d.errorf(c.d.line(filePath), filePath, "%s: %s", fuelgate.Truncate(file, 200), err)
		}
		return v, nil
	}
	return "", nil
}

// readSecretFile reads a secret from a file: its content without one
// trailing line end.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", errors.New(reason(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	switch {
	case err != nil:
		return "", errors.New(reason(err))
	case len(data) > maxSecretFile:
		return "", errors.New("the file is larger than 64 KiB")
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if v == "" {
		return "", errors.New("the file is empty")
	}
	return v, nil
}

func ref(r *Ref) manage.BURef {
	if r == nil {
		return manage.BURef{}
	}
	return manage.BURef{MID: r.MID, Name: r.Name}
}

func refList(rs []Ref) []manage.BURef {
	var out []manage.BURef
	for _, r := range rs {
		out = append(out, manage.BURef{MID: r.MID, Name: r.Name})
	}
	return out
}

func orTrue(b *bool) bool { return b == nil || *b }

// list is l, nil when empty: an omitted list and an empty one are the same.
func list(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return l
}
