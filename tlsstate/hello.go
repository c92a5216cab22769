package tlsstate

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

// The first flight. Start does no TLS work: until the client's first record has arrived whole,
// the machine only buffers what the loop feeds it, holding no Semaphore slot and no goroutine, so
// that a client sending half a ClientHello (or nothing) costs the server a buffer and no more. The
// loop bounds that wait (its first-flight deadline) and closes the connection when it passes.
//
// One complete record of type handshake whose first message is a ClientHello is enough to commit.
// A ClientHello may span records (RFC 8446 §5.1 allows handshake messages to be fragmented), but
// every client ftpsd meets sends it in one, even with post-quantum key shares (about 1.5 KB), and
// waiting for the whole message would mean parsing handshake framing across records on the loop.
// A client that sends a first fragment and stalls costs one slot until the handshake deadline, as
// a client that sends a whole ClientHello and stalls does; the per-address cap and the sacrifice
// of the oldest bound both (see Semaphore).

// Content and handshake types of the first record (RFC 8446 §5.1, §4).
const (
	recordTypeHandshake    = 22
	handshakeTypeHello     = 1
	recordVersionMajor     = 3
	maxHelloRecordPlaintxt = MaxHelloRecord - recordHeaderLen
)

// helloReady inspects the buffered input while the machine awaits the first flight. It reports
// whether a complete first record is there, or ErrNotClientHello as soon as the bytes seen cannot
// begin one (garbage after AUTH TLS, a plain FTP command, an HTTP request). Loop goroutine.
func (p *pipe) helloReady() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in == nil {
		return false, nil
	}
	b := (*p.in)[p.r:]
	if len(b) >= 1 && b[0] != recordTypeHandshake {
		return false, fmt.Errorf("%w: record type %d", ErrNotClientHello, b[0])
	}
	if len(b) >= 2 && b[1] != recordVersionMajor {
		return false, fmt.Errorf("%w: record version %d.x", ErrNotClientHello, b[1])
	}
	if len(b) < recordHeaderLen {
		return false, nil
	}
	n := int(binary.BigEndian.Uint16(b[3:recordHeaderLen]))
	if n == 0 || n > maxHelloRecordPlaintxt {
		return false, fmt.Errorf("%w: record length %d", ErrNotClientHello, n)
	}
	if len(b) > recordHeaderLen && b[recordHeaderLen] != handshakeTypeHello {
		return false, fmt.Errorf("%w: handshake type %d", ErrNotClientHello, b[recordHeaderLen])
	}
	return len(b) >= recordHeaderLen+n, nil
}

// AwaitingHello reports whether the machine is in Handshaking but has started no handshake
// goroutine yet: the client's first record is incomplete, or it waits for its address's share of
// Limits.Handshakes. The loop times this phase out (its first-flight deadline).
func (c *Conn) AwaitingHello() bool { return c.state == Handshaking && c.hello }

// commitIfReady starts the handshake goroutine once the first record is complete and a slot of
// Limits.Handshakes is granted: at once (which may sacrifice another connection's handshake), or,
// when the client's address holds its share, once one of that address's handshakes ends (the
// Semaphore wakes the connection, and the loop's Feed comes back here). A first record that is not
// a ClientHello fails the machine. Loop goroutine, called by Feed.
func (c *Conn) commitIfReady() error {
	sl := c.slot.Load()
	if sl == nil && !c.queued {
		ready, err := c.p.helloReady()
		if err != nil {
			c.fail(fmt.Errorf("%w: %w", ErrHandshake, err))
			return c.err
		}
		if !ready {
			return nil
		}
		var granted bool
		sl, granted = c.lim.Handshakes.take(c.peer(), c.p.evict, c.wake)
		c.slot.Store(sl)
		if !granted {
			c.queued = true
			return nil
		}
	} else if !c.lim.Handshakes.granted(sl) {
		return nil // still queued
	}
	c.hello, c.queued = false, false
	c.hsExited = make(chan struct{})
	c.p.begin(c.lim.Timeout())
	go c.handshake(c.tc, sl, c.hsExited)
	return nil
}

// wake is the Semaphore's grant callback for a queued handshake: any goroutine (the one that
// released the slot). The loop then calls Feed, which commits.
func (c *Conn) wake() { _ = c.p.t.Wake(nil) }

// peer is the address the per-address cap counts: Limits.Peer, else the transport's.
func (c *Conn) peer() netip.Addr {
	if c.lim.Peer.IsValid() {
		return c.lim.Peer
	}
	if a, ok := c.p.raddr.(*net.TCPAddr); ok {
		return a.AddrPort().Addr()
	}
	return netip.Addr{}
}
