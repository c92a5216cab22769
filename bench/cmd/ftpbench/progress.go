package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// display shows the running step on one terminal line, redrawn four times
// a second. Off a terminal it prints nothing; finished steps are logged
// as lines either way.
type display struct {
	p      *scenario.Progress
	prefix string
	tty    bool
	mu     sync.Mutex
	stop   chan struct{}
	done   chan struct{}
}

func newDisplay(p *scenario.Progress) *display {
	fi, err := os.Stderr.Stat()
	d := &display{p: p, tty: err == nil && fi.Mode()&os.ModeCharDevice != 0,
		stop: make(chan struct{}), done: make(chan struct{})}
	go d.loop()
	return d
}

func (d *display) loop() {
	defer close(d.done)
	if !d.tty {
		<-d.stop
		return
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			fmt.Fprint(os.Stderr, "\r\033[K")
			return
		case <-t.C:
			label, unit, n, failed, el := d.p.Snapshot()
			if label == "" {
				continue
			}
			rate := ""
			if s := el.Seconds(); s > 0.2 {
				rate = fmt.Sprintf(" (%s/s)", human(float64(n)/s, unit))
			}
			f := ""
			if failed > 0 {
				f = fmt.Sprintf(", %d failed", failed)
			}
			d.mu.Lock()
			fmt.Fprintf(os.Stderr, "\r\033[K%s%s: %s%s%s %4.1fs", d.prefix, label, human(float64(n), unit), rate, f, el.Seconds())
			d.mu.Unlock()
		}
	}
}

// setPrefix sets what precedes the step, e.g. "[round 2/3] ".
func (d *display) setPrefix(s string) {
	d.mu.Lock()
	d.prefix = s
	d.mu.Unlock()
}

// logf prints a finished line above the progress line.
func (d *display) logf(format string, a ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tty {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	fmt.Fprintf(os.Stderr, format+"\n", a...)
}

func (d *display) close() {
	close(d.stop)
	<-d.done
}

func human(v float64, unit string) string {
	if unit == "bytes" {
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f GB", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.1f MB", v/1e6)
		default:
			return fmt.Sprintf("%.0f kB", v/1e3)
		}
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}
