package tlsstate

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
)

// Transport is the part of a gnet.Conn the machine may use from other goroutines. gnet.Conn
// satisfies it. If the transport also has LocalAddr and RemoteAddr (gnet.Conn does), New records
// them for tls.ClientHelloInfo.Conn; New runs on the loop, where gnet allows those calls.
type Transport interface {
	AsyncWrite(b []byte, cb gnet.AsyncCallback) error
	Wake(cb gnet.AsyncCallback) error
}

type addrTransport interface {
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
}

// Conn is one control connection's TLS machine. Its methods are loop-only (call them from the gnet
// event-loop goroutine that owns the connection) unless a method says otherwise.
type Conn struct {
	p   pipe
	cfg *tls.Config
	lim Limits

	state State
	tc    *tls.Conn // nil in Plain, Cleared and Failed
	err   error     // sticky failure, returned in Failed

	peerClosed bool                 // the peer's close_notify was read
	held       []byte               // written in Clearing, sent in the clear once Cleared
	cs         *tls.ConnectionState // kept for ConnectionState in Cleared
	lent       *[]byte              // the buffer returned by the last TakeOutput

	hello    bool                 // in Handshaking, no handshake goroutine yet (hello.go)
	queued   bool                 // the first record is in, waiting for its address's share of slots
	slot     atomic.Pointer[slot] // of Limits.Handshakes, asked for at the commit; Close releases it
	hsExited chan struct{}        // closed when the handshake goroutine returns; nil before the commit
	closed   atomic.Bool
}

// New returns a machine in state Plain. It does no TLS work and starts no goroutine.
func New(t Transport, cfg *tls.Config, l Limits) *Conn {
	c := &Conn{cfg: cfg, lim: l}
	c.p.init(t, l.Pending())
	if a, ok := t.(addrTransport); ok {
		if la, ra := a.LocalAddr(), a.RemoteAddr(); la != nil && ra != nil {
			c.p.laddr, c.p.raddr = la, ra
		}
	}
	return c
}

// State returns the current state.
func (c *Conn) State() State { return c.state }

// Start moves Plain to Handshaking. For AUTH TLS the loop has already written "234" with c.Write
// (or taken it with TakeOutput); for implicit TLS it calls Start in OnOpen. It takes no slot and
// starts no goroutine: Feed does, once the client's first record has arrived whole (hello.go);
// until then AwaitingHello is true.
func (c *Conn) Start() error {
	if c.closed.Load() {
		return errMachineClosed
	}
	if c.cfg == nil {
		return errNoConfig
	}
	if c.state == Plain && c.p.hasOutput() {
		return ErrUnflushed
	}
	if err := c.transition(Handshaking); err != nil {
		return err
	}
	c.tc = tls.Server(&c.p, c.cfg)
	c.hello = true
	return nil
}

// Feed hands received bytes to the machine, which copies them. In Handshaking it commits the
// handshake once the first record is complete (a first record that cannot be a ClientHello fails
// the machine with an error matching ErrNotClientHello) and its slot granted, then wakes the
// handshake goroutine. While AwaitingHello, the loop calls Feed on every wake-up, with no new
// bytes too: a queued handshake is granted its slot by a Wake. In Secure and Clearing the bytes
// wait for ReadPlain; in Cleared they pass through to ReadPlain unchanged. It returns
// ErrPendingLimit if buffered input would exceed Limits.MaxPending.
func (c *Conn) Feed(p []byte) error {
	switch {
	case c.closed.Load():
		return errMachineClosed
	case c.state == Plain:
		return &StateError{Op: "Feed", State: c.state}
	case c.state == Failed:
		return c.err
	}
	c.recycle()
	if err := c.p.feed(p); err != nil {
		return err
	}
	if c.AwaitingHello() {
		return c.commitIfReady()
	}
	return nil
}

