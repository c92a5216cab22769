package loop

import (
	"crypto/tls"
	"io"
	"net/netip"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// tlsHosts starts a server whose connections reach three hosts: the
// default one with TLS ("default.txt" in its root), one without TLS
// (plain.example) and one that requires it (strict.example).
func tlsHosts(t *testing.T) string {
	t.Helper()
	defRoot := t.TempDir()
	writeFile(t, defRoot, "default.txt", "on the default host\n")
	def := &Host{Root: defRoot, Auth: testUsers{}, TLS: tlsConfig(t)}
	plain := &Host{Names: []string{"plain.example"}, Root: t.TempDir(), Auth: testUsers{}, Banner: "plain here"}
	strict := &Host{Names: []string{"strict.example"}, Root: t.TempDir(), Auth: testUsers{}, TLS: tlsConfig(t),
		RequireTLS: true, Banner: "strict here"}
	cfg := Config{Host: Host{Root: t.TempDir()}, VirtualHosts: []*Host{def, plain, strict},
		Route: func(int, netip.AddrPort) []*Host { return []*Host{def, plain, strict} }}
	addr, _ := startServer(t, cfg)
	return addr
}

// ccc runs CCC on an authenticated control connection and goes on in clear.
func (c *tlsClient) ccc() {
	c.t.Helper()
	c.cmd(200, "CCC")
	tc := c.c.(*tls.Conn)
	if err := tc.CloseWrite(); err != nil {
		c.t.Fatal(err)
	}
	_ = tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(make([]byte, 1)); err != io.EOF {
		c.t.Fatalf("waiting for the server's close_notify: %v", err)
	}
	plain := tc.NetConn()
	_ = plain.SetDeadline(time.Time{})
	c.c, c.tp = plain, textproto.NewConn(plain)
}

// TestHOSTKeepsProtection: HOST to a host that cannot keep the session's
// protection is refused with a reply that says why, and the session stays
// on its host; HOST that loses nothing is accepted (issue 21, item 3).
func TestHOSTKeepsProtection(t *testing.T) {
	addr := tlsHosts(t)
	tests := []struct {
		name   string
		before func(c *tlsClient)
		host   string
		code   int
		why    string // in the refusal
		after  func(c *tlsClient)
	}{
		{name: "under TLS to a host without TLS", before: (*tlsClient).auth, host: "plain.example", code: 504, why: "no TLS",
			after: func(c *tlsClient) {
				// Still the default host: PBSZ and PROT work, its file is there.
				c.protP()
				c.login("alice", "secret")
				c.cmd(213, "SIZE default.txt")
			}},
		{name: "PROT P after CCC to a host without TLS", before: func(c *tlsClient) { c.auth(); c.protP(); c.ccc() },
			host: "plain.example", code: 504, why: "no TLS",
			after: func(c *tlsClient) { c.login("alice", "secret"); c.cmd(213, "SIZE default.txt") }},
		{name: "after CCC to a host requiring TLS", before: func(c *tlsClient) { c.auth(); c.ccc() },
			host: "strict.example", code: 530, why: "requires TLS",
			after: func(c *tlsClient) { c.login("alice", "secret"); c.cmd(213, "SIZE default.txt") }},
		{name: "under TLS to a host requiring TLS", before: (*tlsClient).auth, host: "strict.example", code: 220,
			after: func(c *tlsClient) { c.login("alice", "secret"); c.cmd(550, "SIZE default.txt") }},
		{name: "clear, before AUTH, to a host requiring TLS", host: "strict.example", code: 220,
			after: func(c *tlsClient) {
				c.cmd(530, "USER alice") // the host's RequireTLS, until AUTH
				c.auth()
				c.login("alice", "secret")
				c.cmd(550, "SIZE default.txt")
			}},
		{name: "clear to a host without TLS", host: "plain.example", code: 220,
			after: func(c *tlsClient) { c.login("alice", "secret"); c.cmd(550, "SIZE default.txt") }},
		{name: "after CCC, PROT C, to a host without TLS", before: func(c *tlsClient) { c.auth(); c.ccc() },
			host: "plain.example", code: 220,
			after: func(c *tlsClient) { c.login("alice", "secret"); c.cmd(550, "SIZE default.txt") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
			if tt.before != nil {
				tt.before(c)
			}
			msg := c.cmd(tt.code, "HOST %s", tt.host)
			if tt.why != "" && !strings.Contains(msg, tt.why) {
				t.Errorf("HOST refusal %q does not say %q", msg, tt.why)
			}
			if tt.after != nil {
				tt.after(c)
			}
		})
	}
}
