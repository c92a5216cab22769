package loop

import (
	"io"
	"net"
	"net/netip"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/pires/go-proxyproto"
)

var (
	proxyAddr        = netip.MustParseAddr("127.0.0.2") // the trusted proxy in these tests
	namedClient      = netip.MustParseAddr("192.0.2.7") // the client its headers name
	otherNamedClient = netip.MustParseAddr("192.0.2.8")
)

// startProxyServer runs a server whose one listener takes PROXY headers
// from 127.0.0.2 only.
func startProxyServer(t *testing.T, cfg Config) string {
	t.Helper()
	cfg.Listeners = []Listener{{Addr: "127.0.0.1:0", Proxy: true}}
	cfg.Proxy.Trusted = []netip.Prefix{netip.PrefixFrom(proxyAddr, 32)}
	bound, _ := startListeners(t, cfg)
	return bound[0].Addr.String()
}

// dialAs connects to addr from the local address src (no greeting read).
func dialAs(t *testing.T, src netip.Addr, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0)), Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// proxyHeader is a v2 (or v1) header for a connection from client.
func proxyHeader(t *testing.T, version byte, client netip.Addr, to string) []byte {
	t.Helper()
	h := proxyproto.HeaderProxyFromAddrs(version, net.TCPAddrFromAddrPort(netip.AddrPortFrom(client, 40000)),
		net.TCPAddrFromAddrPort(netip.MustParseAddrPort(to)))
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// viaProxy opens a session for client through the trusted proxy and reads
// its greeting; parts split the header into writes sent apart.
func viaProxy(t *testing.T, addr string, version byte, from netip.Addr, parts int) *client {
	t.Helper()
	c := dialAs(t, proxyAddr, addr)
	h := proxyHeader(t, version, from, addr)
	step := max(1, len(h)/parts)
	for len(h) > 0 {
		n := min(step, len(h))
		if _, err := c.Write(h[:n]); err != nil {
			t.Fatal(err)
		}
		h = h[n:]
		time.Sleep(20 * time.Millisecond)
	}
	cl := &client{t: t, c: c, tp: textproto.NewConn(c)}
	cl.expect(220)
	return cl
}

// closedSilently checks that the server closes c without sending a byte.
func closedSilently(t *testing.T, c net.Conn, within time.Duration) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	b, err := io.ReadAll(c)
	if len(b) > 0 {
		t.Fatalf("server sent %q, want nothing", b)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("connection still open after %v", within)
	}
}

func TestProxyControlRealAddress(t *testing.T) {
	addr := startProxyServer(t, Config{})
	for _, tc := range []struct {
		name    string
		version byte
		parts   int
	}{{"v2 at once", 2, 1}, {"v2 in pieces", 2, 4}, {"v1 at once", 1, 1}, {"v1 in pieces", 1, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			cl := viaProxy(t, addr, tc.version, namedClient, tc.parts)
			if msg := cl.cmd(211, "STAT"); !strings.Contains(msg, "Connected to "+namedClient.String()) {
				t.Fatalf("STAT = %q, want the client's address", msg)
			}
			cl.login("alice", "secret")
			// The bounce check compares the real client: the proxy's
			// own address is someone else's.
			cl.cmd(504, "PORT 127,0,0,2,200,1")
			cl.cmd(221, "QUIT")
		})
	}
}

func TestProxyControlRefusals(t *testing.T) {
	addr := startProxyServer(t, Config{Proxy: ProxyProtocol{HeaderTimeout: 300 * time.Millisecond}})
	t.Run("untrusted source", func(t *testing.T) {
		c := dialAs(t, netip.MustParseAddr("127.0.0.1"), addr)
		_, _ = c.Write(proxyHeader(t, 2, namedClient, addr))
		closedSilently(t, c, 10*time.Second)
	})
	t.Run("trusted source without header", func(t *testing.T) {
		c := dialAs(t, proxyAddr, addr)
		_, _ = io.WriteString(c, "USER anonymous\r\n")
		closedSilently(t, c, 10*time.Second)
	})
	t.Run("trusted source silent", func(t *testing.T) {
		c := dialAs(t, proxyAddr, addr)
		closedSilently(t, c, 10*time.Second)
	})
	t.Run("trusted source half a header", func(t *testing.T) {
		c := dialAs(t, proxyAddr, addr)
		_, _ = c.Write(proxyHeader(t, 2, namedClient, addr)[:10])
		closedSilently(t, c, 10*time.Second)
	})
	t.Run("oversized v1", func(t *testing.T) {
		c := dialAs(t, proxyAddr, addr)
		_, _ = io.WriteString(c, "PROXY TCP4 "+strings.Repeat("1", 200))
		closedSilently(t, c, 10*time.Second)
	})
}

