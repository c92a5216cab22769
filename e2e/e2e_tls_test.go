package e2e

// FTP over TLS (RFC 4217) end to end. This file holds the TLS additions to
// the harness that e2e_tls_curl_test.go, e2e_tls_lftp_test.go and
// e2e_tls_ftplib_test.go share (the implicit listener's address,
// certificates made with crypto/x509, TLS control and data connections for
// exact replies), and the tests with Go clients: github.com/jlaffaye/ftp
// for round trips, raw crypto/tls for every rule of the TLS contract.
//
// A Go client resumes the control connection's TLS session on its data
// connections only when its tls.Config has both a ClientSessionCache and a
// ServerName: crypto/tls keys the cache by ServerName, or by the remote
// address (a different port for each data connection) when it is empty.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// tlsServerName is the name every Go client sends (see the file comment).
const tlsServerName = "localhost"

// clientTLS is the configuration of a Go client that resumes its control
// session on its data connections. Each client gets its own session cache,
// so it never offers another session's ticket by accident.
func clientTLS() *tls.Config { return testserver.ClientTLS(tlsServerName, 0) }

// clientTLSVersion is clientTLS limited to one protocol version.
func clientTLSVersion(v uint16) *tls.Config { return testserver.ClientTLS(tlsServerName, v) }

var (
	listenKindRE  = regexp.MustCompile(`msg=listening addr=(\S+) kind=(\S+)`)
	fingerprintRE = regexp.MustCompile(`msg="using (?:a|the) generated self-signed certificate[^"]*"(?: cert=\S+)? sha256=(\S+)`)
)

