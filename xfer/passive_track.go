package xfer

import "sync/atomic"

// Track counts the listener in g (the passive_ports_in_use gauge of its
// range) until it closes; nil g counts nothing. Call it at most once,
// right after Listen; it is safe against a close that comes first (the
// Listen timeout, on its timer's goroutine): the listener is then not
// counted at all. Any goroutine.
func (p *Passive) Track(g *atomic.Int64) {
	if g == nil {
		return
	}
	g.Add(1)
	if !p.inUse.CompareAndSwap(nil, g) {
		g.Add(-1) // closed already (closed holds the slot), or tracked twice
	}
}

// closedTrack marks a listener closed for Track: whatever Track stores
// after it finds the slot taken.
var closedTrack = new(atomic.Int64)

// untrack uncounts the listener as it closes; closeListener calls it once.
func (p *Passive) untrack() {
	if g := p.inUse.Swap(closedTrack); g != nil && g != closedTrack {
		g.Add(-1)
	}
}
