package console

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// view is what every template gets.
type view struct {
	Title  string
	Nav    string        // the highlighted navigation entry
	Status int           // HTTP status (default 200)
	User   *manage.Actor // the signed-in user, nil on the sign-in and error pages without a session
	CSRF   string
	Can    caps
	Notice string // a success message
	Errors formErrors
	Data   any
}

// caps says which pages and actions to show. It only shapes the page: the
// manage use-cases decide, and refuse a forged request.
type caps struct {
	BUView, BUManage       bool
	UsersView, UsersManage bool
	RolesView, RolesManage bool
	PackagesView           bool
	PackagesAdmin          bool
	SettingsView           bool
	SettingsManage         bool
	AuditView              bool
}

// capsOf asks manage which operations a's permissions allow.
func capsOf(a *manage.Actor) caps {
	if a == nil {
		return caps{}
	}
	return caps{
		BUView: a.Allows(manage.OpBusinessUnitRead), BUManage: a.Allows(manage.OpBusinessUnitUpdate),
		UsersView: a.Allows(manage.OpUserRead), UsersManage: a.Allows(manage.OpUserUpdate),
		RolesView: a.Allows(manage.OpRoleRead), RolesManage: a.Allows(manage.OpRoleUpdate),
		PackagesView: a.Allows(manage.OpPackageRead), PackagesAdmin: a.Allows(manage.OpPackageUpdate),
		SettingsView: a.Allows(manage.OpSettingsRead), SettingsManage: a.Allows(manage.OpSettingsUpdate),
		AuditView: a.Allows(manage.OpAuditRead),
	}
}

// formErrors are messages shown next to fields, plus one for the whole form.
type formErrors struct {
	Fields map[string]string
	Form   string
}

// Has reports whether there is any error.
func (e formErrors) Has() bool { return e.Form != "" || len(e.Fields) > 0 }

// Field returns the message for a field, or "".
func (e formErrors) Field(name string) string { return e.Fields[name] }

// fieldRule sends a manage error message to a form field: the message starts
// with prefix (or contains it, when contains is set).
type fieldRule struct {
	prefix   string
	field    string
	contains bool
}

// inputError turns an EINVALID or ECONFLICT error from manage into messages
// next to the fields the rules name (the rest go to the top of the form). It
// reports false for any other error, which the caller returns.
func inputError(err error, rules ...fieldRule) (formErrors, bool) {
	switch fuelgate.ErrorCode(err) {
	case fuelgate.EINVALID, fuelgate.ECONFLICT:
	default:
		return formErrors{}, false
	}
	msg := fuelgate.ErrorMessage(err)
	low := strings.ToLower(msg)
	display := strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(display, ".") {
		display += "."
	}
	for _, r := range rules {
		if r.contains && strings.Contains(low, r.prefix) || !r.contains && strings.HasPrefix(low, r.prefix) {
			return formErrors{Fields: map[string]string{r.field: display}}, true
		}
	}
	return formErrors{Form: display}, true
}

// fieldErr is the argument of the "fielderr" template.
type fieldErr struct{ Name, Msg string }

// buOptions is the argument of the "bu-options" template.
type buOptions struct {
	BUs      []*fuelgate.Account
	Selected int64
}

// appGrantsArg is the argument of the "app-grants" template.
type appGrantsArg struct {
	View *view
	Apps *appsData
}

// pageTemplate is one page parsed together with the layout.
type pageTemplate = template.Template

var funcs = template.FuncMap{
	"perm":        fuelgate.DisplayPermission,
	"integration": integrationName,
	"appgrants":   func(v *view, d *appsData) appGrantsArg { return appGrantsArg{View: v, Apps: d} },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"fe":    func(e formErrors, name string) fieldErr { return fieldErr{Name: name, Msg: e.Field(name)} },
	"buopts": func(bus []*fuelgate.Account, selected int64) buOptions {
		return buOptions{BUs: bus, Selected: selected}
	},
	"has": func(list any, v any) bool {
		switch l := list.(type) {
		case []string:
			s, _ := v.(string)
			for _, x := range l {
				if x == s {
					return true
				}
			}
		case []int64:
			n, _ := v.(int64)
			for _, x := range l {
				if x == n {
					return true
				}
			}
		case map[string]bool:
			s, _ := v.(string)
			return l[s]
		}
		return false
	},
}

// integrationName is how the console names an integration type (SFMC's names).
func integrationName(t fuelgate.IntegrationType) string {
	switch t {
	case fuelgate.IntegrationWebApp:
		return "Web App"
	case fuelgate.IntegrationPublicApp:
		return "Public App"
	}
	return "Server-to-Server"
}

func mustParsePages() map[string]*pageTemplate {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		t := template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/_*.html", n))
		pages[base] = t
	}
	return pages
}

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean 500 instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, v *view) {
	t, ok := h.pages[name]
	if !ok {
		panic("console: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		h.Log.ErrorContext(r.Context(), "console template", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if v.Status != 0 {
		w.WriteHeader(v.Status)
	}
	w.Write(buf.Bytes())
}
