package soapapi

import (
	"testing"
	"time"
)

func TestHourly(t *testing.T) {
	var h hourly
	t0 := time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC)
	h.add(t0)
	h.add(t0.Add(10 * time.Minute))
	h.add(t0.Add(2 * time.Hour))
	h.add(t0.Add(-25 * time.Hour)) // outside the window: its slot is reused below
	got := h.last24(t0.Add(2 * time.Hour))
	if got[23] != 1 || got[21] != 2 || sum(got) != 3 {
		t.Fatalf("last24 = %v; want 2 at index 21, 1 at index 23, 3 in all", got)
	}
	// A day later the same slots count new hours: old counts do not leak in.
	h.add(t0.Add(24 * time.Hour))
	got = h.last24(t0.Add(24 * time.Hour))
	if got[23] != 1 || sum(got) != 2 { // 10:30 next day, plus 12:30 today
		t.Fatalf("a day later last24 = %v; want 1 at index 23 and 2 in all", got)
	}
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}
