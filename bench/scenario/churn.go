package scenario

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
	"github.com/ftpsd/ftpsd/bench/stats"
)

// ChurnConfig shapes the churn scenario.
type ChurnConfig struct {
	Clients  int // sessions in flight at once
	Duration time.Duration
	// X25519 makes the client offer classical groups only (X25519, P-256),
	// as OpenSSL 3.0's curl and lftp do, instead of Go's default, which
	// adds the post-quantum hybrid X25519MLKEM768: every server then does
	// the same key exchange.
	X25519 bool
}

// X25519Suffix ends the name of a churn case whose client offers no
// post-quantum group.
const X25519Suffix = ", X25519 offered"

// Name is the case's label, e.g. "8 clients" or "8 clients, X25519 offered".
func (c ChurnConfig) Name() string {
	if c.X25519 {
		return fmt.Sprintf("%d clients%s", c.Clients, X25519Suffix)
	}
	return fmt.Sprintf("%d clients", c.Clients)
}

// classicalGroups are what the X25519 case's client offers.
var classicalGroups = []tls.CurveID{tls.X25519, tls.CurveP256}

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
	if cfg.X25519 && ccfg.TLS != nil {
		ccfg.TLS = ccfg.TLS.Clone()
		ccfg.TLS.CurvePreferences = classicalGroups
	}
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
			if k, ok := cpu.kernelShare(); ok {
				r.Metrics[KernelCPUmsPerSession] = k * s * 1000 / float64(n)
			}
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
