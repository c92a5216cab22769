package loop

import "net/netip"

// Which listener a connection came in on, by the local address it reached.
//
// Apache keys its listeners, and the <VirtualHost addr:port> sections that
// match them, by address and port: Listen 192.0.2.1:21 and Listen
// 192.0.2.2:21 are two listeners on one port, each reaching its own host.
// Server.listenerOf is keyed the same way, by the address each listener
// bound (OnBoot). A connection's local address (getsockname) is the one
// the client reached, so it equals its listener's bound address, except on
// a wildcard listener (0.0.0.0:21 or [::]:21), which takes the connections
// of every local address on its port that no listener of its own claims.
// The kernel decides which socket accepts; this lookup only has to find
// that socket's entry again, so it looks for the exact address first and
// then the wildcards. An IPv4 connection to a dual-stack [::] listener
// reaches it as an IPv4-mapped address, which sockaddrToAddrPort unmaps:
// the IPv4 wildcard is tried first, then the IPv6 one.

// listenerAt returns the index in Config.Listeners of the listener that
// accepted a connection to local, or -1 when none matches (Route then
// treats the connection as it treats an unknown listener). Runs on the
// loop: map lookups only.
func (s *Server) listenerAt(local netip.AddrPort) int {
	if i, ok := s.listenerOf[local]; ok {
		return i
	}
	first, second := netip.IPv4Unspecified(), netip.IPv6Unspecified()
	if local.Addr().Is6() {
		first, second = second, first
	}
	for _, w := range [2]netip.Addr{first, second} {
		if i, ok := s.listenerOf[netip.AddrPortFrom(w, local.Port())]; ok {
			return i
		}
	}
	return -1
}

// implicitAt reports whether the listener that accepted a connection to
// local serves implicit TLS. s.bound has one entry per Config.Listeners
// entry, in order, from OnBoot on. Runs on the loop.
func (s *Server) implicitAt(local netip.AddrPort) bool {
	i := s.listenerAt(local)
	return i >= 0 && i < len(s.bound) && s.bound[i].Implicit
}

// hasTLS reports whether the default host or a virtual host has TLS: an
// implicit listener needs one to serve (New). Which host a connection
// reaches is known only from its address, so a connection whose host has
// no TLS is refused at OnOpen with 421; a configuration file cannot come
// to that, as config.Load refuses FTPImplicitSSL without SSLEngine on.
func (c *Config) hasTLS() bool {
	if c.TLS != nil {
		return true
	}
	for _, h := range c.VirtualHosts {
		if h != nil && h.TLS != nil {
			return true
		}
	}
	return false
}
