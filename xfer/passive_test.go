package xfer

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"
)

var (
	loopback  = netip.MustParseAddr("127.0.0.1")
	loopback2 = netip.MustParseAddr("127.0.0.2")
)

// freeRange returns a range of n ports that were all free a moment ago, at
// a random place, so tests need no fixed port numbers.
func freeRange(t *testing.T, n uint16) (lo, hi uint16) {
	t.Helper()
	// Below Linux's ephemeral range (32768 and up by default), so that the
	// outgoing connections other tests open by the thousand, in parallel
	// packages, do not take a port of the range between here and its use;
	// every port is checked, not just the first.
	const base, span = 20000, 12000
	for range 50 {
		lo = base + uint16(rand.IntN(span-int(n)))
		var held []net.Listener
		for p := lo; p < lo+n; p++ {
			ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(p))))
			if err != nil {
				break
			}
			held = append(held, ln)
		}
		for _, ln := range held {
			ln.Close()
		}
		if len(held) == int(n) {
			return lo, lo + n - 1
		}
	}
	t.Fatalf("no %d free ports in a row below the ephemeral range", n)
	return 0, 0
}

func TestListenPicksPortInRange(t *testing.T) {
	lo, hi := freeRange(t, 16)
	seen := map[uint16]bool{}
	for range 40 {
		p, err := Listen(loopback, lo, hi, loopback, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		a := p.Addr()
		p.Close()
		if a.Addr() != loopback || a.Port() < lo || a.Port() > hi {
			t.Fatalf("Addr = %v, want 127.0.0.1 and a port in %d-%d", a, lo, hi)
		}
		seen[a.Port()] = true
	}
	// Forty listens that each start at a random port hit far more than two.
	if len(seen) < 3 {
		t.Errorf("only ports %v were used: the start is not random", seen)
	}
}

func TestListenRangeExhausted(t *testing.T) {
	lo, hi := freeRange(t, 3)
	var held []*Passive
	defer func() {
		for _, p := range held {
			p.Close()
		}
	}()
	ports := map[uint16]bool{}
	for range 3 {
		p, err := Listen(loopback, lo, hi, loopback, time.Minute)
		if err != nil {
			t.Fatalf("port %d of 3: %v", len(held)+1, err)
		}
		held = append(held, p)
		ports[p.Addr().Port()] = true
	}
	if len(ports) != 3 {
		t.Errorf("ports %v: a busy port was handed out twice", ports)
	}
	if _, err := Listen(loopback, lo, hi, loopback, time.Minute); !errors.Is(err, ErrNoPort) {
		t.Errorf("a fourth listener on a 3-port range: err = %v, want ErrNoPort", err)
	}
}

func TestListenBadRange(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi uint16
	}{
		{"reversed", 5000, 4000},
		{"zero low", 0, 4000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Listen(loopback, tt.lo, tt.hi, loopback, time.Minute); !errors.Is(err, ErrPortRange) {
				t.Errorf("err = %v, want ErrPortRange", err)
			}
		})
	}
}

type acceptResult struct {
	c   net.Conn
	err error
}

func acceptAsync(p *Passive, deadline time.Time) <-chan acceptResult {
	ch := make(chan acceptResult, 1)
	go func() {
		c, err := p.Accept(deadline)
		ch <- acceptResult{c, err}
	}()
	return ch
}

func TestPassiveRefusesForeignPeer(t *testing.T) {
	p, err := Listen(loopback, 0, 0, loopback, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	res := acceptAsync(p, time.Now().Add(10*time.Second))

	foreign := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(loopback2, 0)), Timeout: 2 * time.Second}
	// The reset may come before the dialer has looked at its socket, and
	// then the dial itself fails; either way the connection must die.
	if fc, err := foreign.Dial("tcp", p.Addr().String()); err == nil {
		defer fc.Close()
		fc.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := fc.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("the foreign connection was not closed: read err = %v", err)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); p.Refused() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Refused = %d, want 1", p.Refused())
		}
	}
	select {
	case r := <-res:
		t.Fatalf("Accept returned for a foreign peer: %v, %v", r.c, r.err)
	default:
	}

	real, err := net.DialTimeout("tcp", p.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatalf("dial from the real peer: %v", err)
	}
	defer real.Close()
	r := within(t, 5*time.Second, res)
	if r.err != nil {
		t.Fatalf("Accept: %v", r.err)
	}
	defer r.c.Close()
	if r.c.RemoteAddr().String() != real.LocalAddr().String() {
		t.Errorf("accepted %v, want the real peer %v", r.c.RemoteAddr(), real.LocalAddr())
	}
	if got := p.Refused(); got != 1 {
		t.Errorf("Refused = %d, want 1", got)
	}
	// One accept, then the listener is gone.
	if c, err := net.DialTimeout("tcp", p.Addr().String(), 2*time.Second); err == nil {
		c.Close()
		t.Error("the listener still accepts after handing out its connection")
	}
}

func TestPassiveEnds(t *testing.T) {
	tests := []struct {
		name     string
		timeout  time.Duration // Listen's
		deadline time.Duration // Accept's
		close    bool
		want     error
	}{
		{"listen timeout", 50 * time.Millisecond, 10 * time.Second, false, os.ErrDeadlineExceeded},
		{"accept deadline", 10 * time.Second, 50 * time.Millisecond, false, os.ErrDeadlineExceeded},
		{"close unblocks", 10 * time.Second, 10 * time.Second, true, net.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Listen(loopback, 0, 0, loopback, tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			begin := time.Now()
			res := acceptAsync(p, begin.Add(tt.deadline))
			if tt.close {
				time.Sleep(20 * time.Millisecond)
				if err := p.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if err := p.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
			}
			r := within(t, 5*time.Second, res)
			if !errors.Is(r.err, tt.want) {
				t.Fatalf("Accept: err = %v, want %v", r.err, tt.want)
			}
			if d := time.Since(begin); d > 2*time.Second {
				t.Errorf("Accept returned after %v", d)
			}
		})
	}
}

func TestPassiveAcceptsEarlyConnection(t *testing.T) {
	// The client may connect right after 227, before RETR starts Accept.
	p, err := Listen(loopback, 0, 0, loopback, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", p.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	sc, err := p.Accept(time.Now().Add(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	b := make([]byte, 1)
	if _, err := io.ReadFull(sc, b); err != nil || b[0] != 'x' {
		t.Errorf("read %q, %v", b, err)
	}
}
