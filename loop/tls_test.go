package loop

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/netip"
	"net/textproto"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/testserver"
	"github.com/ftpsd/ftpsd/tlsstate"
)

var (
	serverCertOnce sync.Once
	serverCert     tls.Certificate
)

// tlsConfig returns a server base config with a self-signed certificate.
func tlsConfig(t *testing.T) *tls.Config {
	t.Helper()
	serverCertOnce.Do(func() {
		var err error
		if serverCert, _, err = tlsstate.SelfSigned([]string{"127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	})
	store := &tlsstate.CertStore{}
	store.Set(&serverCert)
	return tlsstate.BaseConfig(store)
}

// clientTLS is a client config that resumes sessions (testserver.ClientTLS).
func clientTLS(version uint16) *tls.Config { return testserver.ClientTLS("ftpsd.test", version) }

// tlsClient is a control connection that can switch to TLS.
type tlsClient struct {
	*client
	cfg *tls.Config
}

func dialTLS(t *testing.T, addr string, cfg *tls.Config) *tlsClient {
	return &tlsClient{client: dial(t, addr), cfg: cfg}
}

// dialImplicit connects to an implicit-TLS listener: the handshake first,
// then the caller reads the greeting. The connection closes with the test.
func dialImplicit(t *testing.T, addr string, cfg *tls.Config) *tlsClient {
	t.Helper()
	raw, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("implicit TLS dial: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return &tlsClient{client: &client{t: t, c: raw, tp: textproto.NewConn(raw)}, cfg: cfg}
}

// auth sends AUTH TLS and runs the handshake over the control connection.
func (c *tlsClient) auth() {
	c.t.Helper()
	c.cmd(234, "AUTH TLS")
	tc := tls.Client(c.c, c.cfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("control handshake: %v", err)
	}
	_ = tc.SetDeadline(time.Time{})
	c.c = tc
	c.tp = textproto.NewConn(tc)
}

// protP negotiates protected data connections.
func (c *tlsClient) protP() {
	c.t.Helper()
	c.cmd(200, "PBSZ 0")
	c.cmd(200, "PROT P")
}

// data opens an EPSV data connection; the TLS handshake, if any, is left
// to the caller, after the 150.
func (c *tlsClient) data() net.Conn {
	c.t.Helper()
	msg := c.cmd(229, "EPSV")
	port, err := codec.ParseEPSV([]byte(msg))
	if err != nil {
		c.t.Fatal(err)
	}
	d, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(int(port)), 5*time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { d.Close() })
	return d
}

// secureData runs the client side of a PROT P data handshake.
func secureData(t *testing.T, d net.Conn, cfg *tls.Config) *tls.Conn {
	t.Helper()
	tc := tls.Client(d, cfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("data handshake: %v", err)
	}
	return tc
}

// retrP downloads name over a PROT P data connection with cfg, ends it
// properly and expects 150 then 226; it returns the bytes received.
func (c *tlsClient) retrP(name string, cfg *tls.Config) string {
	c.t.Helper()
	d := c.data()
	c.cmd(150, "RETR %s", name)
	tc := secureData(c.t, d, cfg)
	got, _ := io.ReadAll(tc)
	closeData(tc)
	c.expect(226)
	return string(got)
}

// closeData ends a TLS data connection properly: close_notify both ways.
func closeData(tc *tls.Conn) {
	_ = tc.CloseWrite()
	_, _ = io.Copy(io.Discard, tc)
	_ = tc.Close()
}

func TestTLSCommandStates(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	type step struct {
		line string
		code int
	}
	tests := []struct {
		name  string
		auth  bool // AUTH TLS first
		steps []step
	}{
		{name: "PBSZ before AUTH", steps: []step{{"PBSZ 0", 503}}},
		{name: "PROT before AUTH", steps: []step{{"PROT P", 503}}},
		{name: "CCC before AUTH", steps: []step{{"CCC", 503}}},
		{name: "unknown mechanism", steps: []step{{"AUTH KERBEROS_V4", 504}}},
		{name: "AUTH without argument", steps: []step{{"AUTH", 501}}},
		{name: "PROT without PBSZ implies PBSZ 0", auth: true, steps: []step{{"PROT P", 200}, {"PROT C", 200}, {"PBSZ 0", 200}}},
		{name: "PBSZ junk", auth: true, steps: []step{{"PBSZ x", 501}}},
		{name: "PROT levels", auth: true, steps: []step{{"PBSZ 0", 200}, {"PROT C", 200}, {"PROT P", 200}, {"PROT S", 536}, {"PROT E", 536}, {"PROT Q", 504}}},
		{name: "second AUTH", auth: true, steps: []step{{"AUTH TLS", 503}}},
		{name: "login after AUTH", auth: true, steps: []step{{"USER alice", 331}, {"PASS secret", 230}, {"PWD", 257}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
			if tc.auth {
				c.auth()
			}
			for _, s := range tc.steps {
				c.cmd(s.code, "%s", s.line)
			}
		})
	}
}

func TestTLSFeat(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	msg := dial(t, addr).cmd(211, "FEAT")
	contains("AUTH TLS", "PBSZ", "PROT", "CCC")(t, msg)

	plainAddr, _ := startServer(t, Config{})
	plain := dial(t, plainAddr)
	if msg := plain.cmd(211, "FEAT"); strings.Contains(msg, "AUTH") {
		t.Errorf("FEAT without TLS lists AUTH: %q", msg)
	}
	plain.cmd(502, "AUTH TLS")

	reqAddr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t), RequireTLS: true}})
	if msg := dial(t, reqAddr).cmd(211, "FEAT"); strings.Contains(msg, "CCC") {
		t.Errorf("FEAT under RequireTLS lists CCC: %q", msg)
	}
}

