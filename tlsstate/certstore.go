package tlsstate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// CertStore holds the current server certificates behind an atomic pointer: handshakes read them
// with Get while another goroutine replaces them with Set or SetAll (ftpsd's SIGHUP handler, which
// reads the files itself to name the directive at fault) or Load. It holds one certificate, or one
// per key type (an ECDSA and an RSA one, as mod_ssl allows): Get gives each client the first the
// client can use, ECDSA before RSA. The zero value is empty. Safe for concurrent use.
type CertStore struct {
	cur atomic.Pointer[[]*tls.Certificate]
}

var errNoCert = errors.New("tlsstate: no certificate loaded")

// Load reads a PEM certificate chain and key and makes them current. On error the previous
// certificate stays in use.
func (s *CertStore) Load(certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("tlsstate: load certificate: %w", err)
	}
	s.Set(&cert)
	return nil
}

// Set makes cert the one current certificate, for example one made by SelfSigned.
func (s *CertStore) Set(cert *tls.Certificate) { s.SetAll([]*tls.Certificate{cert}) }

// SetAll makes certs current, reordered so that the cheaper, smaller ECDSA and Ed25519 keys come
// before RSA: a client that supports both gets ECDSA (one P-256 signature costs Go about a third
// of an RSA-2048 one). The caller's slice is not kept.
func (s *CertStore) SetAll(certs []*tls.Certificate) {
	ordered := make([]*tls.Certificate, 0, len(certs))
	for _, rsaLast := range []bool{false, true} {
		for _, c := range certs {
			if isRSA(c) == rsaLast {
				ordered = append(ordered, c)
			}
		}
	}
	s.cur.Store(&ordered)
}

// All returns the current certificates in the order Get tries them.
func (s *CertStore) All() []*tls.Certificate {
	if p := s.cur.Load(); p != nil {
		return *p
	}
	return nil
}

// Get returns the certificate for a handshake; it has the signature of tls.Config.GetCertificate.
// With several, it is the first that hello says the client supports (its signature algorithms,
// curves and version: tls.ClientHelloInfo.SupportsCertificate), else the last, RSA, which every
// client takes.
func (s *CertStore) Get(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	p := s.cur.Load()
	if p == nil || len(*p) == 0 {
		return nil, errNoCert
	}
	certs := *p
	if len(certs) == 1 || hello == nil {
		return certs[0], nil
	}
	for _, c := range certs[:len(certs)-1] {
		if hello.SupportsCertificate(c) == nil {
			return c, nil
		}
	}
	return certs[len(certs)-1], nil
}

func isRSA(c *tls.Certificate) bool {
	_, ok := c.PrivateKey.(*rsa.PrivateKey)
	return ok
}

// SelfSigned makes an ECDSA P-256 self-signed server certificate, valid for one year, for start-up
// without a configured certificate. hosts become its subject alternative names (IP addresses or DNS
// names). The fingerprint is the SHA-256 of the DER certificate as colon-separated upper-case hex,
// the form clients show, so that it can be logged for users to check.
func SelfSigned(hosts []string) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("tlsstate: self-signed key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("tlsstate: self-signed serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "ftpsd self-signed"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if len(hosts) > 0 {
		tmpl.Subject.CommonName = hosts[0]
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("tlsstate: self-signed certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("tlsstate: self-signed certificate: %w", err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return cert, Fingerprint(der), nil
}

// Fingerprint returns the SHA-256 of a DER certificate as colon-separated upper-case hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	b.Grow(len(h) + len(h)/2)
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}
