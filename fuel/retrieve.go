package fuel

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// RetrieveRequest selects objects of one type.
type RetrieveRequest struct {
	ObjectType string
	Properties []string
	Filter     Filter // nil: no filter
	// QueryAllAccounts searches every business unit below the token's.
	QueryAllAccounts bool
	// ClientIDs are the MIDs of child business units to search.
	ClientIDs []int64
	// BatchSize asks for pages of at most this many objects (0: the
	// server's default).
	BatchSize int
	// ContinueRequest is the RequestID of the previous page, to fetch the
	// next one. RetrieveAll sets it.
	ContinueRequest string
}

// RetrieveResponse is one page of a Retrieve.
type RetrieveResponse struct {
	Objects       []Object
	OverallStatus string // "OK" or "MoreDataAvailable"
	RequestID     string
}

// MoreDataAvailable reports that another page can be fetched with
// ContinueRequest = RequestID.
func (r *RetrieveResponse) MoreDataAvailable() bool {
	return r.OverallStatus == StatusMoreDataAvailable
}

// element builds RetrieveRequestMsg in WSDL element order.
func (r RetrieveRequest) element() *soap.Element {
	rr := soap.NewElement("RetrieveRequest")
	for _, id := range r.ClientIDs {
		rr.Add(soap.NewElement("ClientIDs", soap.TextElement("ID", strconv.FormatInt(id, 10))))
	}
	rr.Add(soap.TextElement("ObjectType", r.ObjectType))
	for _, p := range r.Properties {
		rr.Add(soap.TextElement("Properties", p))
	}
	if r.Filter != nil {
		rr.Add(r.Filter.part("Filter"))
	}
	if r.ContinueRequest != "" {
		rr.Add(soap.TextElement("ContinueRequest", r.ContinueRequest))
	}
	if r.QueryAllAccounts {
		rr.Add(soap.TextElement("QueryAllAccounts", "true"))
	}
	if r.BatchSize > 0 {
		rr.Add(soap.NewElement("Options", soap.TextElement("BatchSize", strconv.Itoa(r.BatchSize))))
	}
	return soap.NewElement("RetrieveRequestMsg", rr)
}

// Retrieve fetches one page. An OverallStatus "Error: <text>" (or any status
// other than OK and MoreDataAvailable) is a *StatusError whose Message is
// the text.
func (c *Client) Retrieve(ctx context.Context, req RetrieveRequest) (*RetrieveResponse, error) {
	if req.ObjectType == "" && req.ContinueRequest == "" {
		return nil, errors.New("fuel: Retrieve: ObjectType required")
	}
	body, err := c.Call(ctx, "Retrieve", req.element())
	if err != nil {
		return nil, err
	}
	if err := expect(body, "Retrieve", "RetrieveResponseMsg"); err != nil {
		return nil, err
	}
	page := &RetrieveResponse{OverallStatus: body.ChildText("OverallStatus"), RequestID: body.ChildText("RequestID")}
	if page.OverallStatus != StatusOK && !page.MoreDataAvailable() {
		msg := page.OverallStatus
		if _, after, ok := strings.Cut(msg, ":"); ok {
			msg = strings.TrimSpace(after)
		}
		return nil, &StatusError{Op: "Retrieve", OverallStatus: page.OverallStatus, Message: msg, RequestID: page.RequestID}
	}
	for _, e := range body.ChildrenNamed("Results") {
		page.Objects = append(page.Objects, objectFrom(e))
	}
	return page, nil
}

// RetrieveAll yields every object, fetching the following pages with
// ContinueRequest while the status is MoreDataAvailable. An error is
// yielded once, with a zero Object, and ends the sequence. Stopping the loop
// early sends no further request.
func (c *Client) RetrieveAll(ctx context.Context, req RetrieveRequest) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for {
			page, err := c.Retrieve(ctx, req)
			if err != nil {
				yield(Object{}, err)
				return
			}
			for _, o := range page.Objects {
				if !yield(o, nil) {
					return
				}
			}
			if !page.MoreDataAvailable() {
				return
			}
			if page.RequestID == "" {
				yield(Object{}, errors.New("fuel: Retrieve: MoreDataAvailable without a RequestID"))
				return
			}
			req.ContinueRequest = page.RequestID
		}
	}
}