// TestExplicitTLSTransfers: RETR and STOR over PROT P and PROT C, TLS 1.2
// and 1.3, with the data connection resuming the control session.
func TestExplicitTLSTransfers(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	want := randomFile(t, root, "blob", 2<<20)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, prot := range []string{"P", "C"} {
			t.Run(tls.VersionName(version)+" PROT "+prot, func(t *testing.T) {
				cfg := clientTLS(version)
				c := dialTLS(t, addr, cfg)
				c.auth()
				c.cmd(200, "PBSZ 0")
				c.cmd(200, "PROT %s", prot)
				c.login("alice", "secret")

				wrap := func(d net.Conn) net.Conn {
					if prot == "P" {
						tc := secureData(t, d, cfg)
						if !tc.ConnectionState().DidResume {
							t.Error("data connection did not resume the control session")
						}
						return tc
					}
					return d
				}
				d := c.data()
				c.cmd(150, "%s", "RETR blob")
				dc := wrap(d)
				got, err := io.ReadAll(dc)
				if err != nil {
					t.Fatalf("RETR read: %v", err)
				}
				if tc, ok := dc.(*tls.Conn); ok {
					_ = tc.Close()
				}
				c.expect(226)
				if !bytes.Equal(got, want) {
					t.Fatalf("RETR got %d bytes, want %d", len(got), len(want))
				}

				d = c.data()
				name := "up-" + prot + strconv.Itoa(int(version))
				c.cmd(150, "STOR %s", name)
				dc = wrap(d)
				if _, err := dc.Write(want); err != nil {
					t.Fatal(err)
				}
				if tc, ok := dc.(*tls.Conn); ok {
					closeData(tc)
				} else {
					dc.Close()
				}
				c.expect(226)
				stored, _ := os.ReadFile(filepath.Join(root, name))
				if !bytes.Equal(stored, want) {
					t.Fatalf("STOR stored %d bytes, want %d", len(stored), len(want))
				}
			})
		}
	}
}

