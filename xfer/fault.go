package xfer

import (
	"context"
	"errors"
	"net"
	"time"
)

// Fault injection on the data connection (internal/fault; the loop draws
// the faults and puts them in the Transfer): a reset or a stall once a
// number of bytes crossed the connection, or a passive listener that never
// accepts. All of it runs on the transfer's worker.

// The errors of injected data-connection faults: the copy's error matches
// ErrDataConn too (426).
var (
	ErrInjectedReset    = errors.New("xfer: data connection reset by fault injection")
	ErrInjectedStall    = errors.New("xfer: data connection stalled by fault injection")
	ErrInjectedNoAccept = errors.New("xfer: passive connection not accepted (fault injection)")
)

// faultConn is a data connection that, once left bytes crossed it either
// way, either resets the TCP connection under it (SO_LINGER 0, then close:
// the peer gets an RST, not a FIN) or stalls: nothing more moves until the
// transfer is cancelled (ABOR, the session closing) or idle has passed,
// and then the connection is closed, as the stall watchdog would.
type faultConn struct {
	net.Conn          // what the copy uses: the raw connection, or TLS over it
	raw      net.Conn // the TCP connection under it
	left     int64
	stall    bool
	ctx      context.Context
	idle     time.Duration
}

// withFaults wraps conn for the transfer's injected reset or stall; a
// transfer without either keeps conn as it is. Runs on a worker.
func (t *Transfer) withFaults(ctx context.Context, conn, raw net.Conn) net.Conn {
	switch {
	case t.ResetAfter > 0:
		return &faultConn{Conn: conn, raw: raw, left: t.ResetAfter}
	case t.StallAfter > 0:
		return &faultConn{Conn: conn, raw: raw, left: t.StallAfter, stall: true, ctx: ctx, idle: t.Data.Idle}
	}
	return conn
}

func (c *faultConn) Write(p []byte) (int, error) {
	if int64(len(p)) < c.left {
		n, err := c.Conn.Write(p)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.Conn.Write(p[:c.left])
	c.left = 0
	return n, c.fail()
}

func (c *faultConn) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, c.fail()
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= int64(n)
	if c.left <= 0 && !c.stall {
		return n, c.fail()
	}
	return n, err
}

// fail injects the fault: resets at once, or stalls first.
func (c *faultConn) fail() error {
	if c.stall {
		idle := c.idle
		if idle <= 0 {
			idle = time.Minute
		}
		t := time.NewTimer(idle)
		select {
		case <-c.ctx.Done():
		case <-t.C:
		}
		t.Stop()
		_ = c.raw.Close()
		return connErr(ErrInjectedStall)
	}
	if tc, ok := c.raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.raw.Close()
	return connErr(ErrInjectedReset)
}

// holdTLS waits out the injected delay before a PROT P data handshake, or
// until the transfer is cancelled.
func (t *Transfer) holdTLS(ctx context.Context) {
	if t.TLSDelay <= 0 {
		return
	}
	tm := time.NewTimer(t.TLSDelay)
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
	tm.Stop()
}

// neverAccept is the data connection of a transfer whose passive listener
// must never accept: it waits out the data timeout (or the transfer's
// cancellation) and closes the listener, so the client's connection,
// completed by the kernel, is reset unused (425).
func (t *Transfer) neverAccept(ctx context.Context) dataResult {
	tm := time.NewTimer(t.Data.Timeout)
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
	tm.Stop()
	t.Data.drop()
	return dataResult{aborted: ctx.Err() != nil, err: ErrInjectedNoAccept}
}
