package xfer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	// ErrNoPort means every port of the passive range is taken.
	ErrNoPort = errors.New("xfer: no free port in the range")
	// ErrPortRange is a passive range with lo > hi or lo == 0 < hi.
	ErrPortRange = errors.New("xfer: bad passive port range")
)

// Passive is a data-channel listener for one PASV/EPSV. It hands out at most
// one connection, and only one that comes from the control peer's address:
// anyone else who connects is dropped, so a port scanner on another host
// cannot steal the transfer. All methods are safe from any goroutine.
type Passive struct {
	ln      *net.TCPListener
	addr    netip.AddrPort
	peer    netip.Addr
	timer   *time.Timer
	once    sync.Once
	expired atomic.Bool
	refused atomic.Int64

	// Set by ExpectProxy before Accept runs.
	proxyTrusted  []netip.Prefix
	proxyTimeout  time.Duration
	proxyAsClient bool                         // AcceptFromProxies
	inUse         atomic.Pointer[atomic.Int64] // the gauge Track counts this listener in (passive_track.go)
}

// Listen opens a passive listener on bind. With lo == hi == 0 the kernel picks
// the port; otherwise it is drawn at random from [lo, hi], trying each port of
// the range at most once in an order that starts at a random port and steps by
// a random stride coprime with the range, so consecutive PASVs are not
// predictable. ErrNoPort means all were busy. The listener accepts only
// connections from peer and closes itself when nothing was accepted within
// timeout (no timer when timeout <= 0). Listen makes only non-blocking system
// calls, so the event loop may call it.
func Listen(bind netip.Addr, lo, hi uint16, peer netip.Addr, timeout time.Duration) (*Passive, error) {
	if lo > hi || lo == 0 && hi != 0 {
		return nil, fmt.Errorf("%w: %d-%d", ErrPortRange, lo, hi)
	}
	bind = bind.Unmap()
	if !bind.IsValid() {
		bind = netip.IPv6Unspecified()
	}
	network := "tcp4"
	if !bind.Is4() {
		network = "tcp" // dual-stack when bind is "::"
	}
	var ln net.Listener
	var err error
	if lo == 0 {
		ln, err = listenTCP(network, netip.AddrPortFrom(bind, 0))
	} else {
		ln, err = listenRange(network, bind, lo, hi)
	}
	if err != nil {
		return nil, err
	}
	p := &Passive{ln: ln.(*net.TCPListener), peer: unzoned(peer)}
	a := p.ln.Addr().(*net.TCPAddr).AddrPort()
	p.addr = netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
	if timeout > 0 {
		// The callback must not touch p.timer: it may run before the
		// assignment below is visible to it.
		p.timer = time.AfterFunc(timeout, func() {
			p.expired.Store(true)
			p.closeListener()
		})
	}
	return p, nil
}

// listenRange tries the ports of [lo, hi] in a random cyclic order.
func listenRange(network string, bind netip.Addr, lo, hi uint16) (net.Listener, error) {
	n := uint32(hi-lo) + 1
	start := rand.Uint32N(n)
	stride := uint32(1)
	if n > 2 {
		for {
			stride = 1 + rand.Uint32N(n-1)
			if gcd(stride, n) == 1 {
				break
			}
		}
	}
	for i := range n {
		port := lo + uint16((start+i*stride)%n)
		ln, err := listenTCP(network, netip.AddrPortFrom(bind, port))
		if err == nil {
			return ln, nil
		}
		// EACCES: a privileged port in the range while not root; skip it too.
		if !errors.Is(err, syscall.EADDRINUSE) && !errors.Is(err, syscall.EACCES) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w in %d-%d", ErrNoPort, lo, hi)
}

func gcd(a, b uint32) uint32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// listenConfig sets SO_REUSEADDR explicitly: a small passive range must be
// reusable while earlier data connections sit in TIME_WAIT. (Go sets it on
// Linux listeners by default; being explicit keeps that true if it ever stops.)
//
// It also keeps two of Go's defaults off the data path, which together cost
// a short session measurable CPU (bench/notes/churn.md, issue 20):
//   - Multipath TCP: since Go 1.24 a Linux listener is an MPTCP socket, whose
//     creation, accept and close build and tear down an MPTCP socket beside the
//     TCP subflow for every EPSV; FTP data connections come from the control
//     peer's address and never use a second path.
//   - TCP keep-alive on accepted connections (four setsockopt calls each): a
//     data connection lives for one transfer and a silent peer is caught by
//     the stall watch (stall.go) and the transfer deadlines, not by probes
//     that start after 15 s.
var listenConfig = newListenConfig()

func newListenConfig() net.ListenConfig {
	lc := net.ListenConfig{Control: setReuseAddr, KeepAlive: -1}
	lc.SetMultipathTCP(false)
	return lc
}

func listenTCP(network string, ap netip.AddrPort) (net.Listener, error) {
	ln, err := listenConfig.Listen(context.Background(), network, ap.String())
	if err != nil {
		return nil, fmt.Errorf("xfer: listen %s: %w", ap, err)
	}
	return ln, nil
}

// unzoned returns a unmapped and without its zone, so that addresses taken
// from different sockets compare equal.
func unzoned(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// Addr returns the bound address, for the 227/229 reply (the IP unmapped; the
// reply may name another, masqueraded, address).
func (p *Passive) Addr() netip.AddrPort { return p.addr }

// Refused returns how many connections from a foreign address were dropped.
func (p *Passive) Refused() int64 { return p.refused.Load() }

// Accept waits until deadline for the control peer's data connection; it
// blocks, so it runs on a worker. Connections from any other address are
// closed at once and waiting goes on. The listener is closed when Accept
// returns, whatever the outcome. Close from another goroutine makes Accept
// return net.ErrClosed; the deadline or the Listen timeout make it return an
// error matching os.ErrDeadlineExceeded.
func (p *Passive) Accept(deadline time.Time) (net.Conn, error) {
	defer p.Close()
	if err := p.ln.SetDeadline(deadline); err != nil {
		return nil, p.acceptErr(err)
	}
	for {
		c, err := p.ln.AcceptTCP()
		if err != nil {
			return nil, p.acceptErr(err)
		}
		if p.admit(c, deadline) {
			if p.timer != nil {
				p.timer.Stop()
			}
			return c, nil
		}
		p.refused.Add(1)
		c.SetLinger(0) // a reset tells the intruder nothing and frees the port
		c.Close()
	}
}

func (p *Passive) acceptErr(err error) error {
	if p.expired.Load() {
		err = os.ErrDeadlineExceeded
	}
	return fmt.Errorf("xfer: passive accept on %s: %w", p.addr, err)
}

// Close closes the listener; Accept then returns net.ErrClosed. It is
// idempotent and safe from any goroutine, the event loop included.
func (p *Passive) Close() error {
	if p.timer != nil {
		p.timer.Stop()
	}
	return p.closeListener()
}

func (p *Passive) closeListener() error {
	var err error
	p.once.Do(func() {
		err = p.ln.Close()
		p.untrack()
	})
	return err
}