// TestDataWithoutResumption: a PROT P data connection that does a full
// handshake is refused with 522 by default and accepted when allowed.
func TestDataWithoutResumption(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run("allow="+strconv.FormatBool(allow), func(t *testing.T) {
			addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t), AllowDataWithoutReuse: allow}})
			writeFile(t, root, "f", "data")
			c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
			c.auth()
			c.protP()
			c.login("alice", "secret")
			d := c.data()
			c.cmd(150, "RETR f")
			// A fresh config has no ticket: a full handshake.
			tc := tls.Client(d, &tls.Config{InsecureSkipVerify: true, ServerName: "ftpsd.test"})
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			herr := tc.Handshake()
			if !allow {
				c.expect(522)
				return
			}
			if herr != nil {
				t.Fatal(herr)
			}
			got, _ := io.ReadAll(tc)
			closeData(tc)
			c.expect(226)
			if string(got) != "data" {
				t.Fatalf("got %q", got)
			}
		})
	}
}

// TestDataWithAnotherSessionsTicket: a data connection that presents the
// ticket of a different control session does not resume, so it is refused:
// under the default user policy too, since that session has not logged in
// (tlsreuse_test.go has the other cases).
func TestDataWithAnotherSessionsTicket(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	writeFile(t, root, "f", "secret data")
	victimCfg := clientTLS(tls.VersionTLS13)
	victim := dialTLS(t, addr, victimCfg)
	victim.auth()
	victim.cmd(200, "NOOP") // the TLS 1.3 ticket arrives with the first read

	attacker := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	attacker.auth()
	attacker.protP()
	attacker.login("alice", "secret")
	d := attacker.data()
	attacker.cmd(150, "RETR f")
	// The attacker's data connection offers the victim's ticket.
	tc := tls.Client(d, victimCfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err == nil && tc.ConnectionState().DidResume {
		t.Error("data connection resumed another session's ticket")
	}
	attacker.expect(522)
}

func TestImplicitTLS(t *testing.T) {
	bound, root := startListeners(t, Config{Host: Host{TLS: tlsConfig(t)}, Listeners: []Listener{{Addr: "127.0.0.1:0", Implicit: true}}})
	writeFile(t, root, "f", "implicit data")
	c := dialImplicit(t, bound[0].Addr.String(), clientTLS(tls.VersionTLS13))
	c.expect(220)
	c.protP()
	c.login("alice", "secret")
	if got := c.retrP("f", c.cfg); got != "implicit data" {
		t.Fatalf("got %q", got)
	}
	c.cmd(503, "AUTH TLS")
}

func TestRequireTLS(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t), RequireTLS: true}})
	writeFile(t, root, "f", "x")
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	msg := c.cmd(530, "USER alice")
	if !strings.Contains(msg, "AUTH TLS") {
		t.Errorf("530 does not say why: %q", msg)
	}
	c.cmd(530, "PASS secret")
	c.cmd(530, "PWD")
	c.cmd(200, "NOOP")
	c.auth()
	c.login("alice", "secret")
	c.cmd(200, "PBSZ 0")
	c.cmd(521, "RETR f") // still PROT C
	c.cmd(534, "PROT C")
	c.cmd(534, "CCC")
	c.cmd(200, "PROT P")
	if got := c.retrP("f", c.cfg); got != "x" {
		t.Fatalf("got %q", got)
	}
}

// TestCCC: after CCC the control connection is clear and the data
// protection level is unchanged.
func TestCCC(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	writeFile(t, root, "f", "after ccc")
	cfg := clientTLS(tls.VersionTLS12)
	c := dialTLS(t, addr, cfg)
	c.auth()
	c.protP()
	c.login("alice", "secret")
	c.cmd(200, "CCC")
	// Exchange close_notify, then speak in the clear on the same socket.
	tc := c.c.(*tls.Conn)
	if err := tc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	_ = tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("waiting for the server's close_notify: %v", err)
	}
	plain := tc.NetConn()
	// crypto/tls leaves an expired write deadline behind after close_notify.
	_ = plain.SetDeadline(time.Time{})
	c.c, c.tp = plain, textproto.NewConn(plain)
	c.cmd(257, "PWD")
	c.cmd(503, "AUTH TLS")
	if got := c.retrP("f", cfg); got != "after ccc" {
		t.Fatalf("got %q", got)
	}
}

