package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/tlsstate"
)

// TestTLSCommandSequence: AUTH, PBSZ, PROT and CCC in and out of order
// (RFC 4217 §4, §8, §9, §12), with the exact reply codes.
func TestTLSCommandSequence(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	t.Run("before AUTH", func(t *testing.T) {
		c := s.dial(t)
		c.expect("PBSZ 0", 503)
		c.expect("PROT P", 503)
		c.expect("CCC", 503)
		c.expect("AUTH KERBEROS_V4", 504)
		c.expect("AUTH", 501)
		c.expect("NOOP", 200)
	})

	t.Run("after AUTH TLS", func(t *testing.T) {
		c := s.dialTLS(t, clientTLS())
		c.expect("AUTH TLS", 503)
		// A PROT without PBSZ implies PBSZ 0, as vsftpd, ProFTPD and
		// Pure-FTPd take it.
		c.expect("PROT C", 200)
		if r := c.expect("PBSZ 0", 200); r.msg != "PBSZ=0" {
			t.Errorf("PBSZ 0: %q, want 200 PBSZ=0", r)
		}
		for _, tt := range []struct {
			level string
			code  int
		}{{"C", 200}, {"P", 200}, {"S", 536}, {"E", 536}, {"X", 504}, {"c", 200}} {
			c.expect("PROT "+tt.level, tt.code)
		}
		c.login(&alice)
		// The last PROT that succeeded was C: data goes in the clear.
		if data, r := c.retr("RETR hello.txt"); r.code != 226 || string(data) != helloText {
			t.Errorf("RETR after PROT C: %q, %v", data, r)
		}
	})

	for _, tt := range []struct {
		mech    string
		private bool // the draft mechanisms also set PBSZ 0 and PROT P
	}{{"TLS", false}, {"TLS-C", false}, {"tls", false}, {"SSL", true}, {"TLS-P", true}} {
		t.Run("AUTH "+tt.mech, func(t *testing.T) {
			c := s.dial(t)
			c.must("AUTH "+tt.mech, 234)
			cfg := clientTLS()
			if _, err := c.handshake(cfg); err != nil {
				t.Fatalf("handshake after AUTH %s: %v", tt.mech, err)
			}
			c.login(&bob)
			if !tt.private {
				if data, r := c.retr("RETR hello.txt"); r.code != 226 || string(data) != helloText {
					t.Errorf("clear RETR after AUTH %s (PROT C is the default): %q, %v", tt.mech, data, r)
				}
				return
			}
			x := c.retrTLS("RETR hello.txt", cfg)
			x.ok(t, "RETR after AUTH "+tt.mech+" without PBSZ and PROT")
			if string(x.data) != helloText {
				t.Errorf("RETR after AUTH %s: %q", tt.mech, x.data)
			}
		})
	}

	t.Run("bytes pipelined after AUTH are discarded", func(t *testing.T) {
		c := s.dial(t)
		// Were NOOP kept, it would reach the handshake as a bogus record
		// or be answered inside TLS (a STARTTLS command injection).
		c.sendRaw("AUTH TLS\r\nNOOP\r\n")
		if r := c.read(); r.code != 234 {
			t.Fatalf("AUTH TLS: %v, want 234", r)
		}
		if _, err := c.handshake(clientTLS()); err != nil {
			t.Fatalf("handshake after pipelined AUTH TLS + NOOP: %v", err)
		}
		c.expect("SYST", 215)
	})
}

