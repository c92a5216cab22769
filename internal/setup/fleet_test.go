package setup

import (
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/loop"
)

// TestProxyDirectives: RemoteIPProxyProtocol and RemoteIPTrustedProxy map
// onto the listeners and the trusted list, the flags override them, and a
// listener whose servers disagree is refused.
func TestProxyDirectives(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	base := "Listen 127.0.0.1:0\nListen 127.0.0.2:0\nFTP On\nDocumentRoot root\n"
	tests := []struct {
		name      string
		text      string
		flags     Flags
		wantProxy []bool // per listener
		trusted   []netip.Prefix
		wantErr   string
	}{
		{"off by default", base, Flags{}, []bool{false, false}, nil, ""},
		{"main server on", base + "RemoteIPProxyProtocol On\nRemoteIPTrustedProxy 10.0.0.0/8\nRemoteIPTrustedProxy 192.0.2.7\n",
			Flags{}, []bool{true, true}, trusted, ""},
		{"one address-based virtual host on", base + "RemoteIPTrustedProxy 10.0.0.0/8 192.0.2.7\n<VirtualHost 127.0.0.2:*>\nFTP On\nRemoteIPProxyProtocol On\n</VirtualHost>\n",
			Flags{}, []bool{false, true}, trusted, ""},
		{"the flag overrides the file", base + "RemoteIPProxyProtocol On\nRemoteIPTrustedProxy 10.0.0.0/8\n",
			Flags{ProxyProtocol: Given(false), ProxyTrusted: Given(trusted[1:])}, []bool{false, false}, trusted[1:], ""},
		{"servers of one listener disagree", "Listen 127.0.0.1:0\nFTP On\nDocumentRoot root\nRemoteIPTrustedProxy 10.0.0.0/8\n" +
			"<VirtualHost *:0>\nServerName a.example\nFTP On\nRemoteIPProxyProtocol On\n</VirtualHost>\n<VirtualHost *:0>\nServerName b.example\nFTP On\n</VirtualHost>\n",
			Flags{}, nil, nil, "every server a listener reaches must agree"},
		{"on without trusted proxies", base + "RemoteIPProxyProtocol On\n", Flags{}, nil, nil, "no proxy is trusted"},
		{"trusted proxy not an address", base + "RemoteIPTrustedProxy haproxy.example\n", Flags{}, nil, nil, "not an address or CIDR"},
		{"trusted proxy in a virtual host", base + "<VirtualHost *:0>\nRemoteIPTrustedProxy 10.0.0.1\n</VirtualHost>\n", Flags{}, nil, nil, "not allowed in <VirtualHost>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := fcMap(t, dir, tc.text, tc.flags)
			if tc.wantErr != "" {
				if !slices.ContainsFunc(m.errs, func(e string) bool { return strings.Contains(e, tc.wantErr) }) {
					t.Fatalf("errors %q, want one with %q", m.errs, tc.wantErr)
				}
				return
			}
			if len(m.errs) > 0 {
				t.Fatalf("errors %q", m.errs)
			}
			var got []bool
			for _, l := range m.cfg.Listeners {
				got = append(got, l.Proxy)
			}
			if !slices.Equal(got, tc.wantProxy) {
				t.Errorf("listeners' Proxy %v, want %v", got, tc.wantProxy)
			}
			if !slices.Equal(m.cfg.Proxy.Trusted, tc.trusted) {
				t.Errorf("Trusted %v, want %v", m.cfg.Proxy.Trusted, tc.trusted)
			}
		})
	}
}

// TestPasvName: -pasv-addr given as a name is resolved at start-up (a name
// that does not resolve is an error) and announced through PasvAddrFunc.
func TestPasvName(t *testing.T) {
	t.Parallel()
	s := resolve(Flags{PasvAddrName: Given("localhost")})
	var h loop.Host
	if err := s.applyPasv(&h, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if h.PasvAddrFunc == nil {
		t.Fatal("no PasvAddrFunc for a name")
	}
	if got := h.PasvAddrFunc(); got != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("PasvAddrFunc for localhost: %v", got)
	}
	s = resolve(Flags{PasvAddrName: Given("no-such-host.invalid")})
	if err := s.applyPasv(&h, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("a name that does not resolve was accepted")
	}
}
