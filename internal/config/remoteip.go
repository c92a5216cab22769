package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// mod_remoteip's directives for the PROXY protocol (HAProxy's header in
// front of a proxied connection), as ftpsd honours them:
//
//   - RemoteIPProxyProtocol On|Off (server config, <VirtualHost>): the
//     listeners whose connections reach a server with it On take PROXY
//     headers. A header is read before any name is known, so every server a
//     listener can reach (Config.Reachable) must agree; internal/setup
//     refuses a file where they do not. Inherited by virtual hosts.
//   - RemoteIPTrustedProxy addr|CIDR ... (server config only, repeatable,
//     adding up): the proxies allowed to connect to those listeners. It is
//     one list for the process, as the header comes before the virtual host.

func setRemoteIPTrustedProxy(_ *walker, p *place, n *node) error {
	o := &p.srv.Process.RemoteIPTrustedProxy
	for _, a := range n.args {
		pre, err := ParsePrefix(a)
		if err != nil {
			return err
		}
		o.Value = append(o.Value, pre)
	}
	o.Set, o.At = true, n.pos
	return nil
}

// PasvAddrFor is one FTPPASVaddrFor: clients in Clients get Addr in 227
// replies.
type PasvAddrFor struct {
	Clients netip.Prefix
	Addr    netip.Addr
}

// setPASVAddrFor appends a rule; the rules of a virtual host replace the
// main server's as a whole (Opt.inherit).
func setPASVAddrFor(_ *walker, p *place, n *node) error {
	pre, err := ParsePrefix(n.args[0])
	if err != nil {
		return err
	}
	a, err := parseIP(n.args[1])
	if err != nil {
		return err
	}
	if !a.Is4() {
		return errorf("%s is not an IPv4 address (a 227 reply carries IPv4 only)", quoteName(n.args[1]))
	}
	o := &p.srv.FTPPASVaddrFor
	o.Value = append(o.Value, PasvAddrFor{Clients: pre, Addr: a})
	o.Set, o.At = true, n.pos
	return nil
}

// ParseTrusted parses a list of trusted proxies as -proxy-trusted takes
// it: addresses or CIDR prefixes separated by commas or spaces.
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

// ParsePrefix parses one address (a prefix of its full length) or CIDR
// prefix, masked, with IPv4-mapped IPv6 forms unmapped so that they match
// the unmapped addresses connections report.
func ParsePrefix(f string) (netip.Prefix, error) {
	if strings.Contains(f, "/") {
		p, err := netip.ParsePrefix(f)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, errorf("%s is not an address or CIDR", quoteName(f))
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := parseIP(f)
	if err != nil {
		return netip.Prefix{}, errorf("%s is not an address or CIDR", quoteName(f))
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