// TestTLSHandshakePolicy: TLS 1.2 with AEAD suites and TLS 1.3 only, and
// ALPN limited to "ftp" (a client offering ALPN without it is refused, the
// ALPACA defence). A refused handshake closes the connection.
func TestTLSHandshakePolicy(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	tests := []struct {
		name    string
		cfg     func(*tls.Config)
		ok      bool
		version uint16 // when ok
		alpn    string // negotiated, when ok
	}{
		{"TLS 1.3", func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 }, true, tls.VersionTLS13, ""},
		{"TLS 1.2 AES-GCM", func(c *tls.Config) {
			c.MaxVersion = tls.VersionTLS12
			c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
		}, true, tls.VersionTLS12, ""},
		{"TLS 1.2 ChaCha20-Poly1305", func(c *tls.Config) {
			c.MaxVersion = tls.VersionTLS12
			c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
		}, true, tls.VersionTLS12, ""},
		{"TLS 1.2 CBC only", func(c *tls.Config) {
			c.MaxVersion = tls.VersionTLS12
			c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA}
		}, false, 0, ""},
		{"TLS 1.1", func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11 }, false, 0, ""},
		{"ALPN ftp", func(c *tls.Config) { c.NextProtos = []string{"ftp"} }, true, tls.VersionTLS13, "ftp"},
		{"ALPN http/1.1 and ftp", func(c *tls.Config) { c.NextProtos = []string{"http/1.1", "ftp"} }, true, tls.VersionTLS13, "ftp"},
		{"ALPN http/1.1 only", func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }, false, 0, ""},
		{"ALPN h2 only, TLS 1.2", func(c *tls.Config) {
			c.NextProtos = []string{"h2"}
			c.MaxVersion = tls.VersionTLS12
		}, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.dial(t)
			c.must("AUTH TLS", 234)
			cfg := clientTLS()
			tt.cfg(cfg)
			tc, err := c.handshake(cfg)
			if !tt.ok {
				if err == nil {
					t.Fatalf("handshake succeeded (%s, ALPN %q), want it refused",
						tls.VersionName(tc.ConnectionState().Version), tc.ConnectionState().NegotiatedProtocol)
				}
				if !connClosed(c.conn, replyTimeout) {
					t.Errorf("the connection stayed open after a refused handshake (%v)", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			st := tc.ConnectionState()
			if st.Version != tt.version || st.NegotiatedProtocol != tt.alpn {
				t.Errorf("negotiated %s, ALPN %q; want %s, ALPN %q",
					tls.VersionName(st.Version), st.NegotiatedProtocol, tls.VersionName(tt.version), tt.alpn)
			}
			c.login(&alice)
			c.expect("PWD", 257)
		})
	}
}

// TestTLSDataReuse: with -tls-reuse user (the default) a PROT P data
// connection must resume a TLS session of its own user from its address:
// a full handshake, or another user's session's ticket, gets 150 then 522.
// With -tls-reuse optional a full handshake is accepted.
func TestTLSDataReuse(t *testing.T) {
	t.Parallel()
	required := rawServer(t)
	optional := rawServer(t, "-tls-reuse", "optional")

	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run("fresh client config "+tls.VersionName(v), func(t *testing.T) {
			cfg := clientTLSVersion(v)
			c := required.loginTLS(t, &alice, cfg)
			x := c.retrTLS("RETR hello.txt", clientTLSVersion(v))
			if x.prelim.code != 150 || x.final.code != 522 {
				t.Errorf("RETR on a data connection that did not resume: %v then %v, want 150 then 522", x.prelim, x.final)
			}
			if x.state.DidResume || len(x.data) != 0 {
				t.Errorf("not resumed: the client saw resumed=%v and received %q, want no data", x.state.DidResume, x.data)
			}
			x = c.storTLS("STOR fresh.bin", clientTLSVersion(v), []byte("must not be stored"), false)
			if x.final.code != 522 {
				t.Errorf("STOR on a data connection that did not resume: %v, want 522", x.final)
			}
			if _, err := os.Stat(required.path("fresh.bin")); !os.IsNotExist(err) {
				t.Errorf("a refused STOR left fresh.bin: %v", err)
			}
			// The session goes on, and its own data connections work.
			c.expect("NOOP", 200)
			x = c.retrTLS("RETR hello.txt", cfg)
			x.ok(t, "RETR resuming the session after a 522")
			if string(x.data) != helloText {
				t.Errorf("RETR: %q", x.data)
			}

			o := optional.loginTLS(t, &alice, clientTLSVersion(v))
			x = o.retrTLS("RETR hello.txt", clientTLSVersion(v))
			if x.final.code != 226 || x.dataErr != nil || string(x.data) != helloText || x.state.DidResume {
				t.Errorf("-tls-reuse optional, full handshake: %v, %v, %q, resumed %v; want 226 with the file",
					x.final, x.dataErr, x.data, x.state.DidResume)
			}
			up := content(100<<10, 41)
			x = o.storTLS("STOR optional.bin", clientTLSVersion(v), up, false)
			if x.final.code != 226 || x.dataErr != nil {
				t.Errorf("-tls-reuse optional, STOR with a full handshake: %v, %v", x.final, x.dataErr)
			}
			if got := readFile(t, optional.path("optional.bin")); got != string(up) {
				t.Errorf("STOR stored %d bytes, want the %d sent", len(got), len(up))
			}
		})
	}

	t.Run("another session's ticket", func(t *testing.T) {
		owner := clientTLS()
		a := required.loginTLS(t, &alice, owner)
		thief := clientTLS()
		b := required.loginTLS(t, &bob, thief)
		ticket, ok := owner.ClientSessionCache.Get(tlsServerName)
		if !ok {
			t.Fatal("the first session left no ticket in its client cache")
		}
		stolen := clientTLS()
		stolen.ClientSessionCache = fixedCache{ticket}
		x := b.retrTLS("RETR hello.txt", stolen)
		if x.prelim.code != 150 || x.final.code != 522 || x.state.DidResume {
			t.Errorf("data connection with another session's ticket: %v then %v, resumed %v; want 150 then 522, not resumed",
				x.prelim, x.final, x.state.DidResume)
		}
		x = b.retrTLS("RETR hello.txt", thief)
		x.ok(t, "RETR with the session's own ticket")
		// The ticket itself was good: its own session resumes it.
		x = a.retrTLS("RETR hello.txt", stolen)
		x.ok(t, "RETR of the session the ticket belongs to")
		x = a.retrTLS("RETR hello.txt", owner)
		x.ok(t, "RETR of the session the ticket belongs to, with its own cache")
	})
}

