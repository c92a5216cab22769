package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric ftpsd exports.
const namespace = "ftpsd"

// TransferBuckets are the transfer-duration histogram's buckets, in
// seconds: from a small file on a LAN to a large one over a slow link.
var TransferBuckets = []float64{0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 60, 300, 900, 3600}

// Metrics is ftpsd's set of collectors. Create it with New; a nil *Metrics
// counts nothing.
type Metrics struct {
	reg *prometheus.Registry

	sessions   [listenerCount][tlsStateCount]prometheus.Gauge
	logins     [loginResultCount][loginMethodCount]prometheus.Counter
	bytes      *liveBytes
	transfers  [directionCount][protectionCount][transferResultCount]prometheus.Counter
	duration   [directionCount]prometheus.Observer
	handshakes [channelCount][handshakeResultCount][versionCount]prometheus.Counter
	resumption [resumptionCount]prometheus.Counter
	rejected   prometheus.Counter

	cmdVec   *prometheus.CounterVec
	cmdOnce  sync.Once
	commands [][5]prometheus.Counter // by verb index (the command table's row), then reply class

	pasvMu sync.Mutex
	pasv   map[string]*atomic.Int64 // by range label

	pool  atomic.Pointer[func() (running, queued, capacity int)]
	bans  atomic.Pointer[func() int]
	drops atomic.Pointer[func() uint64]
}

// New makes the collectors and registers them, with the Go runtime and
// process collectors, on a registry of their own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), pasv: make(map[string]*atomic.Int64)}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)

	sessions := m.gaugeVec("sessions_open", "Control connections open, by listener kind and control-channel TLS state.", "listener", "tls")
	for l := range listenerCount {
		for s := range tlsStateCount {
			m.sessions[l][s] = sessions.WithLabelValues(listenerNames[l], tlsStateNames[s])
		}
	}
	logins := m.counterVec("logins_total", "Logins settled, by result (ok, failed, refused) and method.", "result", "method")
	for r := range loginResultCount {
		for k := range loginMethodCount {
			m.logins[r][k] = logins.WithLabelValues(loginResultNames[r], loginMethodNames[k])
		}
	}
	m.bytes = newLiveBytes()
	m.reg.MustRegister(m.bytes)
	transfers := m.counterVec("transfers_total", "Transfers (files and listings) whose data connection opened, by direction, protection and result.", "direction", "protection", "result")
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "transfer_duration_seconds",
		Help:    "Time from a data connection's open to the end of its transfer, by direction.",
		Buckets: TransferBuckets,
	}, []string{"direction"})
	m.reg.MustRegister(duration)
	for d := range directionCount {
		m.duration[d] = duration.WithLabelValues(directionNames[d])
		for p := range protectionCount {
			for r := range transferResultCount {
				m.transfers[d][p][r] = transfers.WithLabelValues(directionNames[d], protectionNames[p], transferResultNames[r])
			}
		}
	}
	hs := m.counterVec("tls_handshakes_total", "TLS handshakes ended, by channel (control, data), result and protocol version.", "channel", "result", "version")
	for c := range channelCount {
		for r := range handshakeResultCount {
			for v := range versionCount {
				if r == HandshakeFailed && v != versionCount-1 {
					continue // a failed handshake has no version
				}
				m.handshakes[c][r][v] = hs.WithLabelValues(channelNames[c], handshakeResultNames[r], versionNames[v])
			}
		}
	}
	res := m.counterVec("data_tls_resumption_total", "PROT P data connections by what the TLS session-resumption check found.", "result")
	for r := range resumptionCount {
		m.resumption[r] = res.WithLabelValues(resumptionNames[r])
	}
	m.rejected = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "worker_jobs_rejected_total",
		Help: "Jobs refused because every worker was busy (answered 425/450 Server busy)."})
	m.reg.MustRegister(m.rejected)
	m.cmdVec = m.counterVec("commands_total", "Commands answered, by verb and final reply class.", "verb", "class")

	m.reg.MustRegister(
		m.gaugeFunc("worker_jobs_running", "Jobs running on the worker pool.", func() float64 { r, _, _ := m.poolStats(); return float64(r) }),
		m.gaugeFunc("worker_jobs_queued", "Jobs waiting for a worker (the pool refuses rather than queues, so this stays 0 unless that changes).", func() float64 { _, q, _ := m.poolStats(); return float64(q) }),
		m.gaugeFunc("worker_pool_capacity", "Workers the pool may run at once.", func() float64 { _, _, c := m.poolStats(); return float64(c) }),
		m.gaugeFunc("bans_active", "Client addresses (IPv6: /64s) banned for failed logins right now.", func() float64 {
			if f := m.bans.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: namespace, Name: "log_lines_dropped_total",
			Help: "Log lines dropped because a log writer's buffer was full or closed."}, func() float64 {
			if f := m.drops.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		}),
	)
	return m
}

func (m *Metrics) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	m.reg.MustRegister(v)
	return v
}

func (m *Metrics) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
	m.reg.MustRegister(v)
	return v
}

func (m *Metrics) gaugeFunc(name, help string, f func() float64) prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f)
}

func (m *Metrics) poolStats() (running, queued, capacity int) {
	if f := m.pool.Load(); f != nil {
		return (*f)()
	}
	return 0, 0, 0
}

