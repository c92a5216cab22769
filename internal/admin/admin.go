package admin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/internal/metrics"
)

// ErrRemote is returned by Listen for an address that is not loopback
// when remote access was not allowed.
var ErrRemote = errors.New("admin: address is not loopback (allow it with -admin-allow-remote or FTPAdminAllowRemote on)")

// readHeaderTimeout bounds a client's request headers; a profile's own
// duration (?seconds=) bounds the longest response, so there is no write
// timeout.
const readHeaderTimeout = 10 * time.Second

// Loopback reports whether host (the host part of an admin address) is a
// loopback address: an IP literal in 127.0.0.0/8 or ::1, or "localhost".
// An empty host (every address) is not.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.Unmap().IsLoopback()
}

// Listen binds the admin listener on addr (host:port). Unless allowRemote
// is set, the host must be loopback (see Loopback). It runs at start-up,
// before privileges are dropped, so a port below 1024 works.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("admin: listen address %q: %w", addr, err)
	}
	if !allowRemote && !Loopback(host) {
		return nil, fmt.Errorf("%w: %s", ErrRemote, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: listen %s: %w", addr, err)
	}
	return ln, nil
}

// Server is the admin HTTP server.
type Server struct {
	http *http.Server
	ln   net.Listener
	mux  *http.ServeMux
}

// Handle adds a handler once the server is up (ServeMux is safe for
// that): main adds /faults when the FTP server exists. Any goroutine.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// New makes the admin server on ln: m's metrics (nil: /metrics answers
// 404), ready says whether /healthz answers 200. ready runs on the
// request's goroutine and must not block.
func New(ln net.Listener, m *metrics.Metrics, ready func() bool) *Server {
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("GET /metrics", m.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if ready == nil || !ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	// The pprof handlers on this mux only: importing net/http/pprof also
	// registers them on http.DefaultServeMux, which nothing here serves.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &Server{ln: ln, mux: mux, http: &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}}
}

// Addr is the address the admin server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve serves until Shutdown; it returns nil then. Run it on a goroutine
// of its own.
func (s *Server) Serve() error {
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("admin: %w", err)
}

// Shutdown stops the server, letting requests in flight finish until ctx
// ends. Any goroutine.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("admin: shutdown: %w", err)
	}
	return nil
}