// fixedCache is a client session cache that always offers one ticket.
type fixedCache struct{ s *tls.ClientSessionState }

func (f fixedCache) Get(string) (*tls.ClientSessionState, bool) { return f.s, true }
func (fixedCache) Put(string, *tls.ClientSessionState)          {}

// TestTLSDataTransfers: PROT P transfers with exact replies: listings,
// REST + RETR, STOR, an upload cut short without close_notify (426, nothing
// stored) and ABOR in the middle of a download.
func TestTLSDataTransfers(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	t.Run("listings and REST", func(t *testing.T) {
		cfg := clientTLS()
		c := s.loginTLS(t, &alice, cfg)
		x := c.retrTLS("MLSD", cfg)
		x.ok(t, "MLSD")
		if f := parseMLSD(t, string(x.data))["hello.txt"]; f["size"] != "12" || f["type"] != "file" {
			t.Errorf("MLSD over PROT P: hello.txt facts %v in %q", f, x.data)
		}
		x = c.retrTLS("NLST", cfg)
		x.ok(t, "NLST")
		if names := lines(string(x.data)); !containsAll(names, []string{"hello.txt", "sub", "big.bin"}) {
			t.Errorf("NLST over PROT P: %q", names)
		}
		x = c.retrTLS("LIST sub", cfg)
		x.ok(t, "LIST sub")
		if l := lines(string(x.data)); len(l) != 1 || !strings.HasSuffix(l[0], " inner.txt") || !listRE.MatchString(l[0]) {
			t.Errorf("LIST sub over PROT P: %q", l)
		}
		c.must("REST 6", 350)
		x = c.retrTLS("RETR hello.txt", cfg)
		x.ok(t, "REST 6 + RETR")
		if string(x.data) != "world\n" {
			t.Errorf("REST 6 + RETR hello.txt: %q, want %q", x.data, "world\n")
		}
	})

	t.Run("STOR and truncated STOR", func(t *testing.T) {
		cfg := clientTLS()
		c := s.loginTLS(t, &alice, cfg)
		up := content(3<<20+1, 42)
		x := c.storTLS("STOR whole.bin", cfg, up, false)
		x.ok(t, "STOR")
		if got := readFile(t, s.path("whole.bin")); got != string(up) {
			t.Errorf("STOR over PROT P: %d bytes on disk, want the %d sent", len(got), len(up))
		}

		before := readTree(t, s.root)
		x = c.storTLS("STOR cut.bin", cfg, up[:1<<20], true)
		if x.prelim.code != 150 || x.final.code != 426 {
			t.Errorf("STOR whose TLS stream ends without close_notify: %v then %v, want 150 then 426", x.prelim, x.final)
		}
		if _, err := os.Stat(s.path("cut.bin")); !os.IsNotExist(err) {
			t.Errorf("a truncated upload was stored as cut.bin: %v", err)
		}
		if diff := diffTrees(before, readTree(t, s.root)); len(diff) > 0 {
			t.Errorf("the truncated upload left files behind: %v", diff)
		}
		c.expect("NOOP", 200)
		x = c.retrTLS("RETR whole.bin", cfg)
		x.ok(t, "RETR after a truncated upload")
		if !bytes.Equal(x.data, up) {
			t.Errorf("RETR whole.bin: %d bytes, want %d", len(x.data), len(up))
		}
	})

	t.Run("ABOR during RETR", func(t *testing.T) {
		cfg := clientTLS()
		c := s.loginTLS(t, &alice, cfg)
		raw := c.epsvData()
		c.must("RETR big.bin", 150)
		d := tls.Client(raw, cfg)
		if _, err := io.ReadFull(d, make([]byte, 256<<10)); err != nil {
			t.Fatalf("reading the first 256 KiB over TLS: %v", err)
		}
		c.send("ABOR")
		if r := c.read(); r.code != 426 {
			t.Errorf("first reply after ABOR: %v, want 426 for the transfer", r)
		}
		if r := c.read(); r.code != 226 {
			t.Errorf("second reply after ABOR: %v, want 226 for the ABOR", r)
		}
		d.Close()
		c.expect("NOOP", 200)
		x := c.retrTLS("RETR hello.txt", cfg)
		x.ok(t, "RETR after ABOR")
		if string(x.data) != helloText {
			t.Errorf("RETR after ABOR: %q", x.data)
		}
	})

	t.Run("active EPRT", func(t *testing.T) {
		cfg := clientTLS()
		c := s.loginTLS(t, &alice, cfg)
		ln, _, eprt := activeListener(t)
		defer ln.Close()
		c.must("EPRT "+eprt, 200)
		c.must("RETR hello.txt", 150)
		_ = ln.SetDeadline(time.Now().Add(replyTimeout))
		raw, err := ln.Accept()
		if err != nil {
			t.Fatalf("the server did not connect: %v", err)
		}
		defer raw.Close()
		_ = raw.SetDeadline(time.Now().Add(dataTimeout))
		// The FTP client is the TLS client on active data connections too
		// (RFC 4217 §7).
		d := tls.Client(raw, cfg)
		data, err := io.ReadAll(d)
		d.Close()
		if err != nil || string(data) != helloText || !d.ConnectionState().DidResume {
			t.Errorf("active PROT P RETR: %q, %v, resumed %v", data, err, d.ConnectionState().DidResume)
		}
		if r := c.read(); r.code != 226 {
			t.Errorf("active PROT P RETR: final reply %v, want 226", r)
		}
	})
}

