package config

import (
	"net/netip"
	"testing"
	"time"
)

// The mod_remoteip cases join the directive table's tests.
func init() {
	directiveTests = append(directiveTests, []struct {
		name  string
		conf  string
		errs  string
		notes []string
		check check
	}{
		{name: "RemoteIP PROXY protocol", conf: "RemoteIPProxyProtocol On\nRemoteIPTrustedProxy 10.0.0.0/8 192.0.2.7\nRemoteIPTrustedProxy ::ffff:10.1.2.3 2001:db8::/32\n" + vh("FTP On"),
			check: func(t *testing.T, c *Config) {
				eq(t, "main", c.Main.RemoteIPProxyProtocol.Value, true)
				eq(t, "trusted", c.Main.Process.RemoteIPTrustedProxy.Value, []netip.Prefix{
					netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
					netip.MustParsePrefix("10.1.2.3/32"), netip.MustParsePrefix("2001:db8::/32")})
				eq(t, "inherited by the virtual host", c.Servers()[1].RemoteIPProxyProtocol.Or(false), true)
			}},
		{name: "RemoteIPProxyProtocol not a flag", conf: "RemoteIPProxyProtocol sometimes", errs: at(1, "RemoteIPProxyProtocol: sometimes is not On or Off")},
		{name: "RemoteIPTrustedProxy not an address", conf: "RemoteIPTrustedProxy lb.example", errs: at(1, "RemoteIPTrustedProxy: lb.example is not an address or CIDR")},
		{name: "SSLSessionTicketKeyFile", conf: "SSLSessionTicketKeyFile conf/ticket.key\n",
			check: onMain(func(t *testing.T, s *Server) {
				eq(t, "key file", s.Process.SessionTicketKeyFile.Value, "/etc/ftpsd/conf/ticket.key")
			})},
		{name: "FTPTLSTicketLifetime", conf: "FTPTLSTicketLifetime 12h\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "lifetime", s.Process.TicketLifetime.Value, 12*time.Hour)
		})},
		{name: "FTPTLSTicketLifetime too long", conf: "FTPTLSTicketLifetime 48h\n", errs: at(1, "FTPTLSTicketLifetime: 48h is not a number of seconds or a duration such as 500ms (at most 24h)")},
		{name: "SSLSessionTicketKeyFile in a virtual host", conf: vh("SSLSessionTicketKeyFile a.key"), errs: at(2, "SSLSessionTicketKeyFile is not allowed in <VirtualHost> (allowed in server config)")},
		{name: "FTPPASVSourceCheck", conf: "FTPPASVSourceCheck proxy-header\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "source check", s.Process.PasvSourceCheck.Value, "proxy-header")
		})},
		{name: "FTPPASVSourceCheck anyone", conf: "FTPPASVSourceCheck anyone\n", errs: at(1, "FTPPASVSourceCheck: anyone is not one of client, proxy-header, proxy")},
		{name: "FTPPASVaddrFor and FTPPASVAnnounceRange", conf: "FTPPASVaddrFor 10.0.0.0/8 10.1.1.1\nFTPPASVaddrFor 192.0.2.7 192.0.2.1\nFTPPASVAnnounceRange 40000 40999\n" +
			vh("FTP On") + vh("FTPPASVaddrFor 172.16.0.0/12 172.16.0.1"),
			check: func(t *testing.T, c *Config) {
				main := []PasvAddrFor{{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParseAddr("10.1.1.1")},
					{netip.MustParsePrefix("192.0.2.7/32"), netip.MustParseAddr("192.0.2.1")}}
				eq(t, "main rules", c.Main.FTPPASVaddrFor.Value, main)
				eq(t, "announce", c.Main.FTPPASVAnnounceRange.Value, PortRange{40000, 40999})
				eq(t, "inherited rules", c.Servers()[1].FTPPASVaddrFor.Value, main)
				eq(t, "replaced rules", c.Servers()[2].FTPPASVaddrFor.Value,
					[]PasvAddrFor{{netip.MustParsePrefix("172.16.0.0/12"), netip.MustParseAddr("172.16.0.1")}})
				eq(t, "inherited announce", c.Servers()[2].FTPPASVAnnounceRange.Value, PortRange{40000, 40999})
			}},
		{name: "FTPPASVaddrFor IPv6", conf: "FTPPASVaddrFor 10.0.0.0/8 2001:db8::1\n", errs: at(1, "FTPPASVaddrFor: 2001:db8::1 is not an IPv4 address (a 227 reply carries IPv4 only)")},
		{name: "FTPPASVAnnounceRange empty", conf: "FTPPASVAnnounceRange 40999 40000\n", errs: at(1, "FTPPASVAnnounceRange: range 40999-40000 is empty (low port above high port)")},
		{name: "RemoteIPTrustedProxy in a virtual host", conf: vh("RemoteIPTrustedProxy 10.0.0.1"), errs: at(2, "RemoteIPTrustedProxy is not allowed in <VirtualHost> (allowed in server config)")},
	}...)
}

func TestParseTrusted(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []netip.Prefix
		ok   bool
	}{
		{"127.0.0.10", []netip.Prefix{netip.MustParsePrefix("127.0.0.10/32")}, true},
		{"10.1.2.3/8, 2001:db8::1", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}, true},
		{"::ffff:192.0.2.0/120", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, true},
		{"", nil, false},
		{"10.0.0.0/33", nil, false},
		{"fe80::1%eth0", nil, false},
	} {
		got, err := ParseTrusted(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseTrusted(%q): %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		eq(t, tc.in, got, tc.want)
	}
}
