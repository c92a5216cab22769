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
}

func (c *eofConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.eof.Store(true)
	}
	return n, err
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