// TestTLSCCC: CCC answers 200, then the server sends close_notify and the
// control connection goes on in the clear, whether or not the client
// answers with its own close_notify; PROT P still applies to data.
func TestTLSCCC(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	for _, tt := range []struct {
		name        string
		closeNotify bool
	}{{"client sends close_notify", true}, {"client goes on without close_notify", false}} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := clientTLS()
			c := s.loginTLS(t, &alice, cfg)
			tc := c.conn.(*tls.Conn)
			c.must("CCC", 200)
			_ = tc.SetReadDeadline(time.Now().Add(replyTimeout))
			if n, err := tc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
				t.Fatalf("after 200 for CCC: read %d bytes, %v; want io.EOF from the server's close_notify", n, err)
			}
			if tt.closeNotify {
				if err := tc.CloseWrite(); err != nil {
					t.Fatalf("sending close_notify: %v", err)
				}
			}
			raw := tc.NetConn()
			c.conn, c.tp = raw, textproto.NewConn(raw)
			c.expect("NOOP", 200)
			if r := c.expect("PWD", 257); !strings.Contains(r.msg, `"/"`) {
				t.Errorf("PWD in the clear after CCC: %v", r)
			}
			x := c.retrTLS("RETR hello.txt", cfg)
			x.ok(t, "PROT P RETR after CCC")
			if string(x.data) != helloText {
				t.Errorf("PROT P RETR after CCC: %q", x.data)
			}
			c.expect("CCC", 503) // no TLS left to clear
			c.expect("QUIT", 221)
		})
	}
}

