package bench

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat (100 on Linux).
const clockTicks = 100

// sampler measures the CPU time and peak RSS of one or more processes over
// a run (Linux /proc): CPU is summed, and RSS is the peak of the sum.
type sampler struct {
	pids    []int
	start   time.Time
	cpu0    float64
	peakRSS float64
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
}

func startSampling(pids []int) *sampler {
	s := &sampler{pids: pids, start: time.Now(), done: make(chan struct{})}
	if len(pids) == 0 {
		return s
	}
	s.cpu0 = s.cpu()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			s.mu.Lock()
			var rss float64
			for _, pid := range pids {
				rss += RSSMB(pid)
			}
			s.peakRSS = max(s.peakRSS, rss)
			s.mu.Unlock()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop returns the average cores used and the peak RSS in MB.
func (s *sampler) stop() (cores, rssMB float64) {
	if len(s.pids) == 0 {
		return 0, 0
	}
	close(s.done)
	s.wg.Wait()
	cpu := s.cpu() - s.cpu0
	return cpu / time.Since(s.start).Seconds(), s.peakRSS
}

// cpu is the CPU time of every sampled process so far.
func (s *sampler) cpu() float64 {
	var sum float64
	for _, pid := range s.pids {
		sum += CPUSeconds(pid)
	}
	return sum
}

// CPUSeconds is the user+system CPU time of pid so far.
func CPUSeconds(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / clockTicks
}

// RSSMB is the resident memory of pid in MB.
func RSSMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return kb / 1024
			}
		}
	}
	return 0
}
