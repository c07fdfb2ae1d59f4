package console

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/fuelgate/fuelgate"
)

func (h *Handler) registerBusinessUnits(mux *http.ServeMux) {
	mux.Handle("GET /console/business-units", h.authed(h.businessUnits))
	mux.Handle("POST /console/business-units", h.authed(h.createBusinessUnit))
	mux.Handle("GET /console/business-units/{mid}", h.authed(h.businessUnit))
	mux.Handle("POST /console/business-units/{mid}", h.authed(h.updateBusinessUnit))
}

// buNode is a BU in the enterprise tree.
type buNode struct {
	*fuelgate.Account
	Children []*buNode
}

type businessUnitsData struct {
	Tree     []*buNode
	All      []*fuelgate.Account
	Parent   int64 // create form values
	Name     string
	Selected *fuelgate.Account // the detail page's BU
	Parents  []*fuelgate.Account
	Children []*fuelgate.Account
}

// buTree arranges accounts as a tree, children sorted by name.
func buTree(all []*fuelgate.Account) []*buNode {
	nodes := map[int64]*buNode{}
	for _, a := range all {
		nodes[a.MID] = &buNode{Account: a}
	}
	var roots []*buNode
	for _, a := range all {
		n := nodes[a.MID]
		if p, ok := nodes[a.ParentMID]; ok && a.ParentMID != 0 {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	var sortRec func([]*buNode)
	sortRec = func(ns []*buNode) {
		slices.SortFunc(ns, func(a, b *buNode) int {
			if a.ParentMID == 0 || b.ParentMID == 0 {
				return int(a.MID - b.MID)
			}
			if a.Name < b.Name {
				return -1
			}
			if a.Name > b.Name {
				return 1
			}
			return 0
		})
		for _, n := range ns {
			sortRec(n.Children)
		}
	}
	sortRec(roots)
	return roots
}

func (h *Handler) businessUnits(rq *request) error {
	return h.renderBusinessUnits(rq, &view{Notice: notice(rq)}, &businessUnitsData{Parent: rq.actor.MID()})
}

func (h *Handler) renderBusinessUnits(rq *request, v *view, d *businessUnitsData) error {
	all, err := h.Manage.BusinessUnits(rq.ctx, rq.actor)
	if err != nil {
		return err
	}
	d.All, d.Tree = all, buTree(all)
	v.Title, v.Nav, v.Data = "Business Units", "bu", d
	return rq.render("businessunits.html", v)
}

func (h *Handler) createBusinessUnit(rq *request) error {
	parent, _ := strconv.ParseInt(rq.form("parent"), 10, 64)
	name := rq.form("name")
	a, err := h.Manage.CreateBusinessUnit(rq.ctx, rq.actor, parent, name)
	if err != nil {
		fe, ok := inputError(err, fieldRule{prefix: "name", field: "name"})
		if !ok && fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			fe, ok = formErrors{Fields: map[string]string{"parent": fuelgate.ErrorMessage(err)}}, true
		}
		if !ok {
			return err
		}
		return h.renderBusinessUnits(rq, &view{Status: http.StatusBadRequest, Errors: fe},
			&businessUnitsData{Parent: parent, Name: name})
	}
	return rq.redirect("/console/business-units/" + strconv.FormatInt(a.MID, 10) + "?ok=created")
}

func (h *Handler) businessUnit(rq *request) error {
	return h.renderBusinessUnit(rq, &view{Notice: notice(rq)}, "")
}

func (h *Handler) renderBusinessUnit(rq *request, v *view, name string) error {
	mid, err := rq.pathInt("mid")
	if err != nil {
		return err
	}
	all, err := h.Manage.BusinessUnits(rq.ctx, rq.actor)
	if err != nil {
		return err
	}
	d := &businessUnitsData{All: all, Parent: mid}
	for _, a := range all {
		if a.MID == mid {
			d.Selected = a
		}
		if a.ParentMID == mid && a.ParentMID != 0 {
			d.Children = append(d.Children, a)
		}
	}
	if d.Selected == nil {
		return errNotFound
	}
	for p := d.Selected.ParentMID; p != 0; {
		var next int64
		for _, a := range all {
			if a.MID == p {
				d.Parents = append([]*fuelgate.Account{a}, d.Parents...)
				next = a.ParentMID
			}
		}
		p = next
	}
	d.Name = name
	if d.Name == "" {
		d.Name = d.Selected.Name
	}
	v.Title, v.Nav, v.Data = d.Selected.Name, "bu", d
	return rq.render("businessunit.html", v)
}

// updateBusinessUnit renames, deactivates or reactivates a BU, or creates a child under it.
func (h *Handler) updateBusinessUnit(rq *request) error {
	mid, err := rq.pathInt("mid")
	if err != nil {
		return err
	}
	self := "/console/business-units/" + strconv.FormatInt(mid, 10)
	switch rq.form("action") {
	case "rename":
		name := rq.form("name")
		if _, err := h.Manage.UpdateBusinessUnit(rq.ctx, rq.actor, mid, &name, nil); err != nil {
			fe, ok := inputError(err, fieldRule{prefix: "name", field: "name"})
			if !ok {
				return err
			}
			return h.renderBusinessUnit(rq, &view{Status: http.StatusBadRequest, Errors: fe}, name)
		}
		return rq.redirect(self + "?ok=renamed")
	case "deactivate", "activate":
		active := rq.form("action") == "activate"
		if _, err := h.Manage.UpdateBusinessUnit(rq.ctx, rq.actor, mid, nil, &active); err != nil {
			fe, ok := inputError(err)
			if !ok {
				return err
			}
			return h.renderBusinessUnit(rq, &view{Status: http.StatusBadRequest, Errors: fe}, "")
		}
		if active {
			return rq.redirect(self + "?ok=activated")
		}
		return rq.redirect(self + "?ok=deactivated")
	}
	return fuelgate.Errorf(fuelgate.EINVALID, "Unknown action.")
}
