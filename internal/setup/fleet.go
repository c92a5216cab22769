package setup

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
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
	layer(fl.TicketKeys, c.Main.Process.SessionTicketKeyFile, &s.ticketKeys)
	layer(fl.TicketLife, c.Main.Process.TicketLifetime, &s.ticketLife)
	if sc := c.Main.Process.PasvSourceCheck; sc.Set && !fl.ProxyData.Set && !fl.PasvSourceCheck.Set {
		s.setSourceCheck(sc.Value)
	}
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

// applyPasv puts the passive settings for balancers into h: the
// per-network announced addresses, and the announced port range, which
// must be as long as the range listened on.
func (s *settings) applyPasv(h *loop.Host, log *slog.Logger) error {
	h.PasvAddrFor = slices.Clone(s.pasvAddrFor)
	if s.pasvAddrName != "" {
		n, err := newPasvName(s.pasvAddrName, log)
		if err != nil {
			return err
		}
		h.PasvAddrFunc = n.Addr
	}
	r := s.pasvAnnounce
	if r.Lo == 0 {
		return nil
	}
	if s.pasvMin == 0 || r.Hi-r.Lo != s.pasvMax-s.pasvMin {
		return fmt.Errorf("-pasv-announce-ports (FTPPASVAnnounceRange) %d-%d: needs a -pasv-ports range (FTPPASVrange) of the same length, got %d-%d", r.Lo, r.Hi, s.pasvMin, s.pasvMax)
	}
	h.PasvAnnounceMin = r.Lo
	return nil
}

// ParsePasvAddrs parses -pasv-addr: comma-separated items, each an IPv4
// address announced to every client, or NET=IP announcing IP to the
// clients in the CIDR prefix NET (rules tried in the order given). At most
// one item may be a plain address; it is returned as def, or as name when
// it is a DNS name rather than an address.
func ParsePasvAddrs(list string) (rules []loop.PasvAddrRule, def netip.Addr, name string, err error) {
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		netText, addrText, isRule := strings.Cut(item, "=")
		if !isRule {
			addrText = item
		}
		addrText = strings.TrimSpace(addrText)
		a, err := netip.ParseAddr(addrText)
		if !isRule && err != nil && isDNSName(addrText) {
			if def.IsValid() || name != "" {
				return nil, netip.Addr{}, "", fmt.Errorf("two addresses for every client in %q", list)
			}
			name = addrText
			continue
		}
		if err != nil || !a.Unmap().Is4() {
			return nil, netip.Addr{}, "", fmt.Errorf("%q is not an IPv4 address or a DNS name (a 227 reply carries IPv4 only)", addrText)
		}
		a = a.Unmap()
		if !isRule {
			if def.IsValid() || name != "" {
				return nil, netip.Addr{}, "", fmt.Errorf("two addresses for every client in %q", list)
			}
			def = a
			continue
		}
		p, err := config.ParsePrefix(strings.TrimSpace(netText))
		if err != nil {
			return nil, netip.Addr{}, "", err
		}
		rules = append(rules, loop.PasvAddrRule{Clients: p, Addr: a})
	}
	return rules, def, name, nil
}

// isDNSName reports whether s looks like a host name: letters, digits,
// hyphens and dots, with a letter somewhere (so "1.2.3" is no name).
func isDNSName(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9', r == '-', r == '.':
		default:
			return false
		}
	}
	return letter && len(s) <= 253
}

// pasvForSettings maps FTPPASVaddrFor and FTPPASVAnnounceRange of one
// server; -pasv-addr and -pasv-announce-ports, given, win (for the first
// server: they are flags about one server).
func pasvForSettings(srv *config.Server, s *settings, fl Flags) {
	if r := srv.FTPPASVaddrFor; r.Set && !fl.PasvAddrFor.Set && !fl.PasvAddr.Set && !fl.PasvAddrName.Set {
		s.pasvAddrFor = nil
		for _, x := range r.Value {
			s.pasvAddrFor = append(s.pasvAddrFor, loop.PasvAddrRule{Clients: x.Clients, Addr: x.Addr})
		}
	}
	layer(fl.PasvAnnounce, srv.FTPPASVAnnounceRange, &s.pasvAnnounce)
}

// setSourceCheck maps a SourceCheck* value onto the loop's settings.
func (s *settings) setSourceCheck(v string) {
	s.proxy.Data = v == SourceCheckProxyHeader
	s.proxy.DataFromProxy = v == SourceCheckProxy
}

// applyTicketKeys gives cfg's base TLS config the ticket lifetime and the
// shared session-ticket keys of -tls-ticket-keys (SSLSessionTicketKeyFile),
// if any; with shared keys the session ids start at random
// (loop.Config.SessionIDBase), as other processes open these tickets too.
// Start-up only.
func (s *settings) applyTicketKeys(cfg *loop.Config) error {
	tlsstate.SetTicketLifetime(cfg.TLS, s.ticketLife)
	if s.ticketKeys == "" {
		return nil
	}
	keys, err := tlsstate.LoadTicketKeys(s.ticketKeys)
	if err != nil {
		return fmt.Errorf("-tls-ticket-keys: %w", err)
	}
	cfg.TLS.SetSessionTicketKeys(keys)
	cfg.SessionIDBase = rand.Uint64() >> 1 // half the space left for counting up
	return nil
}

// ticketReload is the key file and the base configs that use it: the
// default host's and each virtual host's.
type ticketReload struct {
	path string
	cfgs []*tls.Config
}

func ticketReloadFor(path string, cfg *loop.Config) ticketReload {
	if path == "" {
		return ticketReload{}
	}
	r := ticketReload{path: path}
	for _, c := range append([]*tls.Config{cfg.TLS}, hostTLS(cfg.VirtualHosts)...) {
		if c != nil && !slices.Contains(r.cfgs, c) {
			r.cfgs = append(r.cfgs, c)
		}
	}
	return r
}

func hostTLS(hosts []*loop.Host) []*tls.Config {
	var out []*tls.Config
	for _, h := range hosts {
		out = append(out, h.TLS)
	}
	return out
}

// reload reads the key file again (SIGHUP): new tickets are sealed with
// its first key, tickets sealed with any of its keys still open; a bad
// file leaves the keys as they were. Runs on the signal-handling
// goroutine; crypto/tls allows SetSessionTicketKeys on a config in use.
func (r ticketReload) reload(log *slog.Logger) {
	if r.path == "" {
		return
	}
	keys, err := tlsstate.LoadTicketKeys(r.path)
	if err != nil {
		log.Error("SIGHUP: session-ticket keys not reloaded", "err", err)
		return
	}
	for _, c := range r.cfgs {
		c.SetSessionTicketKeys(keys)
	}
	log.Info("SIGHUP: session-ticket keys reloaded", "file", r.path, "keys", len(keys))
}
