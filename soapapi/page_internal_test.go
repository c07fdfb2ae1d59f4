package soapapi

import (
	"maps"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// userLike returns n records shaped like AccountUser's (19 properties, some
// missing on some records).
func userLike(n int) []objects.Record {
	list := make([]objects.Record, n)
	for i := range list {
		id := strconv.Itoa(100000 + i)
		r := objects.Record{"Client.ID": "100", "CreatedDate": "2026-11-29T12:00:00.123", "ModifiedDate": "2026-11-29T12:00:00.123",
			"ID": id, "CustomerKey": "user" + id, "AccountUserID": id, "UserID": "user" + id, "Name": "User Number " + id,
			"Email": "user" + id + "@example.com", "MustChangePassword": "false", "ActiveFlag": "true", "Delete": "0",
			"IsAPIUser": "false", "NotificationEmailAddress": "user" + id + "@example.com", "IsLocked": "false",
			"DefaultBusinessUnit": "100", "Roles": "role-" + id}
		if i%3 == 0 {
			r["LastSuccessfulLogin"] = "2026-11-29T12:00:00.5"
		}
		list[i] = r
	}
	return list
}

// TestRecordsRoundTrip: kept records come back exactly, absent properties
// absent.
func TestRecordsRoundTrip(t *testing.T) {
	t.Parallel()
	list := userLike(50)
	rs := compact(list)
	for i, want := range list {
		if got := rs.at(i); !maps.Equal(got, want) {
			t.Fatalf("record %d: got %v, want %v", i, got, want)
		}
	}
	if rest := rs.from(10); rest.len() != 40 || !maps.Equal(rest.at(0), list[10]) {
		t.Errorf("from(10): %d records starting %v", rest.len(), rest.at(0))
	}
}

// TestRecordsBytesBoundsTheHeap: the byte count the quotas are kept in is
// not below what kept records really hold on the heap (measured: the heap
// while only the kept records live, less the heap once they are gone too).
func TestRecordsBytesBoundsTheHeap(t *testing.T) {
	const n = 20000
	heap := func() int64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	kept := &resultSet{records: compact(userLike(n))} // the maps are garbage at once, as after a Retrieve
	estimate := kept.records.bytes()
	with := heap()
	kept.records = records{}
	held := with - heap()
	runtime.KeepAlive(kept)
	t.Logf("%d records: estimate %d KiB, held %d KiB", n, estimate>>10, held>>10)
	if estimate < held*9/10 {
		t.Errorf("estimate %d KiB for records holding %d KiB: the quotas would admit more than they count", estimate>>10, held>>10)
	}
}

// TestPageStoreSweeps: expired result sets are dropped by the store's own
// timer, with no further Retrieve to trigger it.
func TestPageStoreSweeps(t *testing.T) {
	t.Parallel()
	s := newPageStore(PageLimits{TTL: 50 * time.Millisecond}, time.Now)
	for i := range 3 {
		if err := s.put(strconv.Itoa(i), &resultSet{records: compact(userLike(10)), tenant: 1}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if all, mine, sets := s.usage(1); sets != 3 || all == 0 || mine != all {
		t.Fatalf("after 3 puts: %d bytes, %d for the enterprise, %d sets", all, mine, sets)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if all, _, sets := s.usage(1); sets == 0 && all == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("expired result sets still held 10 s after their TTL of 50 ms")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