// implicitAddr returns the address of the server's -implicit listener,
// waiting for its msg=listening line. It also checks that s.addr, which
// startServer took from the first such line, is an explicit (kind=ftp)
// listener.
func (s *server) implicitAddr(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		var implicit string
		for _, m := range listenKindRE.FindAllStringSubmatch(s.log.String(), -1) {
			if m[1] == s.addr && m[2] != "ftp" {
				t.Fatalf("the first listener %s is kind=%s, want kind=ftp", m[1], m[2])
			}
			if m[2] == "ftps-implicit" {
				implicit = m[1]
			}
		}
		if implicit != "" {
			return implicit
		}
		if time.Now().After(deadline) {
			t.Fatalf("no msg=listening ... kind=ftps-implicit line within %v:\n%s", startTimeout, s.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitLog waits up to replyTimeout for the server's log to contain substr.
func (s *server) waitLog(t *testing.T, substr string) {
	t.Helper()
	deadline := time.Now().Add(replyTimeout)
	for !strings.Contains(s.log.String(), substr) {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not log %q within %v:\n%s", substr, replyTimeout, s.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// handshake makes c speak TLS with cfg, as the client: after a 234 on an
// explicit listener, or at once on an implicit one. The handshake is
// bounded by replyTimeout; c uses the TLS connection even when it fails.
func (c *ctrl) handshake(cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(c.conn, cfg)
	_ = tc.SetDeadline(time.Now().Add(replyTimeout))
	err := tc.Handshake()
	_ = tc.SetDeadline(time.Time{})
	c.conn = tc
	c.tp = textproto.NewConn(tc)
	return tc, err
}

// startTLS sends AUTH TLS, expects 234 and secures the connection.
func (c *ctrl) startTLS(cfg *tls.Config) *tls.Conn {
	c.t.Helper()
	c.must("AUTH TLS", 234)
	tc, err := c.handshake(cfg)
	if err != nil {
		c.t.Fatalf("TLS handshake after AUTH TLS: %v", err)
	}
	return tc
}

// dialTLS opens a control connection to the explicit listener and secures
// it with AUTH TLS.
func (s *server) dialTLS(t *testing.T, cfg *tls.Config) *ctrl {
	t.Helper()
	c := s.dial(t)
	c.startTLS(cfg)
	return c
}

// loginTLS is dialTLS, a login as a (nil: anonymous), PBSZ 0 and PROT P.
func (s *server) loginTLS(t *testing.T, a *account, cfg *tls.Config) *ctrl {
	t.Helper()
	c := s.dialTLS(t, cfg)
	c.login(a)
	c.protP()
	return c
}

func (c *ctrl) protP() {
	c.t.Helper()
	if r := c.must("PBSZ 0", 200); r.msg != "PBSZ=0" {
		c.t.Errorf("PBSZ 0: %q, want 200 PBSZ=0 (RFC 4217 §8)", r)
	}
	c.must("PROT P", 200)
}

// dialImplicit opens a control connection to an -implicit listener: the
// TLS handshake comes first, then the 220 greeting.
func (s *server) dialImplicit(t *testing.T, addr string, cfg *tls.Config) *ctrl {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, replyTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	c := &ctrl{t: t, s: s, conn: conn}
	t.Cleanup(func() { c.conn.Close() })
	if _, err := c.handshake(cfg); err != nil {
		t.Fatalf("TLS handshake on the implicit listener %s: %v", addr, err)
	}
	if r := c.read(); r.code != 220 {
		t.Fatalf("greeting after the implicit handshake: %v, want 220", r)
	}
	return c
}

// tlsXfer is one PROT P transfer as the client saw it.
type tlsXfer struct {
	prelim, final reply
	data          []byte              // what a download received
	dataErr       error               // a handshake or I/O error on the data connection
	state         tls.ConnectionState // of the data connection, after its handshake
}

// retrTLS runs a download-style command (RETR, LIST, NLST, MLSD) over EPSV
// on a PROT P session. Like real clients, it starts the data connection's
// handshake after the 150, reads up to the server's close_notify and sends
// its own before it reads the final reply. A refused command is returned
// as prelim and final.
func (c *ctrl) retrTLS(line string, cfg *tls.Config) tlsXfer {
	c.t.Helper()
	raw := c.epsvData()
	defer raw.Close()
	x := tlsXfer{prelim: c.cmd(line)}
	if x.prelim.code/100 != 1 {
		x.final = x.prelim
		return x
	}
	if x.prelim.code != 150 {
		c.t.Errorf("%s: preliminary reply %q, want 150", line, x.prelim)
	}
	d := tls.Client(raw, cfg)
	if x.dataErr = d.Handshake(); x.dataErr == nil {
		x.state = d.ConnectionState()
		x.data, x.dataErr = io.ReadAll(d)
	}
	d.Close()
	x.final = c.read()
	return x
}

// storTLS runs an upload-style command over EPSV on a PROT P session. It
// ends the upload with close_notify and waits for the server's, or, when
// truncate is set, with a bare TCP FIN and no close_notify: a TLS stream
// cut short, which the server must not store as complete.
func (c *ctrl) storTLS(line string, cfg *tls.Config, data []byte, truncate bool) tlsXfer {
	c.t.Helper()
	raw := c.epsvData()
	defer raw.Close()
	x := tlsXfer{prelim: c.cmd(line)}
	if x.prelim.code/100 != 1 {
		x.final = x.prelim
		return x
	}
	d := tls.Client(raw, cfg)
	if x.dataErr = d.Handshake(); x.dataErr == nil {
		x.state = d.ConnectionState()
		_, x.dataErr = d.Write(data)
	}
	switch {
	case truncate:
		_ = raw.(*net.TCPConn).CloseWrite()
	case x.dataErr == nil:
		if x.dataErr = d.CloseWrite(); x.dataErr == nil {
			_, x.dataErr = io.Copy(io.Discard, d)
		}
	}
	x.final = c.read()
	d.Close()
	return x
}

// ok reports a transfer that did not end in 226 with a clean, resumed data
// connection.
func (x tlsXfer) ok(t *testing.T, what string) {
	t.Helper()
	if x.prelim.code != 150 || x.final.code != 226 || x.dataErr != nil {
		t.Errorf("%s: %v then %v, data connection error %v; want 150, 226 and no error", what, x.prelim, x.final, x.dataErr)
	}
	if !x.state.DidResume {
		t.Errorf("%s: the data connection did not resume the control session", what)
	}
}

// connClosed reports whether the peer closed conn (EOF or reset) within
// timeout. It reads the socket itself: a tls.Conn whose handshake failed
// returns that error at once, closed or not.
func connClosed(conn net.Conn, timeout time.Duration) bool {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// testCert is a certificate made for one test.
type testCert struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	keyPEM  []byte
}

type certKind int

const (
	certCA certKind = iota
	certServer
	certClient
)

// newCert makes an ECDSA P-256 certificate signed by parent (self-signed
// when parent is nil). A server certificate is for localhost and 127.0.0.1;
// a client certificate has only its common name.
func newCert(t *testing.T, cn string, kind certKind, parent *testCert) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return newCertFor(t, key, cn, kind, parent)
}

// newCertFor is newCert for a key of any type; an RSA key's certificate
// also allows key encipherment.
func newCertFor(t *testing.T, key crypto.Signer, cn string, kind certKind, parent *testCert) *testCert {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if _, ok := key.(*rsa.PrivateKey); ok {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	switch kind {
	case certCA:
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	case certServer:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	case certClient:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	signer, signKey := tmpl, key
	if parent != nil {
		signer, signKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, key.Public(), signKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}),
	}
}

// tlsCert is c (with the chain of its issuers) for a Go client or server.
func (c *testCert) tlsCert(chain ...*testCert) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{c.cert.Raw}, PrivateKey: c.key}
	for _, p := range chain {
		tc.Certificate = append(tc.Certificate, p.cert.Raw)
	}
	return tc
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data ...[]byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, bytes.Join(data, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// clientCertFiles makes a CA and a client certificate for user signed by
// it, writes ca.pem, client.pem and client.key to a new directory and
// returns it with the two certificates.
func clientCertFiles(t *testing.T, user string) (dir string, ca, client *testCert) {
	t.Helper()
	dir = t.TempDir()
	ca = newCert(t, "ftpsd e2e client CA", certCA, nil)
	client = newCert(t, user, certClient, ca)
	writeFile(t, dir, "ca.pem", ca.certPEM)
	writeFile(t, dir, "client.pem", client.certPEM)
	writeFile(t, dir, "client.key", client.keyPEM)
	return dir, ca, client
}

// featLines returns the features of a FEAT reply, one per line, trimmed.
func featLines(r reply) []string {
	ls := strings.Split(r.msg, "\n")
	var out []string
	for _, l := range ls[1:] {
		if strings.HasPrefix(l, " ") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// goTLSClient is a jlaffaye/ftp client over TLS, with the TLS connections
// it opened, so that tests can check how its data connections negotiated.
type goTLSClient struct {
	*ftp.ServerConn
	mu   sync.Mutex
	data []*tls.Conn
}

// dataStates returns the TLS state of every data connection so far.
func (g *goTLSClient) dataStates() []tls.ConnectionState {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []tls.ConnectionState
	for _, d := range g.data {
		out = append(out, d.ConnectionState())
	}
	return out
}

// goTLSDialErr connects with jlaffaye/ftp, with explicit TLS
// (DialWithExplicitTLS, addr an explicit listener) or implicit TLS
// (DialWithTLS, addr an -implicit listener), and logs in; Login sends
// PBSZ 0 and PROT P. It may run on any goroutine.
//
// As in goDialErr, every connection is closed when ctx ends, so a stuck
// server cannot hang the test. Given a dial function, the client leaves
// TLS on the connections it dials to that function (it still sends AUTH
// TLS and wraps the control connection itself for explicit TLS), so the
// dial function does what the client does without one: tls.Client with the
// same config, the handshake on first use.
func goTLSDialErr(ctx context.Context, addr string, implicit bool, cfg *tls.Config, a *account, opts ...ftp.DialOption) (*goTLSClient, error) {
	g := &goTLSClient{}
	dial := ctxDial(ctx, net.Dialer{Timeout: replyTimeout}, func(conn net.Conn, control bool) net.Conn {
		if control && !implicit {
			return conn
		}
		tc := tls.Client(conn, cfg)
		if !control {
			g.mu.Lock()
			g.data = append(g.data, tc)
			g.mu.Unlock()
		}
		return tc
	})
	mode := ftp.DialWithExplicitTLS(cfg)
	if implicit {
		mode = ftp.DialWithTLS(cfg)
	}
	opts = append([]ftp.DialOption{ftp.DialWithDialFunc(dial), mode, ftp.DialWithShutTimeout(dataTimeout)}, opts...)
	c, err := goLogin(addr, opts, a, "e2e@example.com")
	if err != nil {
		return nil, err
	}
	g.ServerConn = c
	return g, nil
}

// goTLSDial is goTLSDialErr for the test goroutine; t.Cleanup quits.
func goTLSDial(t *testing.T, addr string, implicit bool, cfg *tls.Config, a *account, opts ...ftp.DialOption) *goTLSClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*toolTimeout)
	t.Cleanup(cancel)
	c, err := goTLSDialErr(ctx, addr, implicit, cfg, a, opts...)
	if err != nil {
		t.Fatalf("jlaffaye/ftp over TLS to %s: dial and login: %v", addr, err)
	}
	t.Cleanup(func() { c.Quit() })
	return c
}
