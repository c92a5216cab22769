package xfer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// ErrProxySource means a data connection's PROXY header named someone
// other than the control peer.
var ErrProxySource = errors.New("xfer: PROXY header names another client")

// ExpectProxy makes Accept read a PROXY v1/v2 header from connections that
// come from a trusted proxy, and compare the client address it names with
// the control peer, instead of the proxy's own address: behind HAProxy the
// passive source check still refuses a thief. A trusted proxy that sends no
// valid header within timeout is refused. Connections from other addresses
// are checked as before. Call it before Accept, on the goroutine that
// created p (the event loop); it does not block.
func (p *Passive) ExpectProxy(trusted []netip.Prefix, timeout time.Duration) {
	p.proxyTrusted = trusted
	p.proxyTimeout = timeout
	p.proxyAsClient = false
}

// AcceptFromProxies makes Accept take a connection from a trusted proxy,
// without a header, as the client's: for balancers that cannot send a
// PROXY header on data connections. It is weaker than ExpectProxy (anyone
// behind the balancer who finds the port gets the data), so it is never a
// default; with PROT P the TLS resumption check still holds. Call it
// before Accept, like ExpectProxy.
func (p *Passive) AcceptFromProxies(trusted []netip.Prefix) {
	p.proxyTrusted = trusted
	p.proxyAsClient = true
}

// admit reports whether c is the control peer's data connection. It runs
// on a worker, inside Accept, and may block reading a PROXY header until
// deadline or the proxy timeout, whichever is first.
func (p *Passive) admit(c *net.TCPConn, deadline time.Time) bool {
	src := unzoned(c.RemoteAddr().(*net.TCPAddr).AddrPort().Addr())
	if !p.fromTrustedProxy(src) {
		return src == p.peer
	}
	if p.proxyAsClient {
		return true
	}
	if p.proxyTimeout > 0 {
		if d := time.Now().Add(p.proxyTimeout); deadline.IsZero() || d.Before(deadline) {
			deadline = d
		}
	}
	client, err := readProxyHeader(c, deadline)
	if err != nil {
		return false
	}
	if !client.IsValid() {
		// LOCAL / UNKNOWN: the proxy speaks for itself.
		client = src
	}
	return unzoned(client) == p.peer
}

func (p *Passive) fromTrustedProxy(a netip.Addr) bool {
	for _, pre := range p.proxyTrusted {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// readProxyHeader reads exactly one PROXY header from c, never a byte of
// what follows it (an upload's first bytes must reach the file), and
// returns the client address it names (not valid for LOCAL/UNKNOWN). It
// blocks until deadline, so it runs on a worker; it clears the deadline
// before returning a header.
func readProxyHeader(c net.Conn, deadline time.Time) (netip.Addr, error) {
	if err := c.SetReadDeadline(deadline); err != nil {
		return netip.Addr{}, fmt.Errorf("xfer: PROXY header: %w", err)
	}
	var buf [codec.MaxProxyV2]byte
	have := 0
	for {
		src, want, err := codec.ParseProxyHeader(buf[:have])
		switch {
		case err == nil:
			if err := c.SetReadDeadline(time.Time{}); err != nil {
				return netip.Addr{}, fmt.Errorf("xfer: PROXY header: %w", err)
			}
			return src.Client.Addr(), nil
		case !errors.Is(err, codec.ErrProxyNeedMore):
			return netip.Addr{}, fmt.Errorf("xfer: PROXY header: %w", err)
		}
		// want > have, and want <= MaxProxyV2: read exactly up to it.
		if _, err := io.ReadFull(c, buf[have:want]); err != nil {
			return netip.Addr{}, fmt.Errorf("xfer: PROXY header: %w", err)
		}
		have = want
	}
}
