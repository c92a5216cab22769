package xfer

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

func TestCheckActive(t *testing.T) {
	tests := []struct {
		name   string
		peer   string
		target string
		want   error
	}{
		{"same ipv4", "192.0.2.1", "192.0.2.1:5000", nil},
		{"lowest allowed port", "192.0.2.1", "192.0.2.1:1024", nil},
		{"mapped peer", "::ffff:192.0.2.1", "192.0.2.1:5000", nil},
		{"mapped target", "192.0.2.1", "[::ffff:192.0.2.1]:5000", nil},
		{"ipv6", "2001:db8::1", "[2001:db8::1]:5000", nil},
		{"zoned peer", "fe80::1%eth0", "[fe80::1]:5000", nil},
		{"bounce to other host", "192.0.2.1", "192.0.2.2:5000", ErrBounce},
		{"bounce across families", "2001:db8::1", "192.0.2.1:5000", ErrBounce},
		{"privileged port", "192.0.2.1", "192.0.2.1:1023", ErrLowPort},
		{"port zero", "192.0.2.1", "192.0.2.1:0", ErrLowPort},
		{"ftp port of another host", "192.0.2.1", "198.51.100.1:21", ErrBounce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckActive(netip.MustParseAddr(tt.peer), netip.MustParseAddrPort(tt.target))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if err := CheckActive(loopback, netip.AddrPort{}); !errors.Is(err, ErrBounce) {
		t.Errorf("zero target: err = %v, want ErrBounce", err)
	}
}

func TestDial(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	target := ln.Addr().(*net.TCPAddr).AddrPort()

	c, err := Dial(context.Background(), netip.MustParseAddr("::ffff:127.0.0.1"), 0, 0, target, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if sc.RemoteAddr().String() != c.LocalAddr().String() {
		t.Errorf("server sees %v, client is %v", sc.RemoteAddr(), c.LocalAddr())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Dial(ctx, loopback, 0, 0, target, 2*time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Dial with a cancelled context: err = %v, want context.Canceled", err)
	}

	ln2, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln2.Addr().(*net.TCPAddr).AddrPort()
	ln2.Close()
	if c, err := Dial(context.Background(), netip.Addr{}, 0, 0, closed, 2*time.Second); err == nil {
		c.Close()
		t.Error("Dial to a closed port succeeded")
	}
}

func TestDialRange(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	target := ln.Addr().(*net.TCPAddr).AddrPort()
	lo, hi := freeRange(t, 2)
	for range 4 {
		c, err := Dial(context.Background(), loopback, lo, hi, target, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.TCPAddr).AddrPort().Port()
		// The server closes first, so TIME_WAIT is on its side: a client
		// that closed first would hold the same four-tuple in TIME_WAIT,
		// and the next dial from that port could not reuse it (with both
		// ports so held, the dial fails: a race the test used to lose).
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, _ = io.Copy(io.Discard, c)
		c.Close()
		if port < lo || port > hi {
			t.Fatalf("local port %d, want %d-%d", port, lo, hi)
		}
	}
	// Both ports held by listeners: nothing left to dial from.
	for p := lo; p <= hi; p++ {
		hold, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(p))))
		if err != nil {
			t.Fatalf("holding port %d: %v", p, err)
		}
		defer hold.Close()
	}
	if _, err := Dial(context.Background(), loopback, lo, hi, target, 2*time.Second); !errors.Is(err, ErrNoPort) {
		t.Errorf("dial with every port of the range held: %v, want ErrNoPort", err)
	}
	if _, err := Dial(context.Background(), loopback, 0, 5, target, time.Second); !errors.Is(err, ErrPortRange) {
		t.Errorf("range 0-5: %v, want ErrPortRange", err)
	}
}
