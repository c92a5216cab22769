package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the --metrics-listen endpoint: the run's counters and a
// latency histogram per operation in the Prometheus text format, built
// with client_golang (a scrape format that many tools read is not worth
// hand-writing), on a registry of its own so that nothing of the Go
// runtime's collectors mixes with the run's figures.
type metrics struct {
	ops      *prometheus.CounterVec
	bytes    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	srv      *http.Server
	ln       net.Listener
}

// newMetrics registers the collectors and listens on addr (before the run
// starts, so a bad address fails at once); serve starts answering.
func newMetrics(addr string, r *runner) (*metrics, error) {
	m := &metrics{
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ftpsd_load_operations_total",
			Help: "Operations ftpsd-load finished, by operation and result (ok or error).",
		}, []string{"op", "result"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ftpsd_load_bytes_total",
			Help: "Bytes transferred (and listed), by operation.",
		}, []string{"op"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ftpsd_load_operation_duration_seconds",
			Help:    "Latency of successful operations.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 22), // 100 µs to 210 s
		}, []string{"op"}),
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.ops, m.bytes, m.duration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ftpsd_load_sessions",
			Help: "Sessions logged in now.",
		}, func() float64 { return float64(r.sessions.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ftpsd_load_clients",
			Help: "Clients the run started (--clients).",
		}, func() float64 { return float64(r.o.clients) }),
	)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.ln = ln
	return m, nil
}

// observe is the recorder's hook: every operation, as it ends. Runs on the
// client goroutine that made it.
func (m *metrics) observe(op string, d time.Duration, bytes int64, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	} else {
		m.duration.WithLabelValues(op).Observe(d.Seconds())
	}
	m.ops.WithLabelValues(op, result).Inc()
	if bytes > 0 {
		m.bytes.WithLabelValues(op).Add(float64(bytes))
	}
}

// serve answers scrapes on its own goroutine until close.
func (m *metrics) serve() {
	go func() { _ = m.srv.Serve(m.ln) }() // returns http.ErrServerClosed at close
}

func (m *metrics) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = m.srv.Shutdown(ctx)
}
