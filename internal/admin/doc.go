// Package admin is ftpsd's admin listener: an HTTP server, off by default,
// that serves /metrics (internal/metrics' registry), /healthz (200 while
// every FTP listener is up, 503 before and while draining) and the
// runtime profiles under /debug/pprof/.
//
// It runs net/http on goroutines of its own, never on an event loop; the
// FTP server only moves atomics the handlers read. Listen refuses an
// address that is not loopback unless told otherwise: the metrics name
// users' activity and pprof can be made to spend CPU, so exposing them is
// the operator's explicit choice (and then belongs behind a firewall or a
// reverse proxy that authenticates).
package admin