// Registry returns the registry the collectors are on, for tests and for
// an embedder that adds its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's exposition format. It runs
// on the HTTP server's goroutines.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Commands resolves the per-verb series, verbs[i] being the verb of the
// command table's row i, plus OtherVerb after them (CommandOther). Called
// once at start-up; later calls are ignored.
func (m *Metrics) Commands(verbs []string) {
	if m == nil {
		return
	}
	m.cmdOnce.Do(func() {
		all := append(append([]string(nil), verbs...), OtherVerb)
		m.commands = make([][5]prometheus.Counter, len(all))
		for i, v := range all {
			for c := range replyClassNames {
				m.commands[i][c] = m.cmdVec.WithLabelValues(v, replyClassNames[c])
			}
		}
	})
}

// PassiveRange returns the count of open passive listeners of the port
// range lo-hi (0-0: any port), made at the first call for that range.
// Start-up only; the count itself is moved from any goroutine.
func (m *Metrics) PassiveRange(lo, hi uint16) *atomic.Int64 {
	if m == nil {
		return nil
	}
	label := "any"
	if lo != 0 || hi != 0 {
		label = strconv.Itoa(int(lo)) + "-" + strconv.Itoa(int(hi))
	}
	m.pasvMu.Lock()
	defer m.pasvMu.Unlock()
	if n := m.pasv[label]; n != nil {
		return n
	}
	n := new(atomic.Int64)
	m.pasv[label] = n
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "passive_ports_in_use",
		Help:        "Passive data listeners open, by configured port range (any: the kernel picks).",
		ConstLabels: prometheus.Labels{"range": label},
	}, func() float64 { return float64(n.Load()) }))
	return n
}

// WatchPool has scrapes read the worker pool's occupancy from f. Start-up.
func (m *Metrics) WatchPool(f func() (running, queued, capacity int)) {
	if m != nil {
		m.pool.Store(&f)
	}
}

// WatchBans has scrapes read the number of bans in force from f, which
// runs on the scrape's goroutine and may take a mutex. Start-up.
func (m *Metrics) WatchBans(f func() int) {
	if m != nil {
		m.bans.Store(&f)
	}
}

// WatchLogDrops has scrapes read the log lines dropped so far from f.
// Start-up.
func (m *Metrics) WatchLogDrops(f func() uint64) {
	if m != nil {
		m.drops.Store(&f)
	}
}

// SessionOpened counts a control connection admitted on a listener of
// kind l.
func (m *Metrics) SessionOpened(l Listener) {
	if m != nil {
		m.sessions[l][Plain].Inc()
	}
}

// SessionTLS moves a session of listener kind l from one TLS state to
// another.
func (m *Metrics) SessionTLS(l Listener, from, to TLSState) {
	if m != nil && from != to {
		m.sessions[l][from].Dec()
		m.sessions[l][to].Inc()
	}
}

// SessionClosed uncounts a session that was in TLS state s.
func (m *Metrics) SessionClosed(l Listener, s TLSState) {
	if m != nil {
		m.sessions[l][s].Dec()
	}
}

// Login counts a settled login.
func (m *Metrics) Login(r LoginResult, k LoginMethod) {
	if m != nil {
		m.logins[r][k].Inc()
	}
}

// CommandOther is the verb index Command takes for a line that reached no
// command, given the number of rows in the command table.
func CommandOther(rows int) int { return rows }

// Command counts a command's final reply: verb is its row in the command
// table (CommandOther for none), code the reply code. A code outside
// 100-599 is not counted.
func (m *Metrics) Command(verb int, code uint16) {
	if m == nil || verb < 0 || verb >= len(m.commands) || code < 100 || code >= 600 {
		return
	}
	m.commands[verb][code/100-1].Inc()
}

// TransferStarted counts moved, a running transfer's byte counter, in the
// bytes moved until Transfer ends it. Runs on the transfer's worker.
func (m *Metrics) TransferStarted(d Direction, p Protection, moved *atomic.Int64) {
	if m != nil {
		m.bytes.start(moved, bytesKey{d, p})
	}
}

// Transfer counts the end of a transfer whose data connection opened: its
// result, the bytes it moved (moved, as given to TransferStarted, which
// may have been skipped), and how long it took from the data connection's
// open. Runs on the transfer's worker.
func (m *Metrics) Transfer(d Direction, p Protection, r TransferResult, moved *atomic.Int64, took time.Duration) {
	if m == nil {
		return
	}
	m.transfers[d][p][r].Inc()
	m.bytes.end(moved, bytesKey{d, p})
	m.duration[d].Observe(took.Seconds())
}

// HandshakeEnded counts a TLS handshake's end; version is crypto/tls's (0 when
// it failed).
func (m *Metrics) HandshakeEnded(c Channel, r HandshakeResult, version uint16) {
	if m == nil {
		return
	}
	v := versionIndex(version)
	if r == HandshakeFailed {
		v = versionCount - 1
	}
	m.handshakes[c][r][v].Inc()
}

// Resumed counts what a PROT P data connection's resumption check found.
func (m *Metrics) Resumed(r Resumption) {
	if m != nil {
		m.resumption[r].Inc()
	}
}

// JobRejected counts a job the worker pool had no room for.
func (m *Metrics) JobRejected() {
	if m != nil {
		m.rejected.Inc()
	}
}
