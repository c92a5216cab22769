package loop

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// TestPasvAnnounce: the 227 address follows the client's network, the real
// one behind a PROXY balancer, and 227 and 229 announce mapped ports.
func TestPasvAnnounce(t *testing.T) {
	inside, public := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("203.0.113.7")
	// A random range below the ephemeral ports; Listen tries each of its
	// ten ports, so one taken by someone else does not matter.
	lo := uint16(20000 + rand.IntN(9000))
	addr := startProxyServer(t, Config{Host: Host{
		PasvAddr:        netip.MustParseAddr("198.51.100.1"), // PasvAddrFunc wins over it
		PasvAddrFor:     []PasvAddrRule{{Clients: netip.MustParsePrefix("192.0.2.0/28"), Addr: inside}},
		PasvMin:         lo,
		PasvMax:         lo + 9,
		PasvAnnounceMin: 41000,
		// A resolver's answer, overridden for the rule's network too.
		PasvAddrFunc: func() netip.Addr { return public },
	}})
	for _, tc := range []struct {
		client netip.Addr
		want   netip.Addr
	}{
		{netip.MustParseAddr("192.0.2.7"), inside},
		{netip.MustParseAddr("192.0.2.99"), public},
	} {
		t.Run(tc.client.String(), func(t *testing.T) {
			cl := viaProxy(t, addr, 2, tc.client, 1)
			cl.login("alice", "secret")
			hp, ok := testserver.PASVAddr(cl.cmd(227, "PASV"))
			if !ok {
				t.Fatal("227 without an address")
			}
			ap := netip.MustParseAddrPort(hp)
			if ap.Addr() != tc.want || ap.Port() < 41000 || ap.Port() > 41009 {
				t.Errorf("227 announces %v, want %v and a port in 41000-41009", ap, tc.want)
			}
			port, ok := testserver.EPSVPort(cl.cmd(229, "EPSV"))
			if !ok || port < 41000 || port > 41009 {
				t.Errorf("229 announces port %d, want one in 41000-41009", port)
			}
			if msg := cl.cmd(211, "STAT"); !strings.Contains(msg, tc.client.String()) {
				t.Errorf("STAT %q", msg)
			}
		})
	}
}
