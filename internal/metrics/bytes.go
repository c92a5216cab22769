package metrics

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// liveBytes is ftpsd_transfer_bytes_total, counted live: the bytes of the
// transfers that ended, plus what each running transfer has moved so far
// (its own atomic counter, the one STAT reads), summed at each scrape. A
// download of an hour therefore shows as throughput during the hour, not
// as one step at its end. The sum never goes back: a transfer's count
// only grows, and it moves from running to done under the mutex.
//
// The mutex is taken once when a transfer starts and once when it ends
// (on its worker), and by a scrape for one walk of the running transfers.
type liveBytes struct {
	desc *prometheus.Desc

	mu      sync.Mutex
	done    [directionCount][protectionCount]uint64
	running map[*atomic.Int64]bytesKey
}

type bytesKey struct {
	d Direction
	p Protection
}

func newLiveBytes() *liveBytes {
	return &liveBytes{
		desc: prometheus.NewDesc(namespace+"_transfer_bytes_total",
			"Data-connection payload bytes moved (running transfers included), by direction and protection.",
			[]string{"direction", "protection"}, nil),
		running: make(map[*atomic.Int64]bytesKey),
	}
}

func (b *liveBytes) start(moved *atomic.Int64, k bytesKey) {
	b.mu.Lock()
	b.running[moved] = k
	b.mu.Unlock()
}

func (b *liveBytes) end(moved *atomic.Int64, k bytesKey) {
	n := moved.Load()
	b.mu.Lock()
	delete(b.running, moved)
	if n > 0 {
		b.done[k.d][k.p] += uint64(n)
	}
	b.mu.Unlock()
}

// Describe is part of prometheus.Collector.
func (b *liveBytes) Describe(ch chan<- *prometheus.Desc) { ch <- b.desc }

// Collect is part of prometheus.Collector; it runs on the scrape's
// goroutine.
func (b *liveBytes) Collect(ch chan<- prometheus.Metric) {
	b.mu.Lock()
	sum := b.done
	for moved, k := range b.running {
		if n := moved.Load(); n > 0 {
			sum[k.d][k.p] += uint64(n)
		}
	}
	b.mu.Unlock()
	for d := range directionCount {
		for p := range protectionCount {
			ch <- prometheus.MustNewConstMetric(b.desc, prometheus.CounterValue, float64(sum[d][p]),
				directionNames[d], protectionNames[p])
		}
	}
}