// Poll finishes the handshake once its goroutine is done and its last flight written: it moves to
// Secure (changed, nil) or Failed (changed, error matching ErrHandshake). Otherwise, and in every
// state but Handshaking, it returns (false, nil).
func (c *Conn) Poll() (changed bool, err error) {
	if c.state != Handshaking {
		return false, nil
	}
	done, hsErr := c.p.outcome()
	if !done {
		return false, nil
	}
	if hsErr != nil {
		c.fail(fmt.Errorf("%w: %w", ErrHandshake, hsErr))
		return true, c.err
	}
	if err := c.transition(Secure); err != nil {
		return false, err
	}
	// The handshake goroutine is done with tc: drop the ClientHello-sized
	// buffers it left behind (tlsbuf.go).
	dropTLSBuffers(c.tc, 0)
	if c.lim.AfterHandshake != nil && tlsConfigOf(c.tc) == c.cfg && swapTLSConfig(c.tc, c.lim.AfterHandshake) {
		c.cfg = nil // Start is done with it; the clone goes with the handshake
	}
	return true, nil
}

// ReadPlain decrypts all complete records buffered by Feed and appends the plaintext to dst. It
// never blocks. In Handshaking it returns dst unchanged; in Cleared it appends the fed bytes as they
// are.
//
// In Clearing, input that cannot begin a TLS record means the peer skipped its close_notify and went
// on in the clear (curl does): the move to Cleared completes and that input is returned unchanged.
//
// When the peer's close_notify is read: in Secure it returns the plaintext before it with ErrClosed
// (which matches io.EOF); in Clearing it completes CCC, moves to Cleared, appends whatever followed
// the alert unchanged, and returns a nil error. Any other error is fatal: the state becomes Failed
// and the loop closes the connection (after writing TakeOutput, which may hold an alert).
//
// ReadPlain may also produce output (crypto/tls answers a peer's KeyUpdate from inside Read), so the
// loop calls TakeOutput after it.
func (c *Conn) ReadPlain(dst []byte) ([]byte, error) {
	if c.closed.Load() {
		return dst, errMachineClosed
	}
	c.recycle()
	switch c.state {
	case Handshaking:
		return dst, nil
	case Secure, Clearing:
		if c.state == Clearing && c.p.clearTextNext() {
			// The peer went on in the clear without its close_notify: curl
			// reads ours and then just speaks plain text. RFC 4217 §12 asks for
			// the alert, but our own close_notify has already ended the
			// protected stream, so nothing is lost by accepting the clear text.
			c.toCleared()
			return c.p.takeRaw(dst), nil
		}
		dst, err := c.readTLS(dst)
		switch {
		case err == nil:
			// A record larger than a command's grew rawInput; give it back.
			dropTLSBuffers(c.tc, dropBufThreshold)
			return dst, nil
		case errors.Is(err, io.EOF):
			c.peerClosed = true
			if c.state == Secure {
				return dst, ErrClosed
			}
			c.toCleared()
			return c.p.takeRaw(dst), nil
		}
		c.fail(fmt.Errorf("tlsstate: read: %w", err))
		return dst, c.err
	case Cleared:
		return c.p.takeRaw(dst), nil
	case Failed:
		return dst, c.err
	}
	return dst, &StateError{Op: "ReadPlain", State: c.state}
}

// readTLS calls tls.Conn.Read until the pipe would block. It skips the last, would-block call when
// the pipe is empty and crypto/tls returned less than asked (so it holds no plaintext either): that
// call costs crypto/tls an allocation.
func (c *Conn) readTLS(dst []byte) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, 512)
		}
		space := cap(dst) - len(dst)
		n, err := c.tc.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		switch {
		case err == errWouldBlock:
			return dst, nil
		case err != nil:
			return dst, err
		case n < space && c.p.empty():
			return dst, nil
		}
	}
}

