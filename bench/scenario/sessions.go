package scenario

import (
	"context"
	"sync"
	"syscall"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
	"github.com/ftpsd/ftpsd/bench/procfs"
)

// dialMany logs in n sessions, conc at a time. Failed logins leave nil
// slots; it returns the first error seen and how many failed.
func dialMany(ctx context.Context, cfg ftpclient.Config, n, conc int, p *Progress) ([]*ftpclient.Conn, int, error) {
	conns := make([]*ftpclient.Conn, n)
	var errs firstError
	each(n, conc, func(i int) {
		if ctx.Err() != nil {
			return
		}
		c, err := ftpclient.Dial(ctx, cfg)
		if err != nil {
			errs.set(err)
			p.Failed()
			return
		}
		conns[i] = c
		p.Add(1)
	})
	err := errs.get()
	if err == nil {
		err = ctx.Err()
	}
	return conns, errs.count(), err
}

// closeAll closes every session, conc at a time, without QUIT (faster, and
// what matters after a measurement is only that they go).
func closeAll(conns []*ftpclient.Conn) {
	each(len(conns), 64, func(i int) {
		if conns[i] != nil {
			conns[i].Close()
		}
	})
}

// quitAll ends every session with QUIT.
func quitAll(conns []*ftpclient.Conn) {
	each(len(conns), 64, func(i int) {
		if conns[i] != nil {
			_ = conns[i].Quit()
		}
	})
}

// each calls f(0..n-1) on conc goroutines.
func each(n, conc int, f func(int)) {
	conc = max(1, min(conc, n))
	next := make(chan int)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// cpuMeter measures the server's CPU seconds across a run.
type cpuMeter struct {
	read  func() (float64, error)
	start float64
	ok    bool
	// split reads user and kernel time (Target.CPUSplit); its readings
	// at start and at stop give kernelShare.
	split          func() (user, kernel float64, err error)
	user0, kernel0 float64
	splitOK        bool
	share          float64
	shareOK        bool
}

// selfCPU is the generator's own user and system time so far, in seconds
// (0 when getrusage fails, which it does not on Linux).
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func startCPU(t *Target) *cpuMeter {
	m := &cpuMeter{read: t.CPU}
	if m.read == nil && t.PID > 0 {
		m.read = func() (float64, error) { return procfs.CPUSeconds(t.PID) }
	}
	if m.read != nil {
		s, err := m.read()
		m.start, m.ok = s, err == nil
	}
	if m.split = t.CPUSplit; m.split != nil {
		u, k, err := m.split()
		m.user0, m.kernel0, m.splitOK = u, k, err == nil
	}
	return m
}

// kernelShare is the part of the time stop measured that the kernel's
// accounting put in kernel mode, once stop has run; false without a split
// reader or when it accounted nothing.
func (m *cpuMeter) kernelShare() (float64, bool) { return m.share, m.shareOK }

// endSplit takes the split's reading at the end of the measured time.
func (m *cpuMeter) endSplit() {
	if !m.splitOK {
		return
	}
	if u, k, err := m.split(); err == nil {
		m.share, m.shareOK = procfs.KernelShare(m.user0, m.kernel0, u, k)
	}
}

// stop returns the CPU seconds used since start. A server may still be
// finishing a transfer's work after the client saw its end (and /proc
// counts a fork-per-session server's ended sessions only once reaped), so
// stop waits, at most settle, until the count grows by less than a
// millisecond in 100 ms.
func (m *cpuMeter) stop(settle time.Duration) (float64, bool) {
	if !m.ok {
		return 0, false
	}
	deadline := time.Now().Add(settle)
	last, err := m.read()
	if err != nil {
		return 0, false
	}
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		s, err := m.read()
		if err != nil {
			break
		}
		grew := s - last
		last = s
		if grew < 0.001 {
			break
		}
	}
	m.endSplit()
	return last - m.start, true
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// firstError keeps the first error reported from many goroutines.
type firstError struct {
	mu  sync.Mutex
	err error
	n   int
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.n++
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *firstError) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}
