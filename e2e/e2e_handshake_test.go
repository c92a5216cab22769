package e2e

// Handshake starvation (issue 18, item 1) against the real binary: clients
// that send half a ClientHello and stall hold no handshake slot, so real TLS
// logins are not delayed, and the stalled connections are closed at
// -first-flight-timeout.

import (
	"bufio"
	"fmt"
	"github.com/ftpsd/ftpsd/internal/testserver"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// halfClientHello is the first half of the first record a Go TLS client
// sends.
func halfClientHello(t *testing.T) []byte {
	rec := testserver.ClientHelloRecord(t, clientTLS())
	return rec[:len(rec)/2]
}

// stallFirstFlight connects from local, sends AUTH TLS unless implicit,
// then send, and leaves the connection stalled. It returns the connection
// and when the client could start sending TLS (the 234 read, or the
// connect): the server's deadline starts before that, so a cut measured
// from it comes early only by the server's coarse sweep clock.
func stallFirstFlight(local, addr string, implicit bool, send []byte) (net.Conn, time.Time, error) {
	d := net.Dialer{Timeout: replyTimeout, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, time.Time{}, err
	}
	_ = c.SetDeadline(time.Now().Add(2 * replyTimeout))
	fail := func(err error) (net.Conn, time.Time, error) { c.Close(); return nil, time.Time{}, err }
	if !implicit {
		r := bufio.NewReader(c)
		for _, step := range []struct{ send, want string }{{"", "220 "}, {"AUTH TLS\r\n", "234 "}} {
			if step.send != "" {
				if _, err := c.Write([]byte(step.send)); err != nil {
					return fail(err)
				}
			}
			line, err := r.ReadString('\n')
			if err != nil {
				return fail(err)
			}
			if !strings.HasPrefix(line, step.want) {
				return fail(fmt.Errorf("reply %q, want %s", line, step.want))
			}
		}
	}
	ready := time.Now()
	if _, err := c.Write(send); err != nil {
		return fail(err)
	}
	return c, ready, nil
}

// TestHandshakeStarvation: 1,000 connections from 20 loopback addresses
// send half a ClientHello (half of them after AUTH TLS, half on the implicit
// listener); a Go client logs in over explicit and implicit TLS in under a
// second beside them, in each of three rounds; each stalled connection is
// closed at the 1s first-flight deadline, with a debug line.
func TestHandshakeStarvation(t *testing.T) {
	const (
		addrs, perAddr = 20, 50
		rounds         = 3
		deadline       = time.Second
		// A login takes milliseconds; the bound leaves room for a loaded
		// machine, and still fails if the login waited for the stalled
		// connections' deadline.
		loginBound = time.Second
	)
	s := rawServer(t, "-implicit", "127.0.0.1:0", "-first-flight-timeout", deadline.String(), "-log-level", "debug")
	implicit := s.implicitAddr(t)
	half := halfClientHello(t)

	type stalled struct {
		c    net.Conn
		sent time.Time
	}
	for round := range rounds {
		var (
			mu    sync.Mutex
			conns []stalled
			wg    sync.WaitGroup
		)
		errs := make(chan error, addrs*perAddr)
		for a := range addrs {
			local := fmt.Sprintf("127.0.0.%d", 2+a)
			for i := range perAddr {
				wg.Add(1)
				go func() {
					defer wg.Done()
					addr, imp := s.addr, i%2 == 1
					if imp {
						addr = implicit
					}
					c, sent, err := stallFirstFlight(local, addr, imp, half)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					conns = append(conns, stalled{c, sent})
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		close(errs)
		t.Cleanup(func() {
			for _, sc := range conns {
				sc.c.Close()
			}
		})
		for err := range errs {
			t.Fatalf("round %d: a stalled connection: %v", round, err)
		}

		start := time.Now()
		c := s.dialTLS(t, clientTLS())
		c.login(&alice)
		c.must("PWD", 257)
		explicitTook := time.Since(start)
		start = time.Now()
		ci := s.dialImplicit(t, implicit, clientTLS())
		ci.login(&alice)
		ci.must("PWD", 257)
		implicitTook := time.Since(start)
		t.Logf("round %d: TLS logins beside %d stalled first flights: explicit %v, implicit %v", round, len(conns), explicitTook, implicitTook)
		if explicitTook > loginBound || implicitTook > loginBound {
			t.Errorf("round %d: logins took %v (explicit), %v (implicit); want under %v", round, explicitTook, implicitTook, loginBound)
		}
		c.must("QUIT", 221)
		ci.must("QUIT", 221)

		var minCut, maxCut time.Duration
		bad := 0
		for i, sc := range conns {
			_ = sc.c.SetReadDeadline(sc.sent.Add(deadline + replyTimeout))
			n, err := io.Copy(io.Discard, sc.c)
			d := time.Since(sc.sent)
			if err != nil || n > 0 || d < deadline*7/10 {
				if bad == 0 {
					t.Errorf("round %d: stalled connection cut after %v (%d bytes received, %v); want at the %v deadline", round, d, n, err, deadline)
				}
				bad++
			}
			if i == 0 || d < minCut {
				minCut = d
			}
			maxCut = max(maxCut, d)
		}
		t.Logf("round %d: stalled connections cut %v to %v after their TLS could start", round, minCut, maxCut)
		if bad > 0 {
			t.Fatalf("round %d: %d of %d stalled connections not cut at the deadline", round, bad, len(conns))
		}
	}
	s.waitLog(t, "TLS first flight not received in time")
}
