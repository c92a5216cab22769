package peers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// runtimeMetadata are the Go collector's gauges of the runtime's own
// structures: span structures, per-P caches, GC metadata, profiling
// buckets and the rest. The runtime sizes them for the heap's peak and
// keeps them for the process's life.
var runtimeMetadata = []string{
	"go_memstats_mspan_sys_bytes",
	"go_memstats_mcache_sys_bytes",
	"go_memstats_gc_sys_bytes",
	"go_memstats_buck_hash_sys_bytes",
	"go_memstats_other_sys_bytes",
}

// RuntimeMemory reads the Go runtime's memory figures from the server's
// metrics listener (Admin); an error when it has none.
func (r *Running) RuntimeMemory() (scenario.RuntimeMemory, error) {
	if r.Admin == "" {
		return scenario.RuntimeMemory{}, fmt.Errorf("peers: %s serves no metrics", r.Peer.Name)
	}
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + r.Admin + "/metrics")
	if err != nil {
		return scenario.RuntimeMemory{}, fmt.Errorf("peers: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return scenario.RuntimeMemory{}, fmt.Errorf("peers: %s /metrics: %s", r.Peer.Name, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return scenario.RuntimeMemory{}, fmt.Errorf("peers: %s /metrics: %w", r.Peer.Name, err)
	}
	gauge := func(name string) (int64, error) {
		f := fams[name]
		if f == nil || len(f.Metric) != 1 || f.Metric[0].Gauge == nil {
			return 0, fmt.Errorf("peers: %s /metrics has no gauge %s", r.Peer.Name, name)
		}
		return int64(f.Metric[0].Gauge.GetValue()), nil
	}
	var m scenario.RuntimeMemory
	if m.HeapInuse, err = gauge("go_memstats_heap_inuse_bytes"); err != nil {
		return m, err
	}
	for _, name := range runtimeMetadata {
		v, err := gauge(name)
		if err != nil {
			return m, err
		}
		m.Metadata += v
	}
	return m, nil
}
