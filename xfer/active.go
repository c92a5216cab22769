package xfer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"syscall"
	"time"
)

var (
	// ErrBounce refuses a PORT/EPRT to anyone but the control peer (the FTP
	// bounce attack, RFC 2577).
	ErrBounce = errors.New("xfer: active target is not the control peer")
	// ErrLowPort refuses a PORT/EPRT to a privileged port (RFC 2577).
	ErrLowPort = errors.New("xfer: active target port below 1024")
)

// CheckActive reports whether the server may connect to target for a session
// whose control peer is peer: the address must be the peer's (IPv4-mapped
// forms and zones aside) and the port at least 1024. It makes no system call,
// so the event loop checks PORT/EPRT with it before answering 200.
func CheckActive(peer netip.Addr, target netip.AddrPort) error {
	if !target.Addr().IsValid() || unzoned(target.Addr()) != unzoned(peer) {
		return ErrBounce
	}
	if target.Port() < 1024 {
		return ErrLowPort
	}
	return nil
}

// Dial opens the data connection of an active transfer: from local (the
// control connection's local address) to target, giving up after timeout
// or when ctx is done. It blocks, so it runs on a worker. An invalid or
// unspecified local lets the kernel choose. The caller has checked target
// with CheckActive. The local port is one in lo..hi (mod_ftp's
// FTPActiveRange), tried from a random start; lo == 0 lets the kernel
// choose. A port in use
// (EADDRINUSE, or EADDRNOTAVAIL when its connection to target still lingers)
// moves on to the next; SO_REUSEADDR lets a port whose earlier connection
// is in TIME_WAIT serve another target at once.
func Dial(ctx context.Context, local netip.Addr, lo, hi uint16, target netip.AddrPort, timeout time.Duration) (net.Conn, error) {
	if lo > hi || lo == 0 && hi != 0 {
		return nil, fmt.Errorf("%w: %d-%d", ErrPortRange, lo, hi)
	}
	target = netip.AddrPortFrom(target.Addr().Unmap(), target.Port())
	if local = local.Unmap(); !local.IsValid() || local.IsUnspecified() {
		local = netip.Addr{}
	}
	deadline := time.Now().Add(timeout)
	n := int(hi) - int(lo) + 1
	start := 0
	if lo != 0 {
		start = rand.IntN(n)
	}
	for i := range n {
		d := net.Dialer{Deadline: deadline}
		var port uint16
		if lo != 0 {
			port = lo + uint16((start+i)%n)
			d.Control = reuseAddr
		}
		if local.IsValid() || port != 0 {
			d.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(local, port))
		}
		c, err := d.DialContext(ctx, "tcp", target.String())
		switch {
		case err == nil:
			return c, nil
		case port != 0 && (errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL)):
			continue
		}
		return nil, fmt.Errorf("xfer: dial %s: %w", target, err)
	}
	return nil, fmt.Errorf("%w for an active connection in %d-%d", ErrNoPort, lo, hi)
}

func reuseAddr(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	return errors.Join(err, serr)
}
