package soapapi

import (
	"sync"
	"time"
)

// hourly counts events per hour for the last 24 hours, in memory: a ring of
// 24 slots keyed by the hour they count.
type hourly struct {
	mu    sync.Mutex
	hours [24]int64 // the hour (Unix hours) each slot counts
	count [24]int
}

func (h *hourly) add(now time.Time) {
	hr := now.Unix() / 3600
	i := int(hr % 24)
	h.mu.Lock()
	if h.hours[i] != hr {
		h.hours[i], h.count[i] = hr, 0
	}
	h.count[i]++
	h.mu.Unlock()
}

// last24 returns the counts of the 24 hours ending with now's hour, oldest first.
func (h *hourly) last24(now time.Time) []int {
	out := make([]int, 24)
	cur := now.Unix() / 3600
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range 24 {
		hr := cur - 23 + int64(k)
		if i := int(((hr % 24) + 24) % 24); h.hours[i] == hr {
			out[k] = h.count[i]
		}
	}
	return out
}
