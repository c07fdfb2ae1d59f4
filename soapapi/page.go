package soapapi

import (
	"strconv"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// resultSet is the rest of a Retrieve that did not fit one page.
type resultSet struct {
	obj     objects.Object
	props   map[string]bool
	records []objects.Record
	batch   int
	owner   string
	expires time.Time
}

// page renders the next batch of rs; when more remain it keeps them under the
// response's RequestID for a ContinueRequest.
func (h *Handler) page(c *objects.Call, rs *resultSet) *soap.Element {
	id := soap.NewUUID(nil)
	n := min(rs.batch, len(rs.records))
	status := "OK"
	if n < len(rs.records) {
		status = "MoreDataAvailable"
		rest := *rs
		rest.records = rs.records[n:]
		h.pages.put(id, &rest, h.Now())
	}
	msg := soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status), soap.TextElement("RequestID", id))
	for _, r := range rs.records[:n] {
		msg.Add(rs.obj.Render(c, r, rs.props))
	}
	return msg
}

// continueRetrieve serves a ContinueRequest for a RequestID this principal got.
func (h *Handler) continueRetrieve(c *objects.Call, id string) *soap.Element {
	rs := h.pages.take(id, ownerOf(c.P), h.Now())
	if rs == nil {
		return retrieveStatus("Error: The ContinueRequest " + strconv.Quote(truncate(id, 64)) + " is unknown or has expired.")
	}
	return h.page(c, rs)
}

// ownerOf identifies a principal for paging: only the caller that started a
// Retrieve may continue it.
func ownerOf(p *auth.Principal) string {
	if p.Kind == auth.PrincipalUser {
		return "u:" + strconv.FormatInt(p.User.ID, 10) + ":" + strconv.FormatInt(p.MID, 10)
	}
	return "c:" + p.ClientID + ":" + strconv.FormatInt(p.MID, 10)
}

// pageStore keeps unfinished result sets, bounded in count and age.
type pageStore struct {
	mu  sync.Mutex
	max int
	ttl time.Duration
	m   map[string]*resultSet
}

func newPageStore(max int, ttl time.Duration) *pageStore {
	return &pageStore{max: max, ttl: ttl, m: map[string]*resultSet{}}
}

func (s *pageStore) put(id string, rs *resultSet, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if now.After(v.expires) {
			delete(s.m, k)
		}
	}
	for k := range s.m { // still full: drop an arbitrary one
		if len(s.m) < s.max {
			break
		}
		delete(s.m, k)
	}
	rs.expires = now.Add(s.ttl)
	s.m[id] = rs
}

func (s *pageStore) take(id, owner string, now time.Time) *resultSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.m[id]
	if rs == nil || rs.owner != owner || now.After(rs.expires) {
		return nil
	}
	delete(s.m, id)
	return rs
}
