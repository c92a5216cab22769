package loop

// PROXY protocol on control listeners (HAProxy's send-proxy /
// send-proxy-v2, Apache's RemoteIPProxyProtocol): a connection accepted on
// a listener with Listener.Proxy set must come from a trusted proxy
// (ProxyProtocol.Trusted) and start with a PROXY v1 or v2 header naming the
// real client. Until the header is whole the connection has no Session:
// its context is a *proxyWait, the 220 greeting (or, on an implicit
// listener, the TLS handshake, whose ClientHello follows the header) waits,
// and the admission check (session limits, bans) is made with the real
// address once it is known. From then on the header's address is the
// session's peer everywhere: logs (%a), limits, bans, the PORT/EPRT bounce
// check and the passive source check.
//
// Everything here runs on the event loop except sweepProxy (ticker
// goroutine), and nothing blocks: the header is framed from the bytes gnet
// has buffered (codec.ParseProxyHeader), waiting for more traffic when it
// is incomplete, within a size bound (codec.MaxProxyV1, codec.MaxProxyV2)
// and a deadline enforced by the idle sweep.

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// DefaultProxyHeaderTimeout is how long a connection on a PROXY listener
// may take to send its header.
const DefaultProxyHeaderTimeout = 5 * time.Second

// ProxyProtocol configures the PROXY protocol. The zero value accepts no
// header anywhere: a listener takes one only with Listener.Proxy set.
type ProxyProtocol struct {
	// Trusted are the proxies allowed to connect to a PROXY listener (and,
	// with Data, to passive data listeners with a header). Anyone else is
	// disconnected at once, without a reply. A PROXY listener without
	// trusted proxies is a configuration error.
	Trusted []netip.Prefix
	// HeaderTimeout bounds the wait for the header. Default
	// DefaultProxyHeaderTimeout.
	HeaderTimeout time.Duration
	// Data makes passive data listeners expect a PROXY header from a
	// trusted proxy too, so that the passive source check compares the
	// real client's address. Connections from untrusted sources are still
	// accepted when they come from the client itself (no header), and
	// refused otherwise, as without Data.
	Data bool
	// DataFromProxy, without Data, takes a passive data connection from a
	// trusted proxy as the client's, header or not: for balancers that
	// cannot send PROXY headers on data connections. Weaker (anyone behind
	// the balancer who finds the port gets the data; with PROT P the TLS
	// resumption check still holds), so off by default: then a data
	// connection from the proxy's own address is refused, as any other
	// address but the client's.
	DataFromProxy bool
}

func (p *ProxyProtocol) headerTimeout() time.Duration {
	return positiveOr(p.HeaderTimeout, DefaultProxyHeaderTimeout)
}

