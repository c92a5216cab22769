package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress redraws one status line on a terminal every second while the
// run lasts: elapsed time, operations done and failed, their rate, the
// open sessions and the throughput. It draws nothing unless standard error
// is a terminal, so logs and CI output stay clean.
type progress struct {
	w    io.Writer
	stop chan struct{}
	done chan struct{}
}

// startProgress starts the line on its own goroutine when w is a terminal
// (and not --quiet); the returned progress's end must be called.
func startProgress(o *options, r *runner, w io.Writer) *progress {
	p := &progress{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	f, ok := w.(*os.File)
	if o.quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		close(p.done)
		return p
	}
	go p.loop(o, r)
	return p
}

func (p *progress) loop(o *options, r *runner) {
	defer close(p.done)
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastBytes int64
	last := start
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K") // erase the line before the report
			return
		case now := <-tick.C:
			done, failed, bytes := r.rec.totals()
			el := now.Sub(start)
			mbs := float64(bytes-lastBytes) / 1e6 / now.Sub(last).Seconds()
			lastBytes, last = bytes, now
			goal := ""
			if o.duration > 0 {
				goal = "/" + o.duration.String()
			}
			if o.count > 0 {
				goal += fmt.Sprintf(" (%d of %d)", o.count-max(0, r.budget.Load()), o.count)
			}
			fmt.Fprintf(p.w, "\r\033[K%s %s%s  ops %d  failed %d  %.0f/s  sessions %d  %.1f MB/s",
				o.scenario, el.Truncate(time.Second), goal, done, failed,
				float64(done)/el.Seconds(), r.sessions.Load(), mbs)
		}
	}
}

// end stops the line and erases it.
func (p *progress) end() {
	select {
	case <-p.done:
		return
	default:
	}
	close(p.stop)
	<-p.done
}
