//go:build linux

package xfer

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// TestPassiveDataSocketPlainTCPNoKeepalive checks the two Go defaults the
// passive listener turns off for the cost of a short session (issue 20): the
// accepted data connection is plain TCP, not Multipath TCP, and carries no
// keep-alive (the stall watch covers a silent peer).
func TestPassiveDataSocketPlainTCPNoKeepalive(t *testing.T) {
	lo, hi := freeRange(t, 4)
	p, err := Listen(loopback, lo, hi, loopback, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if proto := sockProto(t, p.ln); proto != syscall.IPPROTO_TCP {
		t.Errorf("listener SO_PROTOCOL = %d, want IPPROTO_TCP (%d), not MPTCP", proto, syscall.IPPROTO_TCP)
	}
	dialed := make(chan net.Conn, 1)
	go func() {
		c, err := net.DialTimeout("tcp4", p.Addr().String(), 10*time.Second)
		if err != nil {
			t.Error(err)
			close(dialed)
			return
		}
		dialed <- c
	}()
	c, err := p.Accept(time.Now().Add(10 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if dc := <-dialed; dc != nil {
		t.Cleanup(func() { dc.Close() })
	}
	tc := c.(*net.TCPConn)
	if mp, err := tc.MultipathTCP(); err != nil || mp {
		t.Errorf("MultipathTCP() = %v, %v; want false, nil", mp, err)
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var ka, proto int
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		ka, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
		if gerr == nil {
			proto, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PROTOCOL)
		}
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	if ka != 0 {
		t.Errorf("SO_KEEPALIVE = %d on the data connection, want 0", ka)
	}
	if proto != syscall.IPPROTO_TCP {
		t.Errorf("SO_PROTOCOL = %d, want IPPROTO_TCP (%d)", proto, syscall.IPPROTO_TCP)
	}
}

// sockProto returns the SO_PROTOCOL of the socket under c.
func sockProto(t *testing.T, c syscall.Conn) int {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var proto int
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		proto, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PROTOCOL)
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	return proto
}
