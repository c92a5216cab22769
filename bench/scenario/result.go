package scenario

// Metric names, with their units in the name. Reports look them up.
const (
	Sessions          = "sessions"
	RSSPerSessionKiB  = "rss_per_session_kib"
	PSSPerSessionKiB  = "pss_per_session_kib"
	NoopP50ms         = "noop_p50_ms"
	NoopP99ms         = "noop_p99_ms"
	SessionsPerSec    = "sessions_per_s"
	P50ms             = "p50_ms"
	P99ms             = "p99_ms"
	MBPerSec          = "mb_per_s" // 10^6 bytes per second
	CPUSecPerGB       = "cpu_s_per_gb"
	ClientCPUSecPerGB = "client_cpu_s_per_gb" // the generator's own
	// KernelCPUSecPerGB is the part of CPUSecPerGB the server spent in the
	// kernel (system time), by the share its tick-based accounting gives.
	KernelCPUSecPerGB = "kernel_cpu_s_per_gb"
	CPUmsPerSession   = "cpu_ms_per_session"
	// ClientCPUmsPerSession is the generator's own CPU per churn session.
	ClientCPUmsPerSession = "client_cpu_ms_per_session"
	// KernelCPUmsPerSession is the part of CPUmsPerSession in the kernel.
	KernelCPUmsPerSession = "kernel_cpu_ms_per_session"
	ListingsPerSec        = "listings_per_s"
	FilesPerSec           = "files_per_s"
	Failed                = "failed"
	BytesMoved            = "bytes"
	ServerCPUSec          = "server_cpu_s"
	ServerProcsAtPeak     = "server_procs"
	// RSSAfterClosePct is the server's RSS IdleConfig.Return after the
	// idle sessions closed, as a percentage of its RSS before they opened.
	RSSAfterClosePct = "rss_after_close_pct"
	// RSSAfterCloseFloorPct is the best RSSAfterClosePct could reach, from
	// the same run: the RSS before, plus what the Go runtime's metadata
	// (counted as mapped) and the file pages (the executable's) grew by
	// between before and after, neither of which the process gives back.
	// Only for a target with Runtime.
	RSSAfterCloseFloorPct = "rss_after_close_floor_pct"
	// HeapAfterClosePct is the Go heap in use after the sessions closed,
	// as a percentage of before: what the server itself still holds.
	HeapAfterClosePct = "heap_after_close_pct"
)

// Result is one run of one scenario case against one server.
type Result struct {
	Server   string `json:"server"`
	Scenario string `json:"scenario"` // idle, churn, bulk, list, small
	Case     string `json:"case"`     // e.g. "RETR PROT P x8"
	Round    int    `json:"round"`
	// Cert is the kind of certificate (peers.RSA or peers.ECDSA) every
	// server presented when the case ran; "" in reports from before
	// issue 20, which all ran with RSA.
	Cert    string             `json:"cert,omitempty"`
	Metrics map[string]float64 `json:"metrics"`
	Err     string             `json:"error,omitempty"` // the first failure seen, if any
	Seconds float64            `json:"seconds"`         // wall time of the measured part
	// PageCache is set by bulk uploads only: "dropped" when the page cache
	// was dropped before the case, else why it was not.
	PageCache string `json:"page_cache,omitempty"`
	// Prefaulted is set by bulk uploads only: the bytes of memory ftpbench
	// touched and freed just before the case (see prefault); 0 when none.
	Prefaulted int64 `json:"prefaulted,omitempty"`
}

// PageCacheDropped is Result.PageCache when the drop worked.
const PageCacheDropped = "dropped"

func newResult(server, scenario, cas string) *Result {
	return &Result{Server: server, Scenario: scenario, Case: cas, Metrics: map[string]float64{}}
}

// fail records err as the result's first error.
func (r *Result) fail(err error) {
	if err != nil && r.Err == "" {
		r.Err = err.Error()
	}
}
