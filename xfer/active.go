package xfer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
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
// control connection's local address, any port) to target, giving up after
// timeout or when ctx is done. It blocks, so it runs on a worker. An invalid
// or unspecified local lets the kernel choose. The caller has checked target
// with CheckActive.
func Dial(ctx context.Context, local netip.Addr, target netip.AddrPort, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	target = netip.AddrPortFrom(target.Addr().Unmap(), target.Port())
	if local = local.Unmap(); local.IsValid() && !local.IsUnspecified() {
		d.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(local, 0))
	}
	c, err := d.DialContext(ctx, "tcp", target.String())
	if err != nil {
		return nil, fmt.Errorf("xfer: dial %s: %w", target, err)
	}
	return c, nil
}
