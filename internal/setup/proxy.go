package setup

import (
	"net"
	"strconv"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
)

// The PROXY protocol settings (loop.ProxyProtocol): -proxy-protocol or
// RemoteIPProxyProtocol mark listeners, -proxy-trusted or
// RemoteIPTrustedProxy say whom they trust; loop refuses to start with a
// PROXY listener and no trusted proxy.

// applyProxy puts the PROXY protocol settings into cfg. -proxy-protocol,
// when given, decides for every listener served; otherwise the file's
// RemoteIPProxyProtocol did (proxySettings).
func (s *settings) applyProxy(cfg *loop.Config) {
	cfg.Proxy = s.proxy
	if s.proxyProtocol.Set {
		for i := range cfg.Listeners {
			cfg.Listeners[i].Proxy = s.proxyProtocol.Value
		}
	}
}

// proxySettings maps mod_remoteip's directives of c onto s: the trusted
// list (process-wide), and on each listener served whether the servers it
// reaches have RemoteIPProxyProtocol On. The header comes before any name
// is known, so those servers must agree.
func (p *problems) proxySettings(c *config.Config, s *settings, fl Flags) {
	layer(fl.ProxyTrusted, c.Main.Process.RemoteIPTrustedProxy, &s.proxy.Trusted)
	if fl.ProxyProtocol.Set {
		return
	}
	var standIn uint16
	if fl.Listeners.Set && len(c.Listen) == 1 {
		standIn = c.Listen[0].Port // a flag listener stands in for the file's one Listen (flagListeners)
	}
	for i, l := range s.listeners {
		host, portText, err := net.SplitHostPort(l.Addr)
		port, perr := strconv.ParseUint(portText, 10, 16)
		if err != nil || perr != nil {
			continue // the listener fails to start with its own error
		}
		if port != 0 && standIn != 0 {
			port = uint64(standIn)
		}
		var on, off *config.Server
		for _, srv := range c.Reachable(config.Listen{Host: host, Port: uint16(port)}) {
			if srv.RemoteIPProxyProtocol.Or(false) {
				on = srv
			} else {
				off = srv
			}
		}
		if on != nil && off != nil {
			p.errorf(on.RemoteIPProxyProtocol.At, "RemoteIPProxyProtocol On: listener %s also reaches %s, which has it Off; the PROXY header is read before a virtual host is chosen, so every server a listener reaches must agree",
				l.Addr, describe(off))
			continue
		}
		s.listeners[i].Proxy = on != nil
		if on != nil && len(s.proxy.Trusted) == 0 {
			// loop.New refuses it too; here `ftpsd -t` names the line.
			p.errorf(on.RemoteIPProxyProtocol.At, "RemoteIPProxyProtocol On: listener %s takes PROXY headers but no proxy is trusted; add RemoteIPTrustedProxy", l.Addr)
		}
	}
}
