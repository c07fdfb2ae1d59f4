// Package provision reads and writes provisioning files: the described
// state of one enterprise (its settings, business units, custom roles,
// users and installed packages) as YAML or JSON, which manage.Service.Apply
// brings a database to and manage.Service.Export reads back.
//
// A file never holds a secret: a user's password and a package's client
// secret are named by their source, an environment variable (password_env,
// client_secret_env) or a file (password_file, client_secret_file, relative
// to the provisioning file). Parse reads them; Marshal writes none. Every
// error of Parse, and every Apply error passed through Document.Locate,
// names the file, the line and the path of what is wrong.
package provision

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Version is the version of the file format this package reads and writes.
const Version = 1

// File is a provisioning file. Omitted fields take their defaults: settings
// as on a new enterprise, active and enabled true, type server, the
// enterprise for a business unit reference; omitted lists are empty.
type File struct {
	Version       int            `json:"version" yaml:"version"`
	Enterprise    Enterprise     `json:"enterprise" yaml:"enterprise"`
	BusinessUnits []BusinessUnit `json:"business_units,omitempty" yaml:"business_units,omitempty"`
	Roles         []Role         `json:"roles,omitempty" yaml:"roles,omitempty"`
	Users         []User         `json:"users,omitempty" yaml:"users,omitempty"`
	Packages      []Package      `json:"packages,omitempty" yaml:"packages,omitempty"`
}

// Enterprise is the root business unit and its settings.
type Enterprise struct {
	MID      int64     `json:"mid,omitempty" yaml:"mid,omitempty"`
	Name     string    `json:"name" yaml:"name"`
	Settings *Settings `json:"settings,omitempty" yaml:"settings,omitempty"`
}

// Settings are the enterprise settings; durations are Go durations ("15m").
type Settings struct {
	PermissionModel  string `json:"permission_model,omitempty" yaml:"permission_model,omitempty"`
	APIPasswordLogin *bool  `json:"api_password_login,omitempty" yaml:"api_password_login,omitempty"`
	LockoutThreshold *int   `json:"lockout_threshold,omitempty" yaml:"lockout_threshold,omitempty"`
	LockoutDuration  string `json:"lockout_duration,omitempty" yaml:"lockout_duration,omitempty"`
	TokenLifetime    string `json:"token_lifetime,omitempty" yaml:"token_lifetime,omitempty"`
}

// BusinessUnit is a child business unit.
type BusinessUnit struct {
	MID    int64  `json:"mid,omitempty" yaml:"mid,omitempty"`
	Name   string `json:"name" yaml:"name"`
	Parent *Ref   `json:"parent,omitempty" yaml:"parent,omitempty"`
	Active *bool  `json:"active,omitempty" yaml:"active,omitempty"`
}

// Role is a custom role.
type Role struct {
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Permissions []string `json:"permissions,omitempty" yaml:"permissions,omitempty"`
}

// User is a user; its password comes from PasswordEnv or PasswordFile.
type User struct {
	Username      string   `json:"username" yaml:"username"`
	Name          string   `json:"name" yaml:"name"`
	Email         string   `json:"email" yaml:"email"`
	PasswordEnv   string   `json:"password_env,omitempty" yaml:"password_env,omitempty"`
	PasswordFile  string   `json:"password_file,omitempty" yaml:"password_file,omitempty"`
	APIUser       bool     `json:"api_user,omitempty" yaml:"api_user,omitempty"`
	WebServices   bool     `json:"web_services,omitempty" yaml:"web_services,omitempty"`
	DigestCapable bool     `json:"digest_capable,omitempty" yaml:"digest_capable,omitempty"`
	Active        *bool    `json:"active,omitempty" yaml:"active,omitempty"`
	Roles         []string `json:"roles,omitempty" yaml:"roles,omitempty"`
	DefaultBU     *Ref     `json:"default_bu,omitempty" yaml:"default_bu,omitempty"`
	BusinessUnits []Ref    `json:"business_units,omitempty" yaml:"business_units,omitempty"`
}

// Package is an installed package with its API integration; its client
// secret comes from ClientSecretEnv or ClientSecretFile.
type Package struct {
	Name             string   `json:"name" yaml:"name"`
	Description      string   `json:"description,omitempty" yaml:"description,omitempty"`
	Type             string   `json:"type,omitempty" yaml:"type,omitempty"`
	BU               *Ref     `json:"bu,omitempty" yaml:"bu,omitempty"`
	BusinessUnits    []Ref    `json:"business_units,omitempty" yaml:"business_units,omitempty"`
	Scopes           []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	Legacy           bool     `json:"legacy,omitempty" yaml:"legacy,omitempty"`
	Enabled          *bool    `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	ClientID         string   `json:"client_id,omitempty" yaml:"client_id,omitempty"`
	ClientSecretEnv  string   `json:"client_secret_env,omitempty" yaml:"client_secret_env,omitempty"`
	ClientSecretFile string   `json:"client_secret_file,omitempty" yaml:"client_secret_file,omitempty"`
	RedirectURIs     []string `json:"redirect_uris,omitempty" yaml:"redirect_uris,omitempty"`
	RequirePKCE      bool     `json:"require_pkce,omitempty" yaml:"require_pkce,omitempty"`
}

// Ref names a business unit of the enterprise: a number is a MID, a string
// a name.
type Ref struct {
	MID  int64
	Name string
}

// UnmarshalYAML reads a MID or a name.
func (r *Ref) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a business unit is named by its MID (a number) or its name (a string)", n.Line)
	}
	if n.Tag == "!!int" {
		mid, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil || mid <= 0 {
			return fmt.Errorf("line %d: a MID must be a positive number", n.Line)
		}
		*r = Ref{MID: mid}
		return nil
	}
	if strings.TrimSpace(n.Value) == "" {
		return fmt.Errorf("line %d: a business unit name must not be empty", n.Line)
	}
	*r = Ref{Name: n.Value}
	return nil
}

// MarshalYAML writes a MID as a number, a name as a string.
func (r Ref) MarshalYAML() (any, error) {
	if r.MID != 0 {
		return r.MID, nil
	}
	return r.Name, nil
}

// MarshalJSON writes a MID as a number, a name as a string.
func (r Ref) MarshalJSON() ([]byte, error) {
	if r.MID != 0 {
		return json.Marshal(r.MID)
	}
	return json.Marshal(r.Name)
}

// formatDuration writes d as Go does, without zero trailing units: "15m",
// "1h", "1h30m", "90s" stays "1m30s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
