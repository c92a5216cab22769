package xfer

import (
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sockopt reads one integer socket option of c.
func sockopt(t *testing.T, c syscall.Conn, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) { v, gerr = unix.GetsockoptInt(int(fd), level, opt) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatalf("getsockopt %d/%d: %v", level, opt, gerr)
	}
	return v
}

// TestPassiveSocketOptions: a passive listener is a plain TCP socket (not the MPTCP one Go makes by
// default since 1.24) and the data connection it accepts has no keep-alive probes: both cost a
// short session CPU for nothing (bench/notes/churn.md).
func TestPassiveSocketOptions(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	p, err := Listen(lo, 0, 0, lo, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	checks := []struct {
		name       string
		level, opt int
		want       int
	}{
		{"listener protocol", unix.SOL_SOCKET, unix.SO_PROTOCOL, unix.IPPROTO_TCP},
	}
	for _, c := range checks {
		if got := sockopt(t, p.ln, c.level, c.opt); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	cc, err := net.DialTimeout("tcp", p.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	dc, err := p.Accept(time.Now().Add(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	accepted := []struct {
		name       string
		level, opt int
		want       int
	}{
		{"accepted protocol", unix.SOL_SOCKET, unix.SO_PROTOCOL, unix.IPPROTO_TCP},
		{"accepted keep-alive", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 0},
	}
	for _, c := range accepted {
		if got := sockopt(t, dc.(*net.TCPConn), c.level, c.opt); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
