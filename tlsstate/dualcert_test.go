package tlsstate

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

func rsaCert(t *testing.T) *tls.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "rsa"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestCertStoreChoosesByClient: with an RSA and an ECDSA certificate, a
// real handshake gets ECDSA when the client offers ECDSA signatures and
// RSA when it offers only RSA ones (TLS 1.3 signature schemes, TLS 1.2
// cipher suites), whatever order they were set in.
func TestCertStoreChoosesByClient(t *testing.T) {
	ec, _, err := SelfSigned([]string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	rs := rsaCert(t)
	store := &CertStore{}
	store.SetAll([]*tls.Certificate{rs, &ec})
	if all := store.All(); len(all) != 2 || all[0] != &ec {
		t.Fatalf("All() = %v, want ECDSA first", all)
	}
	for _, tc := range []struct {
		name   string
		client *tls.Config
		want   *tls.Certificate
	}{
		{"TLS 1.3 default", &tls.Config{MinVersion: tls.VersionTLS13}, &ec},
		{"TLS 1.2 ECDHE-RSA only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}}, rs},
		{"TLS 1.2 ECDHE-ECDSA", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}, &ec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := net.Pipe()
			defer a.Close()
			defer b.Close()
			srv := tls.Server(a, &tls.Config{GetCertificate: store.Get})
			go func() { _ = srv.Handshake() }()
			cfg := tc.client.Clone()
			cfg.InsecureSkipVerify = true
			c := tls.Client(b, cfg)
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			if err := c.Handshake(); err != nil {
				t.Fatal(err)
			}
			if got := c.ConnectionState().PeerCertificates[0].Raw; string(got) != string(tc.want.Certificate[0]) {
				t.Errorf("served %s, want %s", c.ConnectionState().PeerCertificates[0].Subject.CommonName, tc.name)
			}
		})
	}
}