// TestProxyLimitsPerRealAddress: the per-address session limit counts the
// clients the headers name, not the one proxy they all come through.
func TestProxyLimitsPerRealAddress(t *testing.T) {
	addr := startProxyServer(t, Config{Limits: Limits{MaxSessionsPerIP: 1}})
	viaProxy(t, addr, 2, namedClient, 1)
	viaProxy(t, addr, 2, otherNamedClient, 1)
	c := dialAs(t, proxyAddr, addr)
	_, _ = c.Write(proxyHeader(t, 2, namedClient, addr))
	cl := &client{t: t, c: c, tp: textproto.NewConn(c)}
	cl.expect(421)
}

func TestProxyNeedsTrustedProxies(t *testing.T) {
	for _, cfg := range []Config{
		{Listeners: []Listener{{Addr: "127.0.0.1:0", Proxy: true}}},
		{Proxy: ProxyProtocol{Data: true}},
	} {
		cfg.Root = t.TempDir()
		if srv, err := New(cfg); err == nil {
			srv.pool.Close()
			t.Fatalf("New accepted PROXY without trusted proxies: %+v", cfg.Proxy)
		} else if !strings.Contains(err.Error(), "no proxy is trusted") {
			t.Fatalf("New: %v", err)
		}
	}
}

// TestSessionIDBase: sessions are numbered from Config.SessionIDBase+1,
// so processes sharing ticket keys can keep their ids apart.
func TestSessionIDBase(t *testing.T) {
	for _, base := range []uint64{0, 1 << 40} {
		srv, err := New(Config{Host: Host{Root: t.TempDir()}, SessionIDBase: base})
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.nextID.Add(1); got != base+1 {
			t.Errorf("first id %d, want %d", got, base+1)
		}
		srv.pool.Close()
	}
}

// TestProxyAt: which listener took a connection, for its Proxy setting:
// the exact address first, then a wildcard on the port.
func TestProxyAt(t *testing.T) {
	s := &Server{cfg: Config{Listeners: []Listener{
		{Addr: "127.0.0.1:21"}, {Addr: "0.0.0.0:21", Proxy: true}, {Addr: "[::]:990", Proxy: true}, {Addr: "0.0.0.0:990"},
	}}}
	for _, a := range []string{"127.0.0.1:21", "0.0.0.0:21", "[::]:990", "0.0.0.0:990"} {
		s.bound = append(s.bound, BoundListener{Addr: netip.MustParseAddrPort(a)})
	}
	for _, tc := range []struct {
		local string
		want  bool
	}{
		{"127.0.0.1:21", false},     // its own listener
		{"192.0.2.1:21", true},      // the wildcard's
		{"192.0.2.1:990", false},    // the IPv4 wildcard before the IPv6 one
		{"[2001:db8::1]:990", true}, // the IPv6 wildcard
		{"192.0.2.1:2121", false},   // no listener
	} {
		if got := s.proxyAt(netip.MustParseAddrPort(tc.local)); got != tc.want {
			t.Errorf("proxyAt(%s) = %v, want %v", tc.local, got, tc.want)
		}
	}
}

// TestProxyBansRealAddress: failed logins ban the client the headers
// name, and the ban is checked once a header names it: its next session
// gets 421 in place of the greeting, while another client behind the same
// proxy is still greeted.
func TestProxyBansRealAddress(t *testing.T) {
	addr := startProxyServer(t, Config{Limits: Limits{BanAfter: 2, BanWindow: time.Minute, BanDuration: time.Minute, MaxLoginAttempts: NoLimit}})
	cl := viaProxy(t, addr, 2, namedClient, 1)
	for range 2 {
		cl.cmd(331, "USER alice")
		cl.cmd(530, "PASS wrong")
	}
	cl.c.Close()
	banned := func(who netip.Addr) int {
		c := dialAs(t, proxyAddr, addr)
		_, _ = c.Write(proxyHeader(t, 2, who, addr))
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		code, _, _ := textproto.NewConn(c).ReadResponse(0)
		return code
	}
	if !eventually(5*time.Second, func() bool { return banned(namedClient) == 421 }) {
		t.Fatal("the banned client is still greeted")
	}
	if code := banned(otherNamedClient); code != 220 {
		t.Fatalf("another client behind the proxy: %d, want 220", code)
	}
}
