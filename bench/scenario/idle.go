package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/procfs"
	"github.com/ftpsd/ftpsd/bench/stats"
)

// IdleConfig shapes the idle scenario.
type IdleConfig struct {
	Sessions int // logged-in TLS sessions held at once
	// Settle is how long the sessions sit idle before memory is read, so
	// that the server's post-login work (and a Go server's GC) has run.
	Settle time.Duration
	// Return, when set, is how long after closing every session the
	// server's memory is read again: does it give back what they held?
	Return time.Duration
}

// Name is the case's label, e.g. "256 sessions".
func (c IdleConfig) Name() string { return fmt.Sprintf("%d sessions", c.Sessions) }

// Logins in flight while the idle sessions log in, and NOOPs in flight
// while their latency is measured (the report says "8 at a time").
const (
	idleDialConc = 64
	idleNoopConc = 8
)

// Idle logs in cfg.Sessions TLS sessions (PROT P), holds them, reads the
// server's memory, then sends one NOOP on every session and records its
// latency. Memory per session is the growth of the server tree's RSS and
// PSS over its memory before the first login, divided by the sessions held.
func Idle(ctx context.Context, t *Target, cfg IdleConfig, p *Progress) *Result {
	r := newResult(t.Name, "idle", cfg.Name())
	var before procfs.Memory
	var runtimeBefore RuntimeMemory
	measured := t.PID > 0
	if measured {
		var err error
		if before, err = procfs.TreeMemory(t.PID); err != nil {
			r.fail(err)
			measured = false
		}
		// After the RSS, so that the scrape's own allocations are not in it.
		if t.Runtime != nil && cfg.Return > 0 {
			runtimeBefore, err = t.Runtime()
			r.fail(err)
		}
	}
	p.Begin(t.Name+" idle: logging in", "sessions")
	start := time.Now()
	conns, failed, err := dialMany(ctx, t.config(t.Read, true), cfg.Sessions, idleDialConc, p)
	defer closeAll(conns)
	r.fail(err)
	held := cfg.Sessions - failed
	r.Metrics[Sessions] = float64(held)
	r.Metrics[Failed] = float64(failed)
	select {
	case <-time.After(cfg.Settle):
	case <-ctx.Done():
	}
	if measured && held > 0 {
		after, err := procfs.TreeMemory(t.PID)
		if err != nil {
			r.fail(err)
		} else {
			r.Metrics[RSSPerSessionKiB] = float64(after.RSS-before.RSS) / 1024 / float64(held)
			r.Metrics[PSSPerSessionKiB] = float64(after.PSS-before.PSS) / 1024 / float64(held)
			r.Metrics[ServerProcsAtPeak] = float64(after.Procs)
		}
	}
	p.Begin(t.Name+" idle: NOOP on every session", "NOOPs")
	var lat stats.Latencies
	var errs firstError
	each(len(conns), idleNoopConc, func(i int) {
		c := conns[i]
		if c == nil || ctx.Err() != nil {
			return
		}
		t0 := time.Now()
		if err := c.Noop(); err != nil {
			p.Failed()
			errs.set(err)
			return
		}
		lat.Add(time.Since(t0))
		p.Add(1)
	})
	r.fail(errs.get())
	r.Metrics[NoopP50ms] = ms(lat.Percentile(50))
	r.Metrics[NoopP99ms] = ms(lat.Percentile(99))
	r.Metrics[Failed] += float64(held - lat.Len())
	if measured && cfg.Return > 0 && before.RSS > 0 {
		p.Begin(t.Name+" idle: closed, waiting for memory to return", "s")
		closeAll(conns)
		for i := range conns {
			conns[i] = nil // the deferred closeAll has nothing left to do
		}
		select {
		case <-time.After(cfg.Return):
		case <-ctx.Done():
		}
		if after, err := procfs.TreeMemory(t.PID); err != nil {
			r.fail(err)
		} else {
			r.Metrics[RSSAfterClosePct] = 100 * float64(after.RSS) / float64(before.RSS)
			if runtimeBefore.HeapInuse > 0 {
				runtimeAfter, err := t.Runtime()
				r.fail(err)
				if err == nil {
					floorAfterClose(r, before, after, runtimeBefore, runtimeAfter)
				}
			}
		}
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

// floorAfterClose records how low the RSS after close could be, and how
// much of the Go heap the server still holds. The floor counts what no
// process gives back: the Go runtime's metadata, which it sizes for the
// heap's peak and keeps, and file pages (the executable's code the
// sessions ran), which the kernel keeps while memory is plentiful.
func floorAfterClose(r *Result, before, after procfs.Memory, rb, ra RuntimeMemory) {
	kept := max(0, ra.Metadata-rb.Metadata) + max(0, after.File()-before.File())
	r.Metrics[RSSAfterCloseFloorPct] = 100 * float64(before.RSS+kept) / float64(before.RSS)
	r.Metrics[HeapAfterClosePct] = 100 * float64(ra.HeapInuse) / float64(rb.HeapInuse)
}
