package xfer

import (
	"io"
	"net"
	"net/netip"
	"testing"
	"time"
)

// dialFrom connects to a from the local address src.
func dialFrom(src netip.Addr, a netip.AddrPort) (net.Conn, error) {
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0)), Timeout: 5 * time.Second}
	return d.Dial("tcp", a.String())
}

// TestPassiveProxyHeader: behind a trusted proxy (127.0.0.2) the passive
// check compares the client named by the header; the bytes after the
// header (an upload) are the connection's first bytes.
func TestPassiveProxyHeader(t *testing.T) {
	client := netip.MustParseAddr("192.0.2.7")
	trusted := []netip.Prefix{netip.PrefixFrom(loopback2, 32)}
	tests := []struct {
		name   string
		from   netip.Addr
		header string
		ok     bool
	}{
		{"header names the client", loopback2, "PROXY TCP4 192.0.2.7 127.0.0.1 40000 30000\r\n", true},
		{"header names a thief", loopback2, "PROXY TCP4 192.0.2.66 127.0.0.1 40000 30000\r\n", false},
		{"trusted proxy without header", loopback2, "STOR data without a header\r\n", false},
		{"untrusted source with a header", loopback, "PROXY TCP4 192.0.2.7 127.0.0.1 40000 30000\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Listen(loopback, 0, 0, client, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			p.ExpectProxy(trusted, 500*time.Millisecond)
			// A refused connection leaves Accept waiting until its
			// deadline: short for those cases, generous for the others.
			wait := 10 * time.Second
			if !tc.ok {
				wait = time.Second
			}
			type res struct {
				c   net.Conn
				err error
			}
			done := make(chan res, 1)
			go func() {
				c, err := p.Accept(time.Now().Add(wait))
				done <- res{c, err}
			}()
			c, err := dialFrom(tc.from, p.Addr())
			if err == nil {
				defer c.Close()
				// A refused connection may be reset before the write.
				_, err = io.WriteString(c, tc.header+"payload")
			}
			if err != nil && tc.ok {
				t.Fatal(err)
			}
			r := <-done
			if (r.err == nil) != tc.ok {
				t.Fatalf("Accept: %v, want ok=%v", r.err, tc.ok)
			}
			if !tc.ok {
				if p.Refused() != 1 {
					t.Errorf("Refused = %d, want 1", p.Refused())
				}
				return
			}
			defer r.c.Close()
			c.(*net.TCPConn).CloseWrite()
			got, err := io.ReadAll(r.c)
			if err != nil || string(got) != "payload" {
				t.Fatalf("data after header = %q, %v; want payload", got, err)
			}
		})
	}
}

// TestPassiveFromProxies: with AcceptFromProxies a trusted proxy's data
// connection, without header, is the client's, bytes untouched; anyone
// else but the client is still refused.
func TestPassiveFromProxies(t *testing.T) {
	client := netip.MustParseAddr("192.0.2.7")
	for _, tc := range []struct {
		name string
		from netip.Addr
		ok   bool
	}{{"trusted proxy", loopback2, true}, {"someone else", loopback, false}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Listen(loopback, 0, 0, client, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			p.AcceptFromProxies([]netip.Prefix{netip.PrefixFrom(loopback2, 32)})
			wait := 10 * time.Second
			if !tc.ok {
				wait = time.Second
			}
			done := make(chan net.Conn, 1)
			go func() {
				c, _ := p.Accept(time.Now().Add(wait))
				done <- c
			}()
			c, err := dialFrom(tc.from, p.Addr())
			if err == nil {
				defer c.Close()
				_, err = io.WriteString(c, "PROXY-less payload")
				c.(*net.TCPConn).CloseWrite()
			}
			if err != nil && tc.ok {
				t.Fatal(err)
			}
			got := <-done
			if (got != nil) != tc.ok {
				t.Fatalf("accepted %v, want %v", got != nil, tc.ok)
			}
			if got != nil {
				defer got.Close()
				b, _ := io.ReadAll(got)
				if string(b) != "PROXY-less payload" {
					t.Fatalf("data %q", b)
				}
			}
		})
	}
}
