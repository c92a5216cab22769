package metrics

import "github.com/prometheus/client_golang/prometheus"

// WatchFaults exports ftpsd_faults_injected_total{kind}, one series per
// kind of fault, read at scrape time from count (the fault plan's own
// atomic counters: nothing is counted twice on the hot path). kinds are
// the label values, count's argument their index. Start-up only; call it
// at most once.
func (m *Metrics) WatchFaults(kinds []string, count func(kind int) int64) {
	if m == nil {
		return
	}
	for i, k := range kinds {
		i := i
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "ftpsd_faults_injected_total",
			Help:        "Faults injected on purpose (-fault-* flags), by kind.",
			ConstLabels: prometheus.Labels{"kind": k},
		}, func() float64 { return float64(count(i)) }))
	}
}
