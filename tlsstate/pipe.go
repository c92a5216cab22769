package tlsstate

import (
	"bytes"
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// pipe is the in-memory net.Conn under a Conn's tls.Conn.
//
// Reads hand crypto/tls at most one TLS record per call: crypto/tls reads ahead into its own buffer,
// and after CCC a plaintext command pipelined behind the peer's close_notify would vanish into it.
// When no input is ready a read either returns wouldBlock (loop mode) or waits on cond (while the
// handshake goroutine owns the tls.Conn, because a handshake cannot resume after an error).
//
// Writes never fail while the connection is open: during the handshake they go straight to the
// transport with AsyncWrite, afterwards they are appended to out for the loop to take.
//
// Every field is guarded by mu: the handshake goroutine, the loop, gnet's AsyncWrite callbacks (on
// the loop), the deadline timer, another connection's loop sacrificing this handshake (evict) and
// Close (any goroutine) all meet here.
type pipe struct {
	mu   sync.Mutex
	cond sync.Cond

	// Input: the unread bytes are (*in)[r:].
	in      *[]byte
	r       int
	recLeft int   // bytes of the current record not yet handed over; 0 at a record boundary
	max     int   // Limits.Pending()
	rerr    error // permanent read error: deadline, eviction, Close or ErrRecordTooLarge
	// blocking makes Read wait for input instead of returning wouldBlock.
	blocking bool

	// Output.
	t         Transport
	async     bool // writes go to t.AsyncWrite (handshake flights)
	inflight  int  // AsyncWrites whose callback has not run yet
	onWritten gnet.AsyncCallback
	out       *[]byte

	// Handshake bookkeeping, published by the goroutine and read by Poll.
	hsDone bool
	hsErr  error
	timer  *time.Timer

	closed       bool
	laddr, raddr net.Addr
}

func (p *pipe) init(t Transport, max int) {
	p.cond.L = &p.mu
	p.t = t
	p.max = max
	p.onWritten = p.written
	p.laddr, p.raddr = pipeAddr{}, pipeAddr{}
}

// begin switches the pipe to handshake mode and arms the deadline. Called on the loop by Start,
// before the handshake goroutine exists.
func (p *pipe) begin(timeout time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blocking, p.async = true, true
	p.timer = time.AfterFunc(timeout, func() { p.expire() })
}

// expire runs on the timer's goroutine. It does nothing once the handshake has ended.
func (p *pipe) expire() { p.abandon(ErrHandshakeTimeout) }

// evict fails the handshake because a newer one took its Semaphore slot. It runs on whichever
// loop goroutine committed that newer handshake.
func (p *pipe) evict() { p.abandon(ErrHandshakeEvicted) }

// abandon makes the handshake goroutine's next read fail with err, unless the handshake has
// ended already. Any goroutine.
func (p *pipe) abandon(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hsDone || p.rerr != nil {
		return
	}
	p.rerr = err
	p.cond.Broadcast()
}

// finish publishes the handshake outcome and, unless flights are still queued in the transport,
// wakes the loop. Otherwise the last AsyncWrite callback does: the loop must not see the outcome
// before the last flight is in the socket, or its first encrypted write could overtake a session
// ticket and break the record sequence.
func (p *pipe) finish(err error) {
	p.mu.Lock()
	switch {
	case err == nil && p.rerr == ErrHandshakeEvicted:
		// Sacrificed just after it had succeeded: its slot has gone to the newcomer
		// already, and the session it made is as good as any.
		p.rerr = nil
	case err == nil && p.rerr != nil:
		// The deadline or Close won the race with a handshake that had just ended.
		err = p.rerr
	}
	p.hsDone, p.hsErr = true, err
	p.blocking, p.async = false, false
	if p.timer != nil {
		// Dropped, not only stopped: an idle session should not keep it.
		p.timer.Stop()
		p.timer = nil
	}
	wake := p.inflight == 0 && !p.closed
	t := p.t
	p.mu.Unlock()
	if wake {
		_ = t.Wake(nil)
	}
}

// written is the AsyncWrite callback; gnet runs it on the loop once the bytes are in the socket or
// its outbound buffer.
func (p *pipe) written(gnet.Conn, error) error {
	p.mu.Lock()
	p.inflight--
	wake := p.hsDone && p.inflight == 0 && !p.closed
	t := p.t
	p.mu.Unlock()
	if wake {
		_ = t.Wake(nil)
	}
	return nil
}

// outcome reports whether the handshake is over and all its flights were written.
func (p *pipe) outcome() (done bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hsDone && p.inflight == 0, p.hsErr
}

func (p *pipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.rerr != nil {
			return 0, p.rerr
		}
		if n, err := p.readRecordLocked(b); n > 0 || err != nil {
			return n, err
		}
		if !p.blocking {
			return 0, errWouldBlock
		}
		p.cond.Wait()
	}
}

