package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/stats"
)

// ListConfig shapes the listing scenario.
type ListConfig struct {
	Verb     string // MLSD or LIST
	Clients  int
	Duration time.Duration
	Entries  int // entries the directory holds; fewer lines is a failure
}

// Name is the case's label, e.g. "MLSD x4".
func (c ListConfig) Name() string { return fmt.Sprintf("%s x%d", c.Verb, c.Clients) }

// List logs in cfg.Clients TLS sessions (PROT P) and lists ListDir back to
// back on each for cfg.Duration: listings per second and their latency.
func List(ctx context.Context, t *Target, cfg ListConfig, p *Progress) *Result {
	r := newResult(t.Name, "list", cfg.Name())
	p.Begin(t.Name+" "+cfg.Verb+": logging in", "sessions")
	conns, failed, err := dialMany(ctx, t.config(t.Read, true), cfg.Clients, 16, p)
	defer quitAll(conns)
	r.fail(err)
	p.Begin(t.Name+" "+cfg.Verb, "listings")
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var lat stats.Latencies
	var errs firstError
	start := time.Now()
	each(len(conns), len(conns), func(i int) {
		c := conns[i]
		for c != nil && ctx.Err() == nil {
			t0 := time.Now()
			_, lines, err := c.List(cfg.Verb, t.ListDir)
			if err == nil && lines < cfg.Entries {
				err = fmt.Errorf("scenario: %s %s: %d lines, want %d", cfg.Verb, t.ListDir, lines, cfg.Entries)
			}
			if err != nil {
				errs.set(err)
				p.Failed()
				return // the session's state is unknown: stop using it
			}
			lat.Add(time.Since(t0))
			p.Add(1)
		}
	})
	wall := time.Since(start)
	r.Seconds = wall.Seconds()
	r.fail(errs.get())
	r.Metrics[Failed] = float64(failed + errs.count())
	if n := lat.Len(); n > 0 { // none: not a rate of 0 but a failure (vsftpd has no MLSD)
		r.Metrics[ListingsPerSec] = float64(n) / wall.Seconds()
		r.Metrics[P50ms] = ms(lat.Percentile(50))
		r.Metrics[P99ms] = ms(lat.Percentile(99))
	}
	return r
}
