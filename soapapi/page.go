package soapapi

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// PageLimits bound the result sets kept for ContinueRequest: in bytes, for
// all tenants together and for each enterprise, and in age. Zero fields
// select the defaults.
type PageLimits struct {
	MaxBytes        int64         // all enterprises together (default 64 MiB)
	EnterpriseBytes int64         // one enterprise's share (default 16 MiB)
	TTL             time.Duration // a result set not continued within this is dropped (default 10 minutes)
}

func (l PageLimits) withDefaults() PageLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 64 << 20
	}
	if l.EnterpriseBytes <= 0 {
		l.EnterpriseBytes = 16 << 20
	}
	if l.TTL <= 0 {
		l.TTL = 10 * time.Minute
	}
	return l
}

// errPagesFull refuses a new result set when its enterprise's share, or the
// store, is full. Nobody else's result sets are dropped to make room.
const errPagesFull = statusError("Error: Too many retrieve results are waiting for a ContinueRequest in this account. " +
	"Continue or finish the open retrieves, ask for fewer objects (a filter, fewer properties), or try again later.")

// resultSet is the rest of a Retrieve that did not fit one page.
type resultSet struct {
	obj     objects.Object
	props   map[string]bool
	records records
	batch   int
	owner   string  // manage.Actor.Key of the actor that started the Retrieve
	tenant  int64   // the actor's enterprise, whose share the set uses
	reached []int64 // the BUs it read: the actor must still reach them all
	expires time.Time
	size    int64
}

// page renders the next batch of rs; when more remain it keeps them under the
// response's RequestID for a ContinueRequest, or refuses the Retrieve when
// they do not fit.
func (h *Handler) page(ctx context.Context, c *objects.Call, rs *resultSet) *soap.Element {
	id := soap.NewUUID(nil)
	n := min(rs.batch, rs.records.len())
	status := "OK"
	if n < rs.records.len() {
		status = "MoreDataAvailable"
		rest := *rs
		rest.records = rs.records.from(n)
		if err := h.pages.put(id, &rest, h.Now()); err != nil {
			return retrieveStatus(err.Error())
		}
	}
	msg := soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status), soap.TextElement("RequestID", id))
	for i := range n {
		msg.Add(rs.obj.Render(ctx, c, rs.records.at(i), rs.props))
	}
	return msg
}

// continueRetrieve serves a ContinueRequest for a RequestID this principal
// got. It is decided exactly like the Retrieve that started it, with the
// scopes and permissions the caller has now: another token of the same
// package without the read scope, or a user who lost the permission or the
// BU since, gets the same answer a new Retrieve would.
func (h *Handler) continueRetrieve(ctx context.Context, c *objects.Call, id string) *soap.Element {
	var refused error
	rs := h.pages.take(id, c.Actor.Key(), h.Now(), func(rs *resultSet) bool {
		refused = c.Actor.Authorize(rs.obj.ReadOp(), rs.reached...)
		return refused == nil
	})
	if refused != nil {
		return retrieveRefused(refused)
	}
	if rs == nil {
		return retrieveStatus("Error: The ContinueRequest " + strconv.Quote(fuelgate.Truncate(id, 64)) + " is unknown or has expired.")
	}
	return h.page(ctx, c, rs)
}

// pageStore keeps unfinished result sets, bounded in bytes (globally and per
// enterprise) and in age. Expired sets are dropped by a timer, not only when
// another set arrives, so an idle server lets go of them.
type pageStore struct {
	lim PageLimits
	now func() time.Time

	mu       sync.Mutex
	m        map[string]*resultSet
	used     int64
	byTenant map[int64]int64
	sweep    *time.Timer
}

func newPageStore(lim PageLimits, now func() time.Time) *pageStore {
	return &pageStore{lim: lim.withDefaults(), now: now, m: map[string]*resultSet{}, byTenant: map[int64]int64{}}
}

