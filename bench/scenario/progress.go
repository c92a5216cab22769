package scenario

import (
	"sync/atomic"
	"time"
)

// Progress is what a running scenario reports for a display to poll: a
// label, a count of work done and the time it started. The zero value is
// ready; a nil *Progress discards updates.
type Progress struct {
	label atomic.Pointer[string]
	unit  atomic.Pointer[string]
	done  atomic.Int64
	fail  atomic.Int64
	start atomic.Int64
}

// Begin starts a new step.
func (p *Progress) Begin(label, unit string) {
	if p == nil {
		return
	}
	p.label.Store(&label)
	p.unit.Store(&unit)
	p.done.Store(0)
	p.fail.Store(0)
	p.start.Store(time.Now().UnixNano())
}

// Add counts n units done.
func (p *Progress) Add(n int64) {
	if p != nil {
		p.done.Add(n)
	}
}

// Failed counts one failure.
func (p *Progress) Failed() {
	if p != nil {
		p.fail.Add(1)
	}
}

// Snapshot returns the current step, its count, failures and elapsed time.
func (p *Progress) Snapshot() (label, unit string, done, failed int64, elapsed time.Duration) {
	if l := p.label.Load(); l != nil {
		label = *l
	}
	if u := p.unit.Load(); u != nil {
		unit = *u
	}
	if s := p.start.Load(); s != 0 {
		elapsed = time.Since(time.Unix(0, s))
	}
	return label, unit, p.done.Load(), p.fail.Load(), elapsed
}