// readRecordLocked copies input up to the end of the current record. At a record boundary it waits
// (returns 0) until the whole 5-byte header is buffered, since the header says where the record ends.
func (p *pipe) readRecordLocked(b []byte) (int, error) {
	if p.in == nil {
		return 0, nil
	}
	avail := (*p.in)[p.r:]
	if p.recLeft == 0 {
		if len(avail) < recordHeaderLen {
			return 0, nil
		}
		n := recordHeaderLen + int(binary.BigEndian.Uint16(avail[3:recordHeaderLen]))
		if n > MaxRecord {
			p.rerr = ErrRecordTooLarge
			return 0, p.rerr
		}
		p.recLeft = n
	}
	n := copy(b, avail[:min(len(avail), p.recLeft)])
	p.r += n
	p.recLeft -= n
	p.dropReadLocked()
	return n, nil
}

// dropReadLocked gives the input buffer back once everything in it was read.
func (p *pipe) dropReadLocked() {
	if p.in != nil && p.r == len(*p.in) {
		putBuf(p.in)
		p.in, p.r = nil, 0
	}
}

// empty reports whether no input is buffered.
func (p *pipe) empty() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.in == nil
}

// feed appends received bytes. Called on the loop.
func (p *pipe) feed(b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errMachineClosed
	}
	if len(b) == 0 {
		return nil // a Wake with no new bytes; do not take a buffer for nothing
	}
	unread := 0
	if p.in != nil {
		unread = len(*p.in) - p.r
	}
	if unread+len(b) > p.max {
		return ErrPendingLimit
	}
	if p.in != nil && p.r > 0 && len(*p.in)+len(b) > cap(*p.in) {
		n := copy(*p.in, (*p.in)[p.r:])
		*p.in = (*p.in)[:n]
		p.r = 0
	}
	appendBuf(&p.in, b)
	if p.blocking {
		p.cond.Signal()
	}
	return nil
}

// clearTextNext reports whether the next unread byte, at a record boundary, cannot begin a TLS
// record (content types are 20 to 24; FTP commands are ASCII letters).
func (p *pipe) clearTextNext() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in == nil || p.recLeft != 0 || p.r >= len(*p.in) {
		return false
	}
	b := (*p.in)[p.r]
	return b < recordTypeMin || b > recordTypeMax
}

// TLS record content types: change_cipher_spec (20) to heartbeat (24).
const recordTypeMin, recordTypeMax = 20, 24

// takeRaw appends all unread input to dst unchanged. Used once the TLS session is over (Cleared),
// when what follows the peer's close_notify is clear text.
func (p *pipe) takeRaw(dst []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in != nil {
		dst = append(dst, (*p.in)[p.r:]...)
		putBuf(p.in)
		p.in, p.r = nil, 0
	}
	p.recLeft = 0
	return dst
}

func (p *pipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return 0, errMachineClosed
	}
	if !p.async {
		appendBuf(&p.out, b)
		p.mu.Unlock()
		return len(b), nil
	}
	p.inflight++
	t, cb := p.t, p.onWritten
	p.mu.Unlock()
	// gnet keeps the slice until the write has run, and crypto/tls reuses its own; so copy. This is
	// the handshake only: a few flights per connection.
	if err := t.AsyncWrite(bytes.Clone(b), cb); err != nil {
		p.mu.Lock()
		p.inflight--
		p.mu.Unlock()
		return 0, err
	}
	return len(b), nil
}

// appendOut queues bytes that bypass crypto/tls (Plain and Cleared).
func (p *pipe) appendOut(b []byte) error {
	_, err := p.Write(b)
	return err
}

func (p *pipe) hasOutput() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out != nil && len(*p.out) > 0
}

func (p *pipe) takeOutput() *[]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.out
	p.out = nil
	return o
}

// shutdown makes the pipe unusable and wakes a blocked reader. Any goroutine.
func (p *pipe) shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.rerr == nil {
		p.rerr = errMachineClosed
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	putBuf(p.in)
	putBuf(p.out)
	p.in, p.out, p.r = nil, nil, 0
	p.cond.Broadcast()
}

// Close is part of net.Conn; crypto/tls calls it only from tls.Conn.Close, which the machine never
// calls, so it is the same as shutdown.
func (p *pipe) Close() error {
	p.shutdown()
	return nil
}

func (p *pipe) LocalAddr() net.Addr  { return p.laddr }
func (p *pipe) RemoteAddr() net.Addr { return p.raddr }

// Deadlines are ignored: the handshake deadline is the machine's own, and after the handshake the
// pipe never blocks. crypto/tls sets write deadlines around close_notify; writes never block here.
func (p *pipe) SetDeadline(time.Time) error      { return nil }
func (p *pipe) SetReadDeadline(time.Time) error  { return nil }
func (p *pipe) SetWriteDeadline(time.Time) error { return nil }

// pipeAddr stands in when the transport does not expose its addresses.
type pipeAddr struct{}

func (pipeAddr) Network() string { return "tlsstate" }
func (pipeAddr) String() string  { return "tlsstate" }
