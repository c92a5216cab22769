package xfer

import (
	"errors"
	"net"
)

// ErrInjectedReset is the error of a data connection that fault injection
// reset after Transfer.ResetAfter bytes (426).
var ErrInjectedReset = errors.New("xfer: data connection reset by fault injection")

// resetConn is a data connection that, once after bytes crossed it either
// way, resets the TCP connection under it (SO_LINGER 0, then close: the
// peer gets an RST, not a FIN) and fails, as a network failure would.
type resetConn struct {
	net.Conn          // what the copy uses: the raw connection, or TLS over it
	raw      net.Conn // the TCP connection to reset
	left     int64
}

// withReset wraps conn so that it is reset after n bytes; n <= 0 leaves it
// as it is. Runs on a worker.
func withReset(conn, raw net.Conn, n int64) net.Conn {
	if n <= 0 {
		return conn
	}
	return &resetConn{Conn: conn, raw: raw, left: n}
}

func (c *resetConn) Write(p []byte) (int, error) {
	if int64(len(p)) < c.left {
		n, err := c.Conn.Write(p)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.Conn.Write(p[:c.left])
	c.reset()
	return n, connErr(ErrInjectedReset)
}

func (c *resetConn) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= int64(n)
	if c.left <= 0 {
		c.reset()
		return n, connErr(ErrInjectedReset)
	}
	return n, err
}

func (c *resetConn) reset() {
	if tc, ok := c.raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.raw.Close()
}
