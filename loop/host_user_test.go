package loop

import (
	"crypto/tls"
	"net/netip"
	"strings"
	"testing"
)

// TestUserAtHostKeepsProtection: under FTPOptions VirtualHostLogin, USER
// user@host moves the session as HOST does and is refused as HOST is when
// the move would cost the session its protection; the session stays on
// its host and may log in there.
func TestUserAtHostKeepsProtection(t *testing.T) {
	defRoot := t.TempDir()
	writeFile(t, defRoot, "default.txt", "on the default host\n")
	def := &Host{Root: defRoot, Auth: testUsers{}, TLS: tlsConfig(t), Options: HostOptions{VirtualHostLogin: true}}
	plain := &Host{Names: []string{"plain.example"}, Root: t.TempDir(), Auth: testUsers{}}
	strict := &Host{Names: []string{"strict.example"}, Root: t.TempDir(), Auth: testUsers{}, TLS: tlsConfig(t), RequireTLS: true}
	cfg := Config{Host: Host{Root: t.TempDir()}, VirtualHosts: []*Host{def, plain, strict},
		Route: func(int, netip.AddrPort) []*Host { return []*Host{def, plain, strict} }}
	addr, _ := startServer(t, cfg)

	for _, tc := range []struct {
		name   string
		before func(c *tlsClient)
		user   string
		code   int
		why    string
	}{
		{"after CCC to a host requiring TLS", func(c *tlsClient) { c.auth(); c.ccc() }, "alice@strict.example", 530, "requires TLS"},
		{"under TLS to a host without TLS", (*tlsClient).auth, "alice@plain.example", 504, "no TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
			tc.before(c)
			if msg := c.cmd(tc.code, "USER %s", tc.user); !strings.Contains(msg, tc.why) {
				t.Errorf("refusal %q does not say %q", msg, tc.why)
			}
			// Still on the default host, whose file is there.
			c.login("alice", "secret")
			c.cmd(213, "SIZE default.txt")
		})
	}
	// A move that loses nothing still works: under TLS to the strict host.
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.cmd(331, "USER alice@strict.example")
	c.cmd(230, "PASS secret")
	c.cmd(550, "SIZE default.txt")
}
