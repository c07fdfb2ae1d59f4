package fuel

import (
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// Overall statuses.
const (
	StatusOK                = "OK"
	StatusMoreDataAvailable = "MoreDataAvailable"
	StatusHasErrors         = "Has Errors"
)

// Result is the outcome for one object of a Create, Update, Delete or
// Configure request.
type Result struct {
	StatusCode    string // "OK" or "Error"
	StatusMessage string
	OrdinalID     int   // 0-based index of the object in the request
	ErrorCode     int   // 0 when absent
	NewID         int64 // Create only; 0 when not applicable
	NewObjectID   string
	Object        *Object // the echoed object, when sent
}

// OK reports StatusCode "OK".
func (r Result) OK() bool { return r.StatusCode == StatusOK }

// Response is the answer to a Create, Update, Delete or Configure request
// whose OverallStatus is OK.
type Response struct {
	OverallStatus        string
	OverallStatusMessage string // Configure only
	RequestID            string
	Results              []Result
}

// parseResult reads one Results (or Configure Result) element.
func parseResult(e *soap.Element) Result {
	r := Result{
		StatusCode:    e.ChildText("StatusCode"),
		StatusMessage: e.ChildText("StatusMessage"),
		NewObjectID:   e.ChildText("NewObjectID"),
	}
	r.OrdinalID, _ = strconv.Atoi(e.ChildText("OrdinalID"))
	r.ErrorCode, _ = strconv.Atoi(e.ChildText("ErrorCode"))
	r.NewID, _ = strconv.ParseInt(e.ChildText("NewID"), 10, 64)
	if oe := e.Child("Object"); oe != nil && !oe.IsNil() {
		o := objectFrom(oe)
		r.Object = &o
	}
	return r
}

// parseResponse reads a CreateResponse-like element; results are the
// Results elements (Configure nests them one level deeper).
func parseResponse(op string, body *soap.Element, results []*soap.Element) (*Response, error) {
	resp := &Response{
		OverallStatus:        body.ChildText("OverallStatus"),
		OverallStatusMessage: body.ChildText("OverallStatusMessage"),
		RequestID:            body.ChildText("RequestID"),
	}
	for _, e := range results {
		resp.Results = append(resp.Results, parseResult(e))
	}
	if resp.OverallStatus != StatusOK {
		msg := resp.OverallStatusMessage
		if _, after, ok := strings.Cut(resp.OverallStatus, ":"); ok && msg == "" {
			msg = strings.TrimSpace(after)
		}
		return nil, &StatusError{Op: op, OverallStatus: resp.OverallStatus, Message: msg,
			RequestID: resp.RequestID, Results: resp.Results}
	}
	return resp, nil
}