// trusts reports whether a is one of the trusted proxies.
func (p *ProxyProtocol) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, pre := range p.Trusted {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// checkProxy refuses a configuration that turns the PROXY protocol on
// without saying whom to trust: trusting everyone would let any client
// choose its address, past every limit and ban.
func (c *Config) checkProxy() error {
	if len(c.Proxy.Trusted) > 0 {
		return nil
	}
	for _, l := range c.listeners() {
		if l.Proxy {
			return fmt.Errorf("loop: listener %s takes PROXY headers but no proxy is trusted (RemoteIPTrustedProxy, -proxy-trusted)", l.Addr)
		}
	}
	if c.Proxy.Data || c.Proxy.DataFromProxy {
		return errors.New("loop: passive listeners take PROXY headers but no proxy is trusted (RemoteIPTrustedProxy, -proxy-trusted)")
	}
	return nil
}

// proxyState is the server's PROXY bookkeeping.
type proxyState struct {
	waiting sync.Map // *proxyWait -> struct{}: connections still owing a header, for the sweep
}

// proxyWait is a control connection waiting for its PROXY header: its
// gnet context until the Session replaces it.
type proxyWait struct {
	conn     gnet.Conn
	since    int64 // Server.clock at accept
	proxy    netip.AddrPort
	local    netip.AddrPort
	hosts    []*vhost
	implicit bool
}

// proxyAt reports whether the listener that accepted a connection to
// local takes PROXY headers: the listener bound to local itself, else a
// wildcard one on its port (the IPv4 wildcard first for an IPv4 address).
// s.bound holds one entry per Config listener, in order, from OnBoot on.
// Runs on the loop; a few comparisons per listener.
func (s *Server) proxyAt(local netip.AddrPort) bool {
	ls := s.cfg.listeners()
	wild := -1
	for i, b := range s.bound {
		switch {
		case b.Addr == local:
			return ls[i].Proxy
		case b.Addr.Port() == local.Port() && b.Addr.Addr().IsUnspecified():
			if wild < 0 || b.Addr.Addr().Is4() == local.Addr().Is4() {
				wild = i
			}
		}
	}
	return wild >= 0 && ls[wild].Proxy
}

// awaitProxy is OnOpen for a PROXY listener: only a trusted proxy may
// connect, and nothing is sent until its header names the client.
func (s *Server) awaitProxy(c gnet.Conn, proxy, local netip.AddrPort, hosts []*vhost, implicit bool) ([]byte, gnet.Action) {
	if !s.cfg.Proxy.trusts(proxy.Addr()) {
		s.cfg.logger().Info("connection refused: not a trusted proxy", "source", proxy, "listener", local)
		return nil, gnet.Close
	}
	w := &proxyWait{conn: c, since: s.clock.Load(), proxy: proxy, local: local, hosts: hosts, implicit: implicit}
	c.SetContext(w)
	s.proxy.waiting.Store(w, struct{}{})
	return nil, gnet.None
}

// proxyTraffic reads the header from what gnet buffered. When it is whole,
// the session starts as OnOpen starts one, with the client's address, and
// the bytes behind the header (a pipelined command, a ClientHello) are
// handled at once.
func (s *Server) proxyTraffic(c gnet.Conn, w *proxyWait) (action gnet.Action) {
	var admitted netip.Addr
	defer func() {
		if p := recover(); p != nil {
			s.logPanic(c, p)
			if _, ok := c.Context().(*Session); !ok && admitted.IsValid() {
				s.lim.leave(admitted)
			}
			action = gnet.Close
		}
	}()
	buf, _ := c.Peek(-1)
	src, n, err := codec.ParseProxyHeader(buf)
	switch {
	case errors.Is(err, codec.ErrProxyNeedMore):
		return gnet.None
	case err != nil:
		s.cfg.logger().Info("connection refused: bad PROXY header", "source", w.proxy, "err", err)
		return gnet.Close
	}
	_, _ = c.Discard(n)
	s.proxy.waiting.Delete(w)
	if s.draining.Load() {
		// An implicit-TLS client speaks TLS first: it gets no clear byte.
		if !w.implicit {
			_, _ = c.Write(codec.AppendReply(nil, codec.CodeServiceUnavailable, "Server shutting down."))
		}
		return gnet.Close
	}
	peer := src.Client
	if !peer.IsValid() {
		// LOCAL / UNKNOWN: the proxy speaks for itself (a health check).
		peer = w.proxy
	}
	out, action := s.startSession(c, peer, w.local, w.hosts, w.implicit, &admitted)
	if len(out) > 0 {
		_, _ = c.Write(out)
	}
	if _, ok := c.Context().(*Session); action != gnet.None || !ok {
		return gnet.Close
	}
	if c.InboundBuffered() > 0 {
		return s.OnTraffic(c)
	}
	return gnet.None
}

// sweepProxy closes connections whose header is overdue. It runs on the
// ticker goroutine (OnTick) and acts only through Close, which gnet allows
// from any goroutine.
func (s *Server) sweepProxy(now int64) {
	limit := int64(s.cfg.Proxy.headerTimeout())
	s.proxy.waiting.Range(func(k, _ any) bool {
		w := k.(*proxyWait)
		if now-w.since > limit {
			s.proxy.waiting.Delete(w)
			s.cfg.logger().Info("connection closed: no PROXY header in time", "source", w.proxy)
			_ = w.conn.Close()
		}
		return true
	})
}

// closedWaiting forgets a connection that closed before its header came
// (OnClose).
func (s *Server) closedWaiting(c gnet.Conn) {
	if w, ok := c.Context().(*proxyWait); ok {
		s.proxy.waiting.Delete(w)
	}
}

// expectProxyData makes a new passive listener read PROXY headers from
// trusted proxies when Config.Proxy.Data is on (listenPassive).
func (s *Session) expectProxyData(p *xfer.Passive) {
	switch pp := &s.srv.cfg.Proxy; {
	case pp.Data:
		p.ExpectProxy(pp.Trusted, pp.headerTimeout())
	case pp.DataFromProxy:
		p.AcceptFromProxies(pp.Trusted)
	}
}
