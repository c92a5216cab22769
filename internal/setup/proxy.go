package setup

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/ftpsd/ftpsd/loop"
)

// applyProxy puts the PROXY protocol settings into cfg: with
// proxyProtocol every listener served takes PROXY headers (loop checks
// that some proxy is trusted).
func (s *settings) applyProxy(cfg *loop.Config) {
	cfg.Proxy = s.proxy
	if s.proxyProtocol {
		for i := range cfg.Listeners {
			cfg.Listeners[i].Proxy = true
		}
	}
}

// ParseTrusted parses a list of trusted proxies, as -proxy-trusted and
// RemoteIPTrustedProxy take them: addresses or CIDR prefixes, separated
// by commas or spaces. A bare address is a prefix of its full length.
func ParseTrusted(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		p, err := ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no address or CIDR in %q", list)
	}
	return out, nil
}

// ParsePrefix parses one address or CIDR prefix, masked, IPv4-mapped
// addresses unmapped.
func ParsePrefix(f string) (netip.Prefix, error) {
	if strings.Contains(f, "/") {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR", f)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(f)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR", f)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
