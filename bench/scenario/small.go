package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/stats"
)

// SmallConfig shapes the small-files scenario.
type SmallConfig struct {
	Store    bool // STOR, else RETR
	Clients  int
	Duration time.Duration
}

// Name is the case's label, e.g. "STOR 4 KiB x64".
func (c SmallConfig) Name() string { return fmt.Sprintf("%s 4 KiB x%d", c.op(), c.Clients) }

func (c SmallConfig) op() string {
	if c.Store {
		return "STOR"
	}
	return "RETR"
}

// Small logs in cfg.Clients TLS sessions (PROT P) and moves 4 KiB files
// back to back on each for cfg.Duration: files per second and the latency
// of one whole transfer (EPSV, data connection and its resumed handshake,
// the bytes, the final reply). Uploads go to UploadDir as small-C-K.bin,
// a new name each time (the caller removes them).
func Small(ctx context.Context, t *Target, cfg SmallConfig, p *Progress) *Result {
	op := cfg.op()
	r := newResult(t.Name, "small", cfg.Name())
	p.Begin(t.Name+" small "+op+": logging in", "sessions")
	conns, failed, err := dialMany(ctx, t.config(t.login(cfg.Store), true), cfg.Clients, 16, p)
	defer quitAll(conns)
	r.fail(err)
	p.Begin(t.Name+" small "+op, "files")
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var lat stats.Latencies
	var errs firstError
	cpu := startCPU(t)
	start := time.Now()
	each(len(conns), len(conns), func(i int) {
		c := conns[i]
		for k := 0; c != nil && ctx.Err() == nil; k++ {
			t0 := time.Now()
			var n int64
			var err error
			if cfg.Store {
				n, err = c.Stor(t.upload(fmt.Sprintf("small-%d-%d.bin", i, k)), smallSize)
			} else {
				n, err = c.Retr(t.SmallFile)
			}
			if err == nil && n != smallSize {
				err = fmt.Errorf("scenario: small %s: %d bytes, want %d", op, n, smallSize)
			}
			if err != nil {
				errs.set(err)
				p.Failed()
				return
			}
			lat.Add(time.Since(t0))
			p.Add(1)
		}
	})
	wall := time.Since(start)
	r.Seconds = wall.Seconds()
	r.fail(errs.get())
	r.Metrics[Failed] = float64(failed + errs.count())
	if n := lat.Len(); n > 0 {
		r.Metrics[FilesPerSec] = float64(n) / wall.Seconds()
		r.Metrics[P50ms] = ms(lat.Percentile(50))
		r.Metrics[P99ms] = ms(lat.Percentile(99))
	}
	if s, ok := cpu.stop(2 * time.Second); ok && lat.Len() > 0 {
		r.Metrics[ServerCPUSec] = s
	}
	return r
}
