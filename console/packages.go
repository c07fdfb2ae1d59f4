package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

func (h *Handler) registerPackages(mux *http.ServeMux) {
	mux.Handle("GET /console/packages", h.authed(h.packages))
	mux.Handle("GET /console/packages/new", h.authed(h.newPackage))
	mux.Handle("POST /console/packages", h.authed(h.createPackage))
	mux.Handle("GET /console/packages/{client}", h.authed(h.pkg))
	mux.Handle("POST /console/packages/{client}/rotate", h.authed(h.rotateSecret))
	mux.Handle("POST /console/packages/{client}/enabled", h.authed(h.setPackageEnabled))
}

// maxOverlapHours is the longest overlap offered when rotating a secret (manage allows 30 days).
const maxOverlapHours = 720

type packagesData struct {
	Packages []*fuelgate.Package
	BUNames  map[int64]string
}

// packageForm is the create form with its choices.
type packageForm struct {
	Name        string
	Description string
	MID         int64
	Scopes      []string
	MIDs        []int64
	Type        fuelgate.IntegrationType
	// RedirectURIs is the textarea's text, one URI per line.
	RedirectURIs string
	RequirePKCE  bool
	Groups       []scopeGroup
	BUs          []*fuelgate.Account
	Once         string // one-time form ID: a resubmission does not create a second package
}

// packageData is the package page. Secret is set only on the response to the
// POST that created or rotated it, and never again.
type packageData struct {
	Pkg    *fuelgate.Package
	Secret string
	// AuthorizeURL is an example /v2/authorize link of a web or public app.
	AuthorizeURL string
	AuthURL      string
	SOAPURL      string
	TokenURL     string
	Curl         string
	BUNames      map[int64]string
	Overlap      bool // the previous secret is still accepted
	Once         string
	Rotated      bool
}

var packageRules = []fieldRule{
	{prefix: "name", field: "name"},
	{prefix: "unknown scope", field: "scopes"},
	{prefix: "business unit", field: "mids"},
	{prefix: "the overlap", field: "overlap"},
	{prefix: "redirect uri", field: "redirect_uris"},
	{prefix: "integration type", field: "type"},
	{prefix: "a legacy package", field: "type"},
}

func (h *Handler) packages(rq *request) error {
	list, err := h.Manage.Packages(rq.ctx, rq.actor)
	if err != nil {
		return err
	}
	names, err := h.buNames(rq)
	if err != nil {
		return err
	}
	return rq.render("packages.html", &view{Title: "Installed Packages", Nav: "packages", Notice: notice(rq),
		Data: &packagesData{Packages: list, BUNames: names}})
}

func (h *Handler) newPackage(rq *request) error {
	if err := rq.actor.Authorize(manage.OpPackageCreate); err != nil {
		return err
	}
	return h.renderPackageForm(rq, &view{}, &packageForm{MID: rq.actor.MID(), Type: fuelgate.IntegrationServerToServer})
}

func (h *Handler) renderPackageForm(rq *request, v *view, f *packageForm) error {
	var err error
	if f.BUs, err = h.buChoices(rq); err != nil {
		return err
	}
	f.Groups, f.Once = scopeGroups(), newFormID()
	v.Title, v.Nav, v.Data = "New installed package", "packages", f
	return rq.render("package_new.html", v)
}

// createPackage creates the package and answers with its page showing the
// client secret: this response is the only place the secret ever appears.
func (h *Handler) createPackage(rq *request) error {
	once := rq.form("once")
	if prev, fresh := h.sessions.claimForm(rq.sess, once); !fresh {
		return rq.redirect(packagePath(prev))
	}
	f := &packageForm{Name: rq.form("name"), Description: rq.form("description"), Scopes: rq.formList("scopes"),
		Type: fuelgate.IntegrationType(rq.form("type")), RedirectURIs: rq.form("redirect_uris"), RequirePKCE: rq.form("require_pkce") != ""}
	f.MID, _ = strconv.ParseInt(rq.form("mid"), 10, 64)
	var err error
	if f.MIDs, err = rq.formMIDs("mids"); err != nil {
		return err
	}
	p, sec, err := h.Manage.CreatePackage(rq.ctx, rq.actor, manage.NewPackage{MID: f.MID, Name: f.Name,
		Description: f.Description, Scopes: f.Scopes, MIDs: f.MIDs, Type: f.Type,
		RedirectURIs: strings.Fields(f.RedirectURIs), RequirePKCE: f.RequirePKCE})
	if err != nil {
		fe, ok := inputError(err, packageRules...)
		if !ok {
			return err
		}
		return h.renderPackageForm(rq, &view{Status: http.StatusBadRequest, Errors: fe}, f)
	}
	h.sessions.formResult(rq.sess, once, p.ClientID)
	msg := "The package was created. Copy the client secret now: it is shown only once."
	if sec == "" {
		msg = "The package was created. A public app has no client secret."
	}
	return h.renderPackage(rq, &view{Status: http.StatusCreated, Notice: msg}, p, sec)
}