// WritePlain queues p for the peer: encrypted in Secure, unchanged in Plain and Cleared. In Clearing
// (CCC accepted, the peer's close_notify not yet read) it holds p and sends it in the clear once
// Cleared. It never blocks; take the result with TakeOutput.
func (c *Conn) WritePlain(p []byte) error {
	if c.closed.Load() {
		return errMachineClosed
	}
	c.recycle()
	switch c.state {
	case Plain, Cleared:
		return c.p.appendOut(p)
	case Secure:
		if len(p) == 0 {
			return nil
		}
		if _, err := c.tc.Write(p); err != nil {
			c.fail(fmt.Errorf("tlsstate: write: %w", err))
			return c.err
		}
		return nil
	case Clearing:
		c.held = append(c.held, p...)
		return nil
	case Failed:
		return c.err
	}
	return &StateError{Op: "WritePlain", State: c.state}
}

// TakeOutput returns the bytes queued for the peer (replies, alerts, KeyUpdate answers) and empties
// the queue; the loop passes them to gnet's c.Write, which copies what it cannot send at once. The
// slice stays valid until the next call on c. It returns nil when nothing is queued.
func (c *Conn) TakeOutput() []byte {
	c.recycle()
	c.lent = c.p.takeOutput()
	if c.lent == nil {
		return nil
	}
	return *c.lent
}

// ReleaseOutput gives back the buffer the last TakeOutput lent, once the loop has handed its bytes
// to gnet (whose Write copies what it cannot send at once). Calling it is optional, as every loop
// method does it first, but an idle connection then holds no buffer.
func (c *Conn) ReleaseOutput() { c.recycle() }

// recycle gives back the buffer lent by the last TakeOutput; every loop method calls it first.
func (c *Conn) recycle() {
	if c.lent != nil {
		putBuf(c.lent)
		c.lent = nil
	}
}

// Clear performs CCC (RFC 4217 §12) after the loop has queued its "200" reply with WritePlain: it
// queues our close_notify and moves Secure to Clearing. ReadPlain completes the move to Cleared when
// the peer's close_notify arrives. If that alert was already read (ReadPlain returned ErrClosed
// together with the CCC command), Clear moves straight to Cleared and the next ReadPlain returns the
// clear bytes that followed it.
func (c *Conn) Clear() error {
	if c.closed.Load() {
		return errMachineClosed
	}
	c.recycle()
	if err := c.transition(Clearing); err != nil {
		return err
	}
	cs := c.tc.ConnectionState()
	c.cs = &cs
	if err := c.tc.CloseWrite(); err != nil {
		c.fail(fmt.Errorf("tlsstate: close_notify: %w", err))
		return c.err
	}
	if c.peerClosed {
		c.toCleared()
	}
	return nil
}

func (c *Conn) toCleared() {
	if err := c.transition(Cleared); err != nil {
		return
	}
	c.tc = nil // crypto/tls's buffers go with it
	if len(c.held) > 0 {
		_ = c.p.appendOut(c.held)
		c.held = nil
	}
}

// fail records err and moves to Failed. Failed is reachable from every state that can fail.
func (c *Conn) fail(err error) {
	c.err = err
	_ = c.transition(Failed)
	c.tc = nil
}

// ConnectionState returns the negotiated parameters in Secure, Clearing and Cleared, and the zero
// value otherwise.
func (c *Conn) ConnectionState() tls.ConnectionState {
	switch c.state {
	case Secure, Clearing:
		if c.tc != nil {
			return c.tc.ConnectionState()
		}
	case Cleared:
		if c.cs != nil {
			return *c.cs
		}
	}
	return tls.ConnectionState{}
}

// Close releases the machine. Any goroutine may call it, more than once. A pending handshake stops:
// its blocked read fails and the goroutine exits promptly, and its semaphore slot (or its place in
// the queue for one) is released. Pending input and output are dropped; later calls return an
// error matching net.ErrClosed.
func (c *Conn) Close() {
	if c.closed.CompareAndSwap(false, true) {
		c.p.shutdown()
		// A queued or granted slot whose goroutine never started; the goroutine's own
		// release, if it runs, finds it free.
		c.lim.Handshakes.release(c.slot.Load())
	}
}
