package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/ftpsd/ftpsd/internal/admin"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
)

// defineAdminFlags defines the admin listener's flags (setup.AdminFlags).
func defineAdminFlags(fs flagSet, o *options) {
	a := &o.flags.Admin
	opt(fs, &a.Listen, fs.StringVar, "admin", "", "serve /metrics (Prometheus), /healthz and /debug/pprof/ on `HOST:PORT`, loopback unless -admin-allow-remote (FTPAdminListen); default: off")
	opt(fs, &a.AllowRemote, fs.BoolVar, "admin-allow-remote", false, "let -admin listen on an address that is not loopback (FTPAdminAllowRemote)")
	opt(fs, &a.Faults, fs.BoolVar, "admin-faults", false, "with -admin: serve /faults, where PUT switches fault injection at run time (the -fault-* flags by name: reply, delay, reset, stall, noaccept, tls-delay, seed), DELETE turns it off")
}

// adminStopWait bounds the admin server's shutdown.
const adminStopWait = 5 * time.Second

// adminRun is the running admin listener and the metrics it serves. A nil
// *adminRun (no -admin) does nothing: the server then has no metrics.
type adminRun struct {
	m     *metrics.Metrics
	srv   *admin.Server
	ready atomic.Bool // every FTP listener is up and the server is not draining
	done  chan error
}

// startAdmin binds the admin listener and serves it on a goroutine of its
// own, with /healthz answering 503 until up. It runs on main's goroutine
// before the FTP server's listeners open, so before privileges are
// dropped. logs' dropped lines are counted in the metrics.
func startAdmin(a setup.Admin, logs *setup.Logs) (*adminRun, error) {
	if a.Listen == "" {
		if a.Faults {
			return nil, fmt.Errorf("-admin-faults: /faults is served by the admin listener: give -admin too")
		}
		return nil, nil
	}
	ln, err := admin.Listen(a.Listen, a.AllowRemote)
	if err != nil {
		if a.At.File != "" {
			return nil, fmt.Errorf("%s: FTPAdminListen: %w", a.At, err)
		}
		return nil, fmt.Errorf("-admin: %w", err)
	}
	r := &adminRun{m: metrics.New(), done: make(chan error, 1)}
	r.m.WatchLogDrops(logs.LogDrops)
	r.srv = admin.New(ln, r.m, r.ready.Load)
	go func() { r.done <- r.srv.Serve() }()
	return r, nil
}

// metrics is what loop.Config.Metrics gets: nil without an admin listener.
func (r *adminRun) metrics() *metrics.Metrics {
	if r == nil {
		return nil
	}
	return r.m
}

// up marks the server ready once every listener is bound, and says where
// the admin listener is.
func (r *adminRun) up(logs *setup.Logs) {
	if r == nil {
		return
	}
	r.ready.Store(true)
	logs.Announce("admin listening", "addr", r.srv.Addr().String())
}

// draining makes /healthz answer 503 while the server stops.
func (r *adminRun) draining() {
	if r != nil {
		r.ready.Store(false)
	}
}

// stop shuts the admin server down after the FTP server stopped.
func (r *adminRun) stop() {
	if r == nil {
		return
	}
	r.ready.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), adminStopWait)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	<-r.done
}

// serveFaults adds /faults to the admin listener when -admin-faults asked
// for it: the running server's fault injection plan, switched at run time.
// The start-up plan (from the -fault-* flags) is in force until then.
func (r *adminRun) serveFaults(a setup.Admin, plan *setup.Plan, srv *loop.Server, log *slog.Logger) {
	if r == nil || !a.Faults {
		return
	}
	var shown atomic.Pointer[string]
	start := plan.FaultsShown(srv.Faults())
	shown.Store(&start)
	r.srv.Handle("/faults", admin.Faults(admin.FaultSwitch{
		Set: func(spec url.Values) (string, error) {
			p, desc, err := setup.FaultPlan(spec, log)
			if err != nil {
				return "", err
			}
			srv.SetFaults(p)
			shown.Store(&desc)
			log.Warn("fault injection switched through the admin listener", "faults", desc)
			return desc, nil
		},
		Clear: func() {
			srv.SetFaults(nil)
			off := "off"
			shown.Store(&off)
			log.Warn("fault injection turned off through the admin listener")
		},
		Show: func() string { return *shown.Load() },
	}))
}