// put keeps rs under id until the TTL, unless its enterprise's share or the
// store would overflow: then errPagesFull.
func (s *pageStore) put(id string, rs *resultSet, now time.Time) error {
	rs.size = setOverhead + rs.records.bytes()
	rs.expires = now.Add(s.lim.TTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fits(rs) {
		s.dropExpired(now)
		if !s.fits(rs) {
			return errPagesFull
		}
	}
	s.m[id] = rs
	s.used += rs.size
	s.byTenant[rs.tenant] += rs.size
	if s.sweep == nil {
		s.sweep = time.AfterFunc(s.lim.TTL, s.sweepExpired)
	}
	return nil
}

func (s *pageStore) fits(rs *resultSet) bool {
	return s.used+rs.size <= s.lim.MaxBytes && s.byTenant[rs.tenant]+rs.size <= s.lim.EnterpriseBytes
}

// take removes and returns the set under id if owner may continue it.
// A set allow refuses stays for a caller that may continue it.
func (s *pageStore) take(id, owner string, now time.Time, allow func(*resultSet) bool) *resultSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.m[id]
	if rs == nil || rs.owner != owner || !now.After(rs.expires) && !allow(rs) {
		return nil
	}
	s.remove(id, rs)
	if now.After(rs.expires) {
		return nil
	}
	return rs
}

func (s *pageStore) remove(id string, rs *resultSet) {
	delete(s.m, id)
	s.used -= rs.size
	if s.byTenant[rs.tenant] -= rs.size; s.byTenant[rs.tenant] <= 0 {
		delete(s.byTenant, rs.tenant)
	}
}

func (s *pageStore) dropExpired(now time.Time) {
	for id, rs := range s.m {
		if now.After(rs.expires) {
			s.remove(id, rs)
		}
	}
}

// sweepExpired runs on the timer: it drops expired sets and sets the timer
// for the next expiry, if any set is left.
func (s *pageStore) sweepExpired() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.dropExpired(now)
	s.sweep = nil
	var next time.Time
	for _, rs := range s.m {
		if next.IsZero() || rs.expires.Before(next) {
			next = rs.expires
		}
	}
	if !next.IsZero() {
		s.sweep = time.AfterFunc(max(next.Sub(now), time.Second), s.sweepExpired)
	}
}

// usage reports the bytes held in all and by one enterprise.
func (s *pageStore) usage(tenant int64) (all, mine int64, sets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used, s.byTenant[tenant], len(s.m)
}

// setOverhead is what a kept set costs beside its records (the set, its ID,
// its map entry).
const setOverhead = 512

// records hold the records of a result set compactly: one list of property
// names shared by all, and per record its values in that order with a mask
// of the properties it has. A Record (a map) per record would cost twice
// the memory.
type records struct {
	keys []string
	vals [][]string
	has  []uint64
	maps []objects.Record // when a record has more than 64 properties
}

func compact(list []objects.Record) records {
	seen := map[string]bool{}
	var keys []string
	for _, r := range list {
		for k := range r {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > 64 {
		return records{maps: list}
	}
	slices.Sort(keys)
	rs := records{keys: keys, vals: make([][]string, len(list)), has: make([]uint64, len(list))}
	for i, r := range list {
		v := make([]string, len(keys))
		for j, k := range keys {
			if s, ok := r[k]; ok {
				v[j] = s
				rs.has[i] |= 1 << j
			}
		}
		rs.vals[i] = v
	}
	return rs
}

func (r records) len() int {
	if r.maps != nil {
		return len(r.maps)
	}
	return len(r.vals)
}

func (r records) from(i int) records {
	if r.maps != nil {
		return records{maps: r.maps[i:]}
	}
	return records{keys: r.keys, vals: r.vals[i:], has: r.has[i:]}
}

// at rebuilds record i.
func (r records) at(i int) objects.Record {
	if r.maps != nil {
		return r.maps[i]
	}
	rec := make(objects.Record, len(r.keys))
	for j, k := range r.keys {
		if r.has[i]&(1<<j) != 0 {
			rec[k] = r.vals[i][j]
		}
	}
	return rec
}

// bytes estimates the memory the records hold: per record its slice, its
// mask and each value's header and text (a map costs more per entry).
func (r records) bytes() int64 {
	var n int64
	if r.maps != nil {
		for _, m := range r.maps {
			n += 64
			for k, v := range m {
				n += int64(len(k)+len(v)) + 48
			}
		}
		return n
	}
	for _, v := range r.vals {
		n += 24 + 8 + int64(len(v))*16
		for _, s := range v {
			n += int64(len(s))
		}
	}
	return n
}
