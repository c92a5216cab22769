package setup

import (
	"crypto/rand"
	"crypto/tls"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
		{"source check from the file", base + "RemoteIPTrustedProxy 10.0.0.0/8 192.0.2.7\nFTPPASVSourceCheck proxy\n", Flags{},
			[]bool{false, false}, trusted, ""},
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

// TestTicketKeysShared: two servers built with the same -tls-ticket-keys
// file (two instances) resume each other's TLS sessions; a server with a
// random key does not, and a bad file stops the build.
func TestTicketKeysShared(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "ticket.key")
	key := make([]byte, 48)
	_, _ = rand.Read(key)
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	var bases []uint64
	build := func(fl Flags) *tls.Config {
		t.Helper()
		fl.Root = Given(dir)
		s := resolve(fl)
		certs, err := s.loadCerts(slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := s.config(slog.New(slog.DiscardHandler), certs)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, cfg.SessionIDBase)
		return cfg.TLS
	}
	a, b, other := build(Flags{TicketKeys: Given(keyFile)}), build(Flags{TicketKeys: Given(keyFile)}), build(Flags{})
	// With shared keys the session ids start at random, so that the two
	// number their sessions apart; without, at 0 as always.
	if bases[0] == bases[1] || bases[2] != 0 {
		t.Errorf("session id bases %v: want two different ones, then 0", bases)
	}
	cli := &tls.Config{InsecureSkipVerify: true, ClientSessionCache: tls.NewLRUClientSessionCache(4), NextProtos: []string{"ftp"}}
	handshake := func(srv *tls.Config) bool {
		t.Helper()
		x, y := net.Pipe()
		defer x.Close()
		defer y.Close()
		_ = x.SetDeadline(time.Now().Add(10 * time.Second))
		_ = y.SetDeadline(time.Now().Add(10 * time.Second))
		done := make(chan error, 1)
		go func() {
			s := tls.Server(x, srv)
			err := s.Handshake()
			if err == nil {
				_, err = s.Write([]byte{1}) // the client reads the TLS 1.3 ticket with it
			}
			done <- err
		}()
		c := tls.Client(y, cli)
		if _, err := c.Read(make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		return c.ConnectionState().DidResume
	}
	if handshake(a) {
		t.Fatal("the first handshake resumed")
	}
	if !handshake(b) {
		t.Error("a server with the same key file did not resume the session")
	}
	if handshake(other) {
		t.Error("a server with its own random key resumed the session")
	}

	if err := os.WriteFile(keyFile, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := resolve(Flags{Root: Given(dir), TicketKeys: Given(keyFile)})
	certs, _ := s.loadCerts(slog.New(slog.DiscardHandler))
	if _, err := s.config(slog.New(slog.DiscardHandler), certs); err == nil {
		t.Error("a bad key file was accepted")
	}
}

// TestSourceCheckMapping: FTPPASVSourceCheck and its flags set the loop's
// data-connection policy; a flag given wins over the file.
func TestSourceCheckMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	conf := "Listen 127.0.0.1:0\nFTP On\nDocumentRoot root\nRemoteIPTrustedProxy 10.0.0.1\nFTPPASVSourceCheck proxy\n"
	for _, tc := range []struct {
		name          string
		flags         Flags
		data, asProxy bool
	}{
		{"file", Flags{}, false, true},
		{"-pasv-source-check client", Flags{PasvSourceCheck: Given(SourceCheckClient)}, false, false},
		{"-proxy-data", Flags{ProxyData: Given(true)}, true, false},
		{"-pasv-source-check proxy-header", Flags{PasvSourceCheck: Given(SourceCheckProxyHeader)}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := fcMap(t, dir, conf, tc.flags)
			if len(m.errs) > 0 {
				t.Fatal(m.errs)
			}
			if m.cfg.Proxy.Data != tc.data || m.cfg.Proxy.DataFromProxy != tc.asProxy {
				t.Errorf("Data %v, DataFromProxy %v; want %v, %v", m.cfg.Proxy.Data, m.cfg.Proxy.DataFromProxy, tc.data, tc.asProxy)
			}
		})
	}
}

// TestPasvForDirectives: FTPPASVaddrFor and FTPPASVAnnounceRange reach the
// host; -pasv-addr replaces the rules.
func TestPasvForDirectives(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	conf := "Listen 127.0.0.1:0\nFTP On\nDocumentRoot root\nFTPPASVrange 50000 50999\nFTPPASVAnnounceRange 40000 40999\nFTPPASVaddrFor 10.0.0.0/8 10.0.0.5\nFTPPASVaddr 203.0.113.7\n"
	m := fcMap(t, dir, conf)
	if len(m.errs) > 0 {
		t.Fatal(m.errs)
	}
	want := []loop.PasvAddrRule{{Clients: netip.MustParsePrefix("10.0.0.0/8"), Addr: netip.MustParseAddr("10.0.0.5")}}
	if !slices.Equal(m.cfg.PasvAddrFor, want) || m.cfg.PasvAnnounceMin != 40000 || m.cfg.PasvAddr != netip.MustParseAddr("203.0.113.7") {
		t.Errorf("PasvAddrFor %v, PasvAnnounceMin %d, PasvAddr %v", m.cfg.PasvAddrFor, m.cfg.PasvAnnounceMin, m.cfg.PasvAddr)
	}
	m = fcMap(t, dir, conf, Flags{PasvAddr: Given(netip.MustParseAddr("198.51.100.1"))})
	if len(m.errs) > 0 || m.cfg.PasvAddrFor != nil || m.cfg.PasvAddr != netip.MustParseAddr("198.51.100.1") {
		t.Errorf("with -pasv-addr: rules %v, PasvAddr %v, errors %v", m.cfg.PasvAddrFor, m.cfg.PasvAddr, m.errs)
	}
	m = fcMap(t, dir, strings.Replace(conf, "40999", "41999", 1))
	if !slices.ContainsFunc(m.errs, func(e string) bool { return strings.Contains(e, "same length") }) {
		t.Errorf("announce range of another length: errors %v", m.errs)
	}
}
