package main

import (
	"slices"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to one hour with three
// significant digits: an HDR histogram keeps percentiles exact to 0.1%
// in fixed memory (about 40 KiB per operation) however long the run, where
// keeping every sample (bench/stats) would grow without end.
const (
	histMinUS = 1
	histMaxUS = int64(time.Hour / time.Microsecond)
	histSig   = 3
)

// recorder collects what every client did, per operation name ("login",
// "RETR", "RETR 1M" …). Its methods are safe for concurrent use: clients
// record from their own goroutines while the progress line and the
// Prometheus endpoint read.
type recorder struct {
	mu  sync.Mutex
	ops map[string]*opStats
	// firstErr is the first failure seen, for the report.
	firstErr string
	// observe, when set, also receives every sample (the Prometheus
	// collectors); it runs under no lock of the recorder.
	observe func(op string, d time.Duration, bytes int64, err error)
}

// opStats is one operation's tally.
type opStats struct {
	count, errors, bytes int64
	hist                 *hdrhistogram.Histogram
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

// record counts one operation that took d and moved bytes; a failed one
// (err != nil) counts as an error and its latency is not recorded, so that
// fast refusals do not flatter the percentiles.
func (r *recorder) record(op string, d time.Duration, bytes int64, err error) {
	r.mu.Lock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{hist: hdrhistogram.New(histMinUS, histMaxUS, histSig)}
		r.ops[op] = s
	}
	s.bytes += bytes
	if err != nil {
		s.errors++
		if r.firstErr == "" {
			r.firstErr = op + ": " + err.Error()
		}
	} else {
		s.count++
		us := max(histMinUS, min(d.Microseconds(), histMaxUS))
		_ = s.hist.RecordValue(us) // in range by the clamp above
	}
	r.mu.Unlock()
	if r.observe != nil {
		r.observe(op, d, bytes, err)
	}
}

// opSummary is one operation in the report (JSON field names are part of
// the command's interface: README documents them).
type opSummary struct {
	Op       string  `json:"op"`
	Count    int64   `json:"count"`  // completed
	Errors   int64   `json:"errors"` // failed
	Bytes    int64   `json:"bytes"`  // moved, failed transfers included
	PerSec   float64 `json:"per_s"`
	MBPerSec float64 `json:"mb_per_s,omitempty"` // 10^6 bytes per second
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
}

// summary returns every operation's tally over elapsed, sorted by name.
func (r *recorder) summary(elapsed time.Duration) []opSummary {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]opSummary, 0, len(r.ops))
	sec := elapsed.Seconds()
	for name, s := range r.ops {
		o := opSummary{Op: name, Count: s.count, Errors: s.errors, Bytes: s.bytes}
		if sec > 0 {
			o.PerSec = float64(s.count) / sec
			if s.bytes > 0 {
				o.MBPerSec = float64(s.bytes) / 1e6 / sec
			}
		}
		if s.count > 0 {
			o.P50ms = usToMs(s.hist.ValueAtQuantile(50))
			o.P90ms = usToMs(s.hist.ValueAtQuantile(90))
			o.P99ms = usToMs(s.hist.ValueAtQuantile(99))
			o.MaxMs = usToMs(s.hist.Max())
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b opSummary) int { return compareOps(a.Op, b.Op) })
	return out
}

// totals is the number of completed and failed operations of every name.
func (r *recorder) totals() (done, failed, bytes int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.ops {
		done += s.count
		failed += s.errors
		bytes += s.bytes
	}
	return done, failed, bytes
}

// count is the completed operations named op.
func (r *recorder) count(op string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.ops[op]; s != nil {
		return s.count
	}
	return 0
}

func (r *recorder) firstError() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstErr
}

func usToMs(us int64) float64 { return float64(us) / 1000 }

// opRank places the login first, a churn session next, QUIT last and
// every other operation between them.
func opRank(op string) int {
	switch op {
	case opLogin:
		return 0
	case opSession:
		return 1
	case opQuit:
		return 3
	}
	return 2
}

// compareOps orders operations for the table: login, session, the
// scenario's verbs, QUIT; sizes of one verb ("RETR 1K", "RETR 1M") by their
// size rather than as text.
func compareOps(a, b string) int {
	if ra, rb := opRank(a), opRank(b); ra != rb {
		return ra - rb
	}
	av, as, _ := cutSize(a)
	bv, bs, _ := cutSize(b)
	if av != bv {
		if av < bv {
			return -1
		}
		return 1
	}
	switch {
	case as < bs:
		return -1
	case as > bs:
		return 1
	}
	return 0
}

// cutSize splits "RETR 1M" into "RETR" and 1 MiB; a name without a size
// has size -1.
func cutSize(op string) (string, int64, bool) {
	for i := len(op) - 1; i >= 0; i-- {
		if op[i] == ' ' {
			if n, err := parseSize(op[i+1:]); err == nil {
				return op[:i], n, true
			}
			break
		}
	}
	return op, -1, false
}
