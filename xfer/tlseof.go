package xfer

import (
	"bufio"
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

	// While rd is not nil, reads go through it: the socket is read ahead,
	// as much as rd holds at a time (receiveFilled). Only the goroutine that
	// runs the transfer reads.
	rd *bufio.Reader
}

// readAhead starts reading the socket ahead through rd; readAhead(nil)
// stops, dropping what was read and not yet used (the transfer is over).
func (c *eofConn) readAhead(rd *bufio.Reader) {
	if rd != nil {
		rd.Reset((*eofSocket)(c))
	}
	c.rd = rd
}

// ahead is how many bytes read from the socket Read has not yet returned;
// 0 for a nil connection.
func (c *eofConn) ahead() int {
	if c == nil || c.rd == nil {
		return 0
	}
	return c.rd.Buffered()
}

func (c *eofConn) Read(p []byte) (int, error) {
	if c.rd != nil {
		return c.rd.Read(p)
	}
	return (*eofSocket)(c).Read(p)
}

// eofSocket is the connection's socket, read directly, noting the FIN.
type eofSocket eofConn

func (s *eofSocket) Read(p []byte) (int, error) {
	n, err := s.Conn.Read(p)
	if err == io.EOF {
		s.eof.Store(true)
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