// TestCCCWithoutClientCloseNotify: curl reads the server's close_notify
// after CCC and then speaks in the clear without sending its own.
func TestCCCWithoutClientCloseNotify(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.login("alice", "secret")
	c.cmd(200, "CCC")
	tc := c.c.(*tls.Conn)
	_ = tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("waiting for the server's close_notify: %v", err)
	}
	plain := tc.NetConn()
	_ = plain.SetDeadline(time.Time{})
	c.c, c.tp = plain, textproto.NewConn(plain)
	c.cmd(257, "PWD")
	c.cmd(200, "NOOP")
}

// TestTruncatedTLSUpload: an upload whose TLS stream ends without
// close_notify is a failed transfer (426), and leaves no file.
func TestTruncatedTLSUpload(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.protP()
	c.login("alice", "secret")
	d := c.data()
	c.cmd(150, "STOR cut")
	tc := secureData(t, d, c.cfg)
	if _, err := tc.Write(bytes.Repeat([]byte("x"), 100000)); err != nil {
		t.Fatal(err)
	}
	d.Close() // FIN, no close_notify
	c.expect(426)
	if _, err := os.Stat(filepath.Join(root, "cut")); !os.IsNotExist(err) {
		t.Errorf("a truncated upload left a file: %v", err)
	}
}

func TestClientCertificateLogin(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	clientCert := func(cn string) tls.Certificate {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
		der, _ := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	base := tlsConfig(t)
	base.ClientCAs = pool
	base.ClientAuth = tls.VerifyClientCertIfGiven
	addr, _ := startServer(t, Config{Host: Host{TLS: base}})

	tests := []struct {
		name string
		cert *tls.Certificate
		user string
		code int
	}{
		{name: "CN matches", cert: ptr(clientCert("alice")), user: "alice", code: 232},
		{name: "CN differs", cert: ptr(clientCert("bob")), user: "alice", code: 331},
		{name: "CN of unknown account", cert: ptr(clientCert("mallory")), user: "mallory", code: 331},
		{name: "no certificate", user: "alice", code: 331},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := clientTLS(tls.VersionTLS13)
			if tc.cert != nil {
				cfg.Certificates = []tls.Certificate{*tc.cert}
			}
			c := dialTLS(t, addr, cfg)
			c.auth()
			c.cmd(tc.code, "USER %s", tc.user)
			if tc.code == 232 {
				c.cmd(257, "PWD")
				c.cmd(202, "PASS anything")
			} else {
				c.cmd(530, "PASS wrong")
			}
		})
	}

	// A certificate verified against one host's client CAs vouches for
	// nobody on a host HOST moved the session to.
	t.Run("not on another host", func(t *testing.T) {
		other := &Host{Names: []string{"other.example"}, Root: t.TempDir(), Auth: testUsers{}, TLS: tlsConfig(t)}
		addr, _ := startServer(t, Config{Host: Host{TLS: base}, VirtualHosts: []*Host{other},
			Route: func(int, netip.AddrPort) []*Host { return []*Host{nil, other} }})
		cfg := clientTLS(tls.VersionTLS13)
		cfg.Certificates = []tls.Certificate{clientCert("alice")}
		c := dialTLS(t, addr, cfg)
		c.auth()
		c.cmd(220, "HOST other.example")
		c.cmd(331, "USER alice")
		c.cmd(530, "PASS wrong")
	})
}

func ptr[T any](v T) *T { return &v }

