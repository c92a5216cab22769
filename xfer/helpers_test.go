package xfer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection: the one the
// server accepted and the client's.
func tcpPair(t testing.TB) (server, client *net.TCPConn) {
	t.Helper()
	ln, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type res struct {
		c   *net.TCPConn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.AcceptTCP()
		ch <- res{c, err}
	}()
	client, err = net.DialTCP("tcp4", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.c.Close(); client.Close() })
	return r.c, client
}

var (
	certOnce sync.Once
	testCert tls.Certificate
)

// selfSigned returns a certificate for 127.0.0.1, made once per test binary.
func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	certOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "ftpsd test"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		testCert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	return testCert
}

// tlsPair returns a handshaken TLS connection over a loopback TCP pair, the
// server's raw end wrapped with TrackEOF as the session does, and the client's
// raw TCP end so a test can cut it without close_notify.
func tlsPair(t testing.TB) (server, client *tls.Conn, rawClient *net.TCPConn) {
	t.Helper()
	return tlsPairWrap(t, TrackEOF)
}

// tlsPairWrap is tlsPair with the server's raw end passed through wrap.
func tlsPairWrap(t testing.TB, wrap func(net.Conn) net.Conn) (server, client *tls.Conn, rawClient *net.TCPConn) {
	t.Helper()
	return tlsPairWith(t, wrap, nil)
}

// tlsPairWith is tlsPairWrap with the server's configuration changed by
// edit (a TLS version, a cipher suite) when edit is not nil.
func tlsPairWith(t testing.TB, wrap func(net.Conn) net.Conn, edit func(*tls.Config)) (server, client *tls.Conn, rawClient *net.TCPConn) {
	t.Helper()
	s, c := tcpPair(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	if edit != nil {
		edit(cfg)
	}
	server = tls.Server(wrap(s), cfg)
	client = tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return server, client, c
}

// tempFile writes data to a new file and returns it open for reading.
func tempFile(t testing.TB, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// emptyFile creates a new file open for writing.
func emptyFile(t testing.TB) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// within fails the test when ch yields nothing within d.
func within[T any](t testing.TB, d time.Duration, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("nothing within %v", d)
		panic("unreachable")
	}
}