// TestTLSRequireTLS: with -require-tls nothing that needs a login works
// before TLS (530, the message saying AUTH TLS), and clear data is refused:
// PROT C and CCC with 534, a transfer while PROT is C with 521.
func TestTLSRequireTLS(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-require-tls", "-implicit", "127.0.0.1:0")

	t.Run("explicit", func(t *testing.T) {
		c := s.dial(t)
		for _, line := range []string{"USER alice", "PASS alice-secret", "USER anonymous", "PWD", "EPSV", "RETR hello.txt"} {
			r := c.expect(line, 530)
			if strings.HasPrefix(line, "USER") && !strings.Contains(r.msg, "AUTH TLS") {
				t.Errorf("%s before TLS: %q does not tell the client to use AUTH TLS", line, r)
			}
		}
		c.expect("NOOP", 200)
		c.expect("PBSZ 0", 503)
		cfg := clientTLS()
		c.startTLS(cfg)
		c.expect("PBSZ 0", 200)
		c.expect("PROT C", 534)
		c.expect("CCC", 534)
		c.login(&alice)
		// AUTH TLS (unlike AUTH SSL) leaves the protection level at C.
		c.epsv()
		c.expect("RETR hello.txt", 521)
		c.expect("LIST", 521)
		c.expect("STOR clear.bin", 521)
		if _, err := os.Stat(s.path("clear.bin")); !os.IsNotExist(err) {
			t.Errorf("a refused STOR created clear.bin: %v", err)
		}
		c.must("PROT P", 200)
		x := c.retrTLS("RETR hello.txt", cfg)
		x.ok(t, "PROT P RETR with -require-tls")
		if string(x.data) != helloText {
			t.Errorf("RETR: %q", x.data)
		}
	})

	t.Run("implicit", func(t *testing.T) {
		cfg := clientTLS()
		c := s.dialImplicit(t, s.implicitAddr(t), cfg)
		c.login(&bob)
		c.protP()
		c.expect("PROT C", 534)
		x := c.retrTLS("RETR hello.txt", cfg)
		x.ok(t, "implicit PROT P RETR with -require-tls")
	})
}

// TestTLSFeat: FEAT announces AUTH TLS, PBSZ, PROT and CCC (RFC 4217 §6),
// and leaves CCC out when -require-tls refuses it.
func TestTLSFeat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		want   []string
		absent []string
	}{
		{"default", nil, []string{"AUTH TLS", "PBSZ", "PROT", "CCC"}, nil},
		{"-require-tls", []string{"-require-tls"}, []string{"AUTH TLS", "PBSZ", "PROT"}, []string{"CCC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serverConfig{args: tt.args})
			c := s.dial(t)
			before := featLines(c.must("FEAT", 211))
			c.startTLS(clientTLS())
			after := featLines(c.must("FEAT", 211))
			for _, feats := range [][]string{before, after} {
				for _, w := range tt.want {
					if !slices.Contains(feats, w) {
						t.Errorf("FEAT lacks %q: %q", w, feats)
					}
				}
				for _, a := range tt.absent {
					if slices.Contains(feats, a) {
						t.Errorf("FEAT lists %q: %q", a, feats)
					}
				}
			}
		})
	}
}