// TestTLSGarbageAndStall: garbage instead of a ClientHello closes that
// connection; a silent client after AUTH TLS is cut at the first-flight
// deadline; a normal client meanwhile logs in without delay.
func TestTLSGarbageAndStall(t *testing.T) {
	// The margins are wide on purpose: a loaded CI machine must not turn
	// scheduling delays into failures.
	const timeout = 2 * time.Second
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}, FirstFlightTimeout: timeout})

	garbage := dial(t, addr)
	garbage.cmd(234, "AUTH TLS")
	if _, err := garbage.c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, garbage, 10*time.Second)

	stalled := dial(t, addr)
	stalled.cmd(234, "AUTH TLS")
	start := time.Now()

	good := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	good.auth()
	good.login("alice", "secret")
	if d := time.Since(start); d > timeout*3/4 {
		t.Errorf("a good client took %v while another handshake stalled", d)
	}
	expectClosed(t, stalled, 10*time.Second)
	if d := time.Since(start); d < timeout*3/4 {
		t.Errorf("stalled handshake cut after %v, before its %v timeout", d, timeout)
	}
	good.cmd(257, "PWD")
}

// TestPipelinedAfterAUTHDiscarded: bytes sent behind AUTH TLS, before the
// handshake, are not executed (STARTTLS command injection).
func TestPipelinedAfterAUTHDiscarded(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	if _, err := c.c.Write([]byte("AUTH TLS\r\nUSER alice\r\n")); err != nil {
		t.Fatal(err)
	}
	c.expect(234)
	tc := tls.Client(c.c, c.cfg)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.c, c.tp = tc, textproto.NewConn(tc)
	// Had "USER alice" been run, PASS would be accepted.
	c.cmd(503, "PASS secret")
}

// TestConcurrentHandshakes: 1,000 sessions negotiate TLS at once.
func TestConcurrentHandshakes(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	// As many handshake slots as sessions, no per-address cap: at the
	// defaults the newest would sacrifice the oldest past 256, and one
	// address's would run 8 at a time (hello_test.go tests both), while
	// this test is about the loop carrying a thousand at once.
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}, HandshakeTimeout: 60 * time.Second,
		MaxHandshakes: n, MaxHandshakesPerIP: NoLimit, FirstFlightTimeout: 60 * time.Second})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- oneTLSSession(addr)
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	var first error
	for err := range errs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d TLS sessions failed; first: %v", failed, n, first)
	}
}

func oneTLSSession(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(90 * time.Second))
	r := bufio.NewReader(c)
	expect := func(code string) error {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, code+" ") {
			return &unexpectedReply{line}
		}
		return nil
	}
	if err := expect("220"); err != nil {
		return err
	}
	if _, err := c.Write([]byte("AUTH TLS\r\n")); err != nil {
		return err
	}
	if err := expect("234"); err != nil {
		return err
	}
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		return err
	}
	r = bufio.NewReader(tc)
	c2 := tc
	if _, err := c2.Write([]byte("NOOP\r\n")); err != nil {
		return err
	}
	if err := expect("200"); err != nil {
		return err
	}
	_, _ = c2.Write([]byte("QUIT\r\n"))
	return expect("221")
}

type unexpectedReply struct{ line string }

func (e *unexpectedReply) Error() string { return "unexpected reply " + strconv.Quote(e.line) }

// TestIdleTLSSessionsHoldNoGoroutine: once handshakes are done, an idle
// TLS session costs the server no goroutine.
func TestIdleTLSSessionsHoldNoGoroutine(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	settle := func() int {
		n := runtime.NumGoroutine()
		for range 50 {
			time.Sleep(20 * time.Millisecond)
			m := runtime.NumGoroutine()
			if m == n {
				return m
			}
			n = m
		}
		return n
	}
	// Warm up the worker pool and gnet so their goroutines are counted.
	warm := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	warm.auth()
	warm.login("alice", "secret")
	before := settle()

	const sessions = 200
	for range sessions {
		c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
		c.auth()
		c.cmd(200, "NOOP")
	}
	after := settle()
	// Client connections in this process run no goroutines of their own;
	// allow a few for the runtime and the ants pool's janitor.
	if after-before > 10 {
		t.Errorf("%d idle TLS sessions added %d goroutines, want none", sessions, after-before)
	}
}
