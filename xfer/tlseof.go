package xfer

import (
	"crypto/tls"
	"io"
	"net"
	"sync/atomic"
)

// TrackEOF wraps the raw data connection of a PROT P transfer; pass the
// result to tls.Server. crypto/tls reports a TCP FIN that falls between two
// records as a clean io.EOF, exactly like a close_notify alert (conn.go: "we
// accept it if and only if at the record boundary"), so an attacker, or a
// crashed client, could end an upload early without anyone noticing. Through
// this wrapper Receive sees that the TLS stream ended because the TCP stream
// did, not because the client said so, and returns io.ErrUnexpectedEOF (426).
// A clear-text connection must not be wrapped: the wrapper hides the
// *net.TCPConn that sendfile needs.
func TrackEOF(c net.Conn) net.Conn { return &eofConn{Conn: c} }

type eofConn struct {
	net.Conn
	eof    atomic.Bool // the peer's FIN was read
	gather *[]byte     // while not nil, writes are gathered here (batch.go)

	// While buf is not nil, the socket is read into it, as much as it holds
	// at a time, and Read serves buf[r:w], then err (receiveFilled). Only the
	// goroutine that runs the transfer reads.
	buf  *[]byte
	r, w int
	err  error
}

// readAhead starts reading the socket ahead into buf; readAhead(nil) stops,
// dropping what was read and not yet used (the transfer is over).
func (c *eofConn) readAhead(buf *[]byte) { c.buf, c.r, c.w, c.err = buf, 0, 0, nil }

// ahead is how many bytes read from the socket Read has not yet returned;
// 0 for a nil connection.
func (c *eofConn) ahead() int {
	if c == nil {
		return 0
	}
	return c.w - c.r
}

func (c *eofConn) Read(p []byte) (int, error) {
	if c.buf == nil || len(p) >= len(*c.buf) {
		if c.r < c.w || c.err != nil {
			return c.buffered(p)
		}
		n, err := c.Conn.Read(p)
		if err == io.EOF {
			c.eof.Store(true)
		}
		return n, err
	}
	if c.r == c.w && c.err == nil {
		n, err := c.Conn.Read(*c.buf)
		if err == io.EOF {
			c.eof.Store(true)
		}
		c.r, c.w, c.err = 0, n, err
	}
	return c.buffered(p)
}

// buffered returns what was read ahead, then the error that ended it.
func (c *eofConn) buffered(p []byte) (int, error) {
	if c.r < c.w {
		n := copy(p, (*c.buf)[c.r:c.w])
		c.r += n
		return n, nil
	}
	err := c.err
	c.err = nil
	return 0, err
}

// truncated reports whether a TLS stream that just returned io.EOF ended
// without close_notify. crypto/tls stops reading the socket at the alert, so
// after a proper close the wrapper has not seen the FIN.
func truncated(r io.Reader) bool {
	tc, ok := r.(*tls.Conn)
	if !ok {
		return false
	}
	ec, ok := tc.NetConn().(*eofConn)
	return ok && ec.eof.Load()
}