// TestTLSGeneratedCertificate: without -cert the server logs the SHA-256
// fingerprint of the certificate it generated, and presents that
// certificate on explicit and implicit listeners; it is valid for the
// listen address, so a client that pins it as its only root verifies it.
func TestTLSGeneratedCertificate(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-implicit", "127.0.0.1:0")
	m := fingerprintRE.FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatalf("no generated-certificate line with sha256= in the log:\n%s", s.log)
	}
	logged := m[1]

	c := s.dialTLS(t, clientTLS())
	leaf := c.conn.(*tls.Conn).ConnectionState().PeerCertificates[0]
	if got := tlsstate.Fingerprint(leaf.Raw); got != logged {
		t.Errorf("explicit listener presents %s, the log says %s", got, logged)
	}
	ic := s.dialImplicit(t, s.implicitAddr(t), clientTLS())
	if got := tlsstate.Fingerprint(ic.conn.(*tls.Conn).ConnectionState().PeerCertificates[0].Raw); got != logged {
		t.Errorf("implicit listener presents %s, the log says %s", got, logged)
	}
	if leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("generated certificate key: %v, want ECDSA", leaf.PublicKeyAlgorithm)
	}

	pinned := x509.NewCertPool()
	pinned.AddCert(leaf)
	v := s.dial(t)
	v.must("AUTH TLS", 234)
	if _, err := v.handshake(&tls.Config{RootCAs: pinned, ServerName: s.host}); err != nil {
		t.Errorf("verifying the generated certificate for %s with it as the only root: %v", s.host, err)
	}
}

// presentedCert does a TLS handshake on a new connection and returns the
// chain the server presented.
func presentedCert(t *testing.T, s *server) []*x509.Certificate {
	t.Helper()
	c := s.dialTLS(t, clientTLS())
	defer c.conn.Close()
	return c.conn.(*tls.Conn).ConnectionState().PeerCertificates
}