func packagePath(clientID string) string {
	if clientID == "" {
		return "/console/packages"
	}
	return "/console/packages/" + url.PathEscape(clientID)
}

// findPackage returns the package named by the path among those the actor may see.
func (h *Handler) findPackage(rq *request) (*fuelgate.Package, error) {
	list, err := h.Manage.Packages(rq.ctx, rq.actor)
	if err != nil {
		return nil, err
	}
	id := rq.r.PathValue("client")
	for _, p := range list {
		if p.ClientID == id {
			return p, nil
		}
	}
	return nil, errNotFound
}

func (h *Handler) pkg(rq *request) error {
	p, err := h.findPackage(rq)
	if err != nil {
		return err
	}
	return h.renderPackage(rq, &view{Notice: notice(rq)}, p, "")
}

func (h *Handler) renderPackage(rq *request, v *view, p *fuelgate.Package, sec string) error {
	names, err := h.buNames(rq)
	if err != nil {
		return err
	}
	d := &packageData{Pkg: p, Secret: sec, AuthURL: h.PublicURL + "/", SOAPURL: h.PublicURL + "/Service.asmx",
		TokenURL: h.PublicURL + "/v2/token", BUNames: names, Once: newFormID(),
		Overlap: len(p.PrevSecretHash) > 0 && h.Now().Before(p.PrevSecretExpires)}
	shown := sec
	if shown == "" {
		shown = "YOUR_CLIENT_SECRET"
	}
	d.Curl = "curl -sS -X POST '" + d.TokenURL + "' -H 'Content-Type: application/json' -d '" +
		`{"grant_type":"client_credentials","client_id":"` + p.ClientID + `","client_secret":"` + shown +
		`","account_id":"` + strconv.FormatInt(p.MID, 10) + `"}'`
	if p.UserApp() && len(p.RedirectURIs) > 0 {
		q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {p.RedirectURIs[0]}, "state": {"STATE"}}
		d.AuthorizeURL = h.PublicURL + "/v2/authorize?" + q.Encode()
		body := `{"grant_type":"authorization_code","code":"CODE","client_id":"` + p.ClientID
		if p.IntegrationType != fuelgate.IntegrationPublicApp {
			body += `","client_secret":"` + shown
		}
		d.Curl = "curl -sS -X POST '" + d.TokenURL + "' -H 'Content-Type: application/json' -d '" +
			body + `","redirect_uri":"` + p.RedirectURIs[0] + `"}'`
	}
	v.Title, v.Nav, v.Data = p.Name, "packages", d
	return rq.render("package.html", v)
}

// rotateSecret gives the package a new secret, keeping the old one for the
// chosen number of hours, and shows the new secret once.
func (h *Handler) rotateSecret(rq *request) error {
	p, err := h.findPackage(rq)
	if err != nil {
		return err
	}
	once := rq.form("once")
	if _, fresh := h.sessions.claimForm(rq.sess, once); !fresh {
		return rq.redirect(packagePath(p.ClientID))
	}
	hours, err := strconv.Atoi(rq.form("overlap"))
	if err != nil || hours < 0 || hours > maxOverlapHours {
		return h.renderPackage(rq, &view{Status: http.StatusBadRequest, Errors: formErrors{Fields: map[string]string{
			"overlap": "Enter a number of hours between 0 and " + strconv.Itoa(maxOverlapHours) + "."}}}, p, "")
	}
	var until time.Time
	if hours > 0 {
		until = h.Now().Add(time.Duration(hours) * time.Hour)
	}
	np, sec, err := h.Manage.RotateSecret(rq.ctx, rq.actor, p.ClientID, until)
	if err != nil {
		fe, ok := inputError(err, packageRules...)
		if !ok {
			return err
		}
		return h.renderPackage(rq, &view{Status: http.StatusBadRequest, Errors: fe}, p, "")
	}
	msg := "The secret was rotated; the old secret stopped working now."
	if hours > 0 {
		msg = "The secret was rotated; the old secret keeps working until " + until.UTC().Format("2006-01-02 15:04 UTC") + "."
	}
	return h.renderPackage(rq, &view{Notice: msg + " Copy the new client secret now: it is shown only once."}, np, sec)
}

func (h *Handler) setPackageEnabled(rq *request) error {
	p, err := h.findPackage(rq)
	if err != nil {
		return err
	}
	enabled := rq.form("enabled") == "true"
	if _, err := h.Manage.SetPackageEnabled(rq.ctx, rq.actor, p.ClientID, enabled); err != nil {
		return err
	}
	if enabled {
		return rq.redirect(packagePath(p.ClientID) + "?ok=enabled")
	}
	return rq.redirect(packagePath(p.ClientID) + "?ok=disabled")
}

// buNames maps the MIDs the actor may see to BU names.
func (h *Handler) buNames(rq *request) (map[int64]string, error) {
	bus, err := h.buChoices(rq)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, b := range bus {
		names[b.MID] = b.Name
	}
	return names, nil
}
