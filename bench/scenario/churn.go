package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
	"github.com/ftpsd/ftpsd/bench/stats"
)

// ChurnConfig shapes the churn scenario.
type ChurnConfig struct {
	Clients  int // sessions in flight at once
	Duration time.Duration
}

// Name is the case's label, e.g. "8 clients".
func (c ChurnConfig) Name() string { return fmt.Sprintf("%d clients", c.Clients) }

// Churn runs whole short sessions back to back on cfg.Clients goroutines
// for cfg.Duration: connect, AUTH TLS, anonymous login, PBSZ 0, PROT P,
// TYPE I, EPSV, RETR of the 4 KiB file (its data connection resuming the
// session), QUIT. It reports completed sessions per second, the latency of
// a whole session, and the server's and the generator's own CPU
// milliseconds per session.
func Churn(ctx context.Context, t *Target, cfg ChurnConfig, p *Progress) *Result {
	r := newResult(t.Name, "churn", cfg.Name())
	p.Begin(t.Name+" churn", "sessions")
	end := time.Now().Add(cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	ccfg := t.config(t.Read, true)
	var lat stats.Latencies
	var errs firstError
	cpu := startCPU(t)
	client := selfCPU()
	start := time.Now()
	each(cfg.Clients, cfg.Clients, func(int) {
		for ctx.Err() == nil {
			t0 := time.Now()
			if err := oneSession(ctx, ccfg, t.SmallFile); err != nil {
				// Cut by the end of the run, not a failure. The dialer
				// compares the deadline with the clock itself, so on a
				// loaded machine it can fail before ctx's timer has fired
				// and ctx.Err() says so: check the clock too.
				if ctx.Err() != nil || !time.Now().Before(end) {
					return
				}
				errs.set(err)
				p.Failed()
				continue
			}
			lat.Add(time.Since(t0))
			p.Add(1)
		}
	})
	wall := time.Since(start)
	clientSec := selfCPU() - client
	r.Seconds = wall.Seconds()
	n := lat.Len()
	r.Metrics[Sessions] = float64(n)
	r.Metrics[Failed] = float64(errs.count())
	if n > 0 {
		r.Metrics[SessionsPerSec] = float64(n) / wall.Seconds()
		r.Metrics[P50ms] = ms(lat.Percentile(50))
		r.Metrics[P99ms] = ms(lat.Percentile(99))
		r.Metrics[ClientCPUmsPerSession] = clientSec * 1000 / float64(n)
	}
	r.fail(errs.get())
	if s, ok := cpu.stop(2 * time.Second); ok {
		r.Metrics[ServerCPUSec] = s
		if n > 0 {
			r.Metrics[CPUmsPerSession] = s * 1000 / float64(n)
		}
	}
	return r
}

func oneSession(ctx context.Context, cfg ftpclient.Config, file string) error {
	c, err := ftpclient.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	n, err := c.Retr(file)
	if err != nil {
		c.Close()
		return err
	}
	if n != smallSize {
		c.Close()
		return fmt.Errorf("scenario: churn RETR %s: %d bytes, want %d", file, n, smallSize)
	}
	return c.Quit()
}
