package main

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
)

// runner holds what every client of one run shares.
type runner struct {
	o   *options
	rec *recorder
	cfg ftpclient.Config
	// budget is the operations left with --count; nil without it.
	budget *atomic.Int64
	// sessions is the number of logged-in sessions now (progress, metrics).
	sessions atomic.Int64
	// dialing bounds the logins in flight (--dial-concurrency).
	dialing chan struct{}
	// verified counts transfers --verify checked and found exact.
	verified atomic.Int64
}

func newRunner(o *options, rec *recorder) *runner {
	r := &runner{o: o, rec: rec, dialing: make(chan struct{}, o.dialConc)}
	r.cfg = ftpclient.Config{Addr: o.addr, User: o.user, Pass: o.pass, ProtP: !o.protC,
		Timeout: o.timeout, DataTimeout: o.dataTO, Implicit: o.tlsMode == tlsImplicit}
	if o.tlsMode != tlsNone {
		name := o.serverName
		if name == "" {
			if host, _, err := net.SplitHostPort(o.addr); err == nil && net.ParseIP(host) == nil {
				name = host
			}
		}
		r.cfg.TLS = &tls.Config{InsecureSkipVerify: o.insecure, ServerName: name}
	}
	if o.count > 0 {
		r.budget = new(atomic.Int64)
		r.budget.Store(o.count)
	}
	return r
}

// take claims one operation of the scenario; false when --count is spent
// or the run is over.
func (r *runner) take(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	return r.budget == nil || r.budget.Add(-1) >= 0
}

// run starts o.clients clients of the scenario and waits for them all.
// Operations in flight when the duration ends are finished, not cut:
// the run's wall time includes them. Runs on the main goroutine.
func (r *runner) run(ctx context.Context) time.Duration {
	client := scenarioFunc(r.o.scenario)
	if r.o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.o.duration)
		defer cancel()
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range r.o.clients {
		wg.Go(func() { client(ctx, r, i) })
	}
	wg.Wait()
	return time.Since(start)
}

// dial logs one session in, recorded as "login"; it waits for a slot
// under --dial-concurrency. A login cut by the end of the run is not a
// failure: it returns nil, nil. Runs on a client's goroutine.
func (r *runner) dial(ctx context.Context) (*ftpclient.Conn, error) {
	select {
	case r.dialing <- struct{}{}:
	case <-ctx.Done():
		return nil, nil
	}
	defer func() { <-r.dialing }()
	t0 := time.Now()
	c, err := ftpclient.Dial(ctx, r.cfg)
	if err != nil && ended(ctx) {
		return nil, nil
	}
	r.rec.record(opLogin, time.Since(t0), 0, err)
	if err != nil {
		return nil, err
	}
	r.sessions.Add(1)
	return c, nil
}

// ended reports whether the run is over. The dialer compares ctx's
// deadline with the clock itself, so on a loaded machine a login can fail
// with an i/o timeout before ctx's timer has fired and ctx.Err() says so:
// the clock is checked too.
func ended(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// quit ends a session with QUIT, recorded.
func (r *runner) quit(c *ftpclient.Conn) {
	t0 := time.Now()
	err := c.Quit()
	r.rec.record(opQuit, time.Since(t0), 0, err)
	r.sessions.Add(-1)
}

// drop closes a session whose state is unknown after a failure.
func (r *runner) drop(c *ftpclient.Conn) {
	c.Close()
	r.sessions.Add(-1)
}

// backoff pauses a client after a failure, so that a server that refuses
// everything is not hammered in a tight loop; false when the run ended.
func backoff(ctx context.Context) bool {
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
