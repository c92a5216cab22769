package loop

import (
	"net/netip"
	"testing"
)

// TestListenerAt: a connection finds its listener by the address and port
// it reached, a wildcard listener takes the other addresses of its port,
// and the port alone never decides (issue 21, item 1).
func TestListenerAt(t *testing.T) {
	bound := []BoundListener{
		{Addr: netip.MustParseAddrPort("127.0.0.31:2121")},
		{Addr: netip.MustParseAddrPort("127.0.0.32:2121")},
		{Addr: netip.MustParseAddrPort("127.0.0.31:990"), Implicit: true},
		{Addr: netip.MustParseAddrPort("127.0.0.32:990")},
		{Addr: netip.MustParseAddrPort("0.0.0.0:2121")},
		{Addr: netip.MustParseAddrPort("[::]:2200"), Implicit: true},
		{Addr: netip.MustParseAddrPort("[::1]:2300")},
		{Addr: netip.MustParseAddrPort("0.0.0.0:2300")},
	}
	s := &Server{bound: bound, listenerOf: make(map[netip.AddrPort]int)}
	for i, b := range bound {
		s.listenerOf[b.Addr] = i
	}
	tests := []struct {
		name     string
		local    string
		want     int
		implicit bool
	}{
		{"first address", "127.0.0.31:2121", 0, false},
		{"second address, same port", "127.0.0.32:2121", 1, false},
		{"implicit on one address", "127.0.0.31:990", 2, true},
		{"explicit on the other address of the implicit port", "127.0.0.32:990", 3, false},
		{"another address: the IPv4 wildcard", "127.0.0.33:2121", 4, false},
		{"IPv4 on a dual-stack wildcard", "127.0.0.1:2200", 5, true},
		{"IPv6 on a dual-stack wildcard", "[::1]:2200", 5, true},
		{"IPv6 exact before the IPv4 wildcard", "[::1]:2300", 6, false},
		{"IPv6 falls back to the IPv4 wildcard", "[2001:db8::1]:2300", 7, false},
		{"no listener on the address or a wildcard", "127.0.0.33:990", -1, false},
		{"unknown port", "127.0.0.31:2", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := netip.MustParseAddrPort(tt.local)
			if got := s.listenerAt(local); got != tt.want {
				t.Errorf("listenerAt(%s) = %d, want %d", local, got, tt.want)
			}
			if got := s.implicitAt(local); got != tt.implicit {
				t.Errorf("implicitAt(%s) = %v, want %v", local, got, tt.implicit)
			}
		})
	}
}

// TestRouteGetsListenerOfAddress: Config.Route is called with the index of
// the listener of the address the connection reached, so two listeners on
// one port route to their own hosts.
func TestRouteGetsListenerOfAddress(t *testing.T) {
	a, b := &Host{Banner: "a"}, &Host{Banner: "b"}
	byListener := []*Host{a, b}
	s := &Server{listenerOf: map[netip.AddrPort]int{}}
	s.routing.Store(&routing{
		route: func(listener int, _ netip.AddrPort) []*Host {
			if listener < 0 || listener >= len(byListener) {
				return nil
			}
			return []*Host{byListener[listener]}
		},
		hosts: map[*Host]*vhost{a: {Host: a}, b: {Host: b}},
	})
	for i, ap := range []string{"127.0.0.31:2121", "127.0.0.32:2121"} {
		s.listenerOf[netip.MustParseAddrPort(ap)] = i
	}
	for _, tt := range []struct{ local, banner string }{
		{"127.0.0.31:2121", "a"},
		{"127.0.0.32:2121", "b"},
	} {
		got := s.route(netip.MustParseAddrPort(tt.local))
		if len(got) != 1 || got[0].Banner != tt.banner {
			t.Errorf("route(%s): %d hosts, want the one with banner %q", tt.local, len(got), tt.banner)
			continue
		}
	}
	if got := s.route(netip.MustParseAddrPort("127.0.0.33:2121")); len(got) != 0 {
		t.Errorf("route of an address no listener has: %d hosts, want none", len(got))
	}
}

// TestImplicitListenerNeedsSomeTLS: an implicit listener needs TLS on the
// default host or on a virtual host, as an address-based virtual host
// may be the only one serving implicit TLS.
func TestImplicitListenerNeedsSomeTLS(t *testing.T) {
	implicit := []Listener{{Addr: "127.0.0.1:0"}, {Addr: "127.0.0.1:0", Implicit: true}}
	for _, tt := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"no TLS anywhere", Config{Host: Host{Root: t.TempDir()}, VirtualHosts: []*Host{{Root: t.TempDir()}}}, false},
		{"TLS on the default host", Config{Host: Host{Root: t.TempDir(), TLS: tlsConfig(t)}}, true},
		{"TLS on a virtual host only", Config{Host: Host{Root: t.TempDir()}, VirtualHosts: []*Host{{Root: t.TempDir(), TLS: tlsConfig(t)}}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Listeners = implicit
			s, err := New(cfg)
			if err == nil {
				s.pool.Close()
				s.closeHosts()
			}
			if (err == nil) != tt.ok {
				t.Errorf("New: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