// TestTLSCertReload: -cert/-key files are read again on SIGHUP; new
// handshakes get the new certificate (here with its chain), sessions opened
// before go on, and an unreadable file keeps the current certificate.
func TestTLSCertReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newCert(t, "cert A", certServer, nil)
	certFile := writeFile(t, dir, "cert.pem", a.certPEM)
	keyFile := writeFile(t, dir, "key.pem", a.keyPEM)
	s := rawServer(t, "-cert", certFile, "-key", keyFile)
	if strings.Contains(s.log.String(), "generated self-signed") {
		t.Errorf("the server generated a certificate despite -cert:\n%s", s.log)
	}
	if chain := presentedCert(t, s); !chain[0].Equal(a.cert) {
		t.Fatalf("presented %q, want cert A from -cert", chain[0].Subject.CommonName)
	}

	cfg := clientTLS()
	old := s.loginTLS(t, &alice, cfg)

	ca := newCert(t, "reload CA", certCA, nil)
	b := newCert(t, "cert B", certServer, ca)
	writeFile(t, dir, "cert.pem", b.certPEM, ca.certPEM)
	writeFile(t, dir, "key.pem", b.keyPEM)
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(replyTimeout)
	var chain []*x509.Certificate
	for {
		chain = presentedCert(t, s)
		if chain[0].Equal(b.cert) {
			break
		}
		if !chain[0].Equal(a.cert) {
			t.Fatalf("after SIGHUP: presented %q, want cert A or B", chain[0].Subject.CommonName)
		}
		if time.Now().After(deadline) {
			t.Fatalf("still presenting cert A %v after SIGHUP", replyTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(chain) != 2 || !chain[1].Equal(ca.cert) {
		t.Errorf("after SIGHUP: a chain of %d certificates, want cert B and its CA", len(chain))
	}
	s.waitLog(t, "SIGHUP: certificate reloaded")

	// The session opened before the reload goes on, data included.
	old.expect("NOOP", 200)
	x := old.retrTLS("RETR hello.txt", cfg)
	x.ok(t, "PROT P RETR of a session opened before SIGHUP")
	if string(x.data) != helloText {
		t.Errorf("RETR: %q", x.data)
	}

	// A reload that fails keeps cert B.
	writeFile(t, dir, "cert.pem", []byte("not a certificate\n"))
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, "SIGHUP: certificate not reloaded")
	if chain := presentedCert(t, s); !chain[0].Equal(b.cert) {
		t.Errorf("after a failed reload: presented %q, want cert B still", chain[0].Subject.CommonName)
	}
	s.alive(t)
}

// TestTLSClientCert: with -client-ca the server asks for a client
// certificate; a verified one whose common name is the USER name logs in
// at USER with 232, any other user still needs PASS, and a certificate of
// another CA is refused. -client-cert require refuses clients without one.
func TestTLSClientCert(t *testing.T) {
	t.Parallel()
	dir, ca, aliceCert := clientCertFiles(t, alice.user)
	mallory := newCert(t, "mallory", certClient, ca) // no such user
	rogueCA := newCert(t, "rogue CA", certCA, nil)
	rogue := newCert(t, alice.user, certClient, rogueCA)
	caFile := filepath.Join(dir, "ca.pem")
	optional := rawServer(t, "-client-ca", caFile)
	required := rawServer(t, "-client-ca", caFile, "-client-cert", "require")

	withCert := func(c *testCert, v uint16) *tls.Config {
		cfg := clientTLSVersion(v)
		if c != nil {
			// Certificates would send only a certificate of a CA the
			// server names; the rogue one must reach the server.
			cert := c.tlsCert()
			cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
		}
		return cfg
	}
	tests := []struct {
		name   string
		s      *server
		cert   *testCert
		user   string
		pass   string
		userOK int // reply to USER; 0: the handshake must fail
		passOK int // reply to PASS after 331
	}{
		{"certificate of the user", optional, aliceCert, "alice", "", 232, 0},
		{"certificate of another user", optional, aliceCert, "bob", bob.pass, 331, 230},
		{"certificate of another user, wrong password", optional, aliceCert, "bob", "alice-secret", 331, 530},
		{"certificate of no user", optional, mallory, "mallory", "x", 331, 530},
		{"no certificate", optional, nil, "alice", alice.pass, 331, 230},
		{"certificate of another CA", optional, rogue, "alice", "", 0, 0},
		{"required, certificate of the user", required, aliceCert, "alice", "", 232, 0},
		{"required, no certificate", required, nil, "alice", alice.pass, 0, 0},
	}
	for _, tt := range tests {
		for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			t.Run(tt.name+" "+tls.VersionName(v), func(t *testing.T) {
				cfg := withCert(tt.cert, v)
				c := tt.s.dial(t)
				c.must("AUTH TLS", 234)
				_, err := c.handshake(cfg)
				if tt.userOK == 0 {
					// A TLS 1.3 client finishes its side of the handshake
					// before the server checks its certificate: the refusal
					// then arrives as an alert on the first read.
					if err == nil {
						c.send("USER " + tt.user)
						_, err = c.readErr(replyTimeout)
					}
					if err == nil {
						t.Fatalf("the server accepted the handshake, want it refused")
					}
					if !connClosed(c.conn, replyTimeout) {
						t.Errorf("the connection stayed open after a refused certificate (%v)", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
				c.expect("USER "+tt.user, tt.userOK)
				if tt.userOK == 331 {
					c.expect("PASS "+tt.pass, tt.passOK)
				}
				if tt.userOK == 232 || tt.passOK == 230 {
					c.protP()
					x := c.retrTLS("RETR hello.txt", cfg)
					x.ok(t, "RETR after a certificate login")
					if string(x.data) != helloText {
						t.Errorf("RETR: %q", x.data)
					}
				} else {
					c.expect("PWD", 530)
				}
			})
		}
	}
}

// TestTLSBadHandshakes: a client that sends garbage instead of a
// ClientHello, or stalls its handshake, is disconnected (the stall after
// -handshake-timeout) while other clients log in and transfer.
func TestTLSBadHandshakes(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-handshake-timeout", "1s", "-implicit", "127.0.0.1:0")
	implicit := s.implicitAddr(t)

	// healthy checks that a new client gets through: login, upload and
	// download over PROT P.
	healthy := func(t *testing.T, name string) {
		t.Helper()
		cfg := clientTLS()
		c := s.loginTLS(t, &alice, cfg)
		up := content(200<<10, uint64(len(name)))
		c.storTLS("STOR "+name, cfg, up, false).ok(t, "STOR "+name)
		x := c.retrTLS("RETR "+name, cfg)
		x.ok(t, "RETR "+name)
		if !bytes.Equal(x.data, up) {
			t.Errorf("RETR %s: %d bytes, want the %d stored", name, len(x.data), len(up))
		}
	}

	t.Run("garbage after AUTH TLS", func(t *testing.T) {
		c := s.dial(t)
		c.must("AUTH TLS", 234)
		c.sendRaw("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		if !connClosed(c.conn, replyTimeout) {
			t.Errorf("the connection stayed open after garbage instead of a ClientHello")
		}
		healthy(t, "after-garbage.bin")
	})

	t.Run("plain text to the implicit listener", func(t *testing.T) {
		conn, err := net.DialTimeout("tcp", implicit, replyTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetWriteDeadline(time.Now().Add(replyTimeout))
		_, _ = io.WriteString(conn, "USER alice\r\n")
		_ = conn.SetReadDeadline(time.Now().Add(replyTimeout))
		b, _ := io.ReadAll(conn)
		if bytes.Contains(b, []byte("220")) || bytes.Contains(b, []byte("331")) {
			t.Errorf("the implicit listener answered plain text: %q", b)
		}
		if !connClosed(conn, replyTimeout) {
			t.Errorf("the implicit listener kept a plain-text connection open")
		}
	})

	for _, tt := range []struct {
		name  string
		stall func(t *testing.T) net.Conn
	}{
		{"AUTH TLS then nothing", func(t *testing.T) net.Conn {
			c := s.dial(t)
			c.must("AUTH TLS", 234)
			return c.conn
		}},
		{"half a ClientHello after AUTH TLS", func(t *testing.T) net.Conn {
			c := s.dial(t)
			c.must("AUTH TLS", 234)
			c.sendRaw("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
			return c.conn
		}},
		{"nothing on the implicit listener", func(t *testing.T) net.Conn {
			conn, err := net.DialTimeout("tcp", implicit, replyTimeout)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			return conn
		}},
	} {
		t.Run("stalled: "+tt.name, func(t *testing.T) {
			start := time.Now()
			conn := tt.stall(t)
			if connClosed(conn, 200*time.Millisecond) {
				t.Fatalf("closed at once, before the 1s handshake timeout")
			}
			healthy(t, "during-stall.bin")
			if !connClosed(conn, 5*time.Second) {
				t.Fatalf("a stalled handshake is still open %v after it began (-handshake-timeout 1s)", time.Since(start))
			}
		})
	}
}

// TestTLSConcurrentSessions: 200 clients at once, each AUTH TLS, login,
// PROT P, EPSV and RETR of a 64 KiB file with a resuming Go client, all
// within a bounded time.
func TestTLSConcurrentSessions(t *testing.T) {
	t.Parallel()
	const (
		sessions = 200
		size     = 64 << 10
	)
	root := t.TempDir()
	want := content(size, 77)
	writeTree(t, root, map[string]string{"f64k.bin": string(want)})
	s := startServer(t, serverConfig{root: root})

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	start := make(chan struct{})
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			<-start
			a := &bob
			if i%2 == 1 {
				a = nil // anonymous
			}
			c, err := goTLSDialErr(ctx, s.addr, false, clientTLS(), a)
			if err != nil {
				errs <- fmt.Errorf("session %d: login: %w", i, err)
				return
			}
			defer c.Quit()
			got, err := readResp(c.Retr("f64k.bin"))
			switch st := c.dataStates(); {
			case err != nil:
				errs <- fmt.Errorf("session %d: RETR: %w", i, err)
			case got != string(want):
				errs <- fmt.Errorf("session %d: RETR: %d bytes differ from the %d on disk", i, len(got), len(want))
			case len(st) != 1 || !st[0].DidResume:
				errs <- fmt.Errorf("session %d: the data connection did not resume the control session", i)
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	close(errs)
	var failed []error
	for err := range errs {
		failed = append(failed, err)
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d TLS sessions failed; first ones:\n%v", len(failed), sessions, errors.Join(failed[:min(len(failed), 10)]...))
	}
	if ctx.Err() != nil {
		t.Errorf("%d TLS sessions did not finish within their deadline: %v", sessions, ctx.Err())
	}
	t.Logf("%d concurrent TLS sessions in %v", sessions, time.Since(began))
	c := s.loginTLS(t, &alice, clientTLS())
	c.expect("NOOP", 200)
}
