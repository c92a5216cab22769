package peers

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The certificate kinds every TLS scenario runs under: every server
// presents the same certificate of one kind at a time (issue 20, item 2).
const (
	RSA   = "RSA"   // RSA-2048
	ECDSA = "ECDSA" // ECDSA P-256
)

// CertKinds lists the kinds in the order the rounds run them.
func CertKinds() []string { return []string{RSA, ECDSA} }

// KindName is a kind's long name for the report, e.g. "ECDSA P-256".
func KindName(kind string) string {
	switch kind {
	case RSA:
		return "RSA-2048"
	case ECDSA:
		return "ECDSA P-256"
	}
	return kind
}

// Cert is one certificate every server presents.
type Cert struct {
	Kind              string // RSA or ECDSA
	CertFile, KeyFile string
	PEMFile           string // key then certificate in one file (Pure-FTPd)
	Pool              *x509.CertPool
}

// ClientConfig is the TLS configuration clients use: the certificate is
// verified against itself, for the name "localhost".
func (c *Cert) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: c.Pool, ServerName: "localhost"}
}

// MakeCerts writes one self-signed certificate of every kind for localhost
// and 127.0.0.1 into dir/certs/KIND, reusing those already there.
func MakeCerts(dir string) (map[string]*Cert, error) {
	out := map[string]*Cert{}
	for _, k := range CertKinds() {
		c, err := MakeCertKind(filepath.Join(dir, "certs", k), k)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

// MakeCert writes a self-signed RSA-2048 certificate for localhost and
// 127.0.0.1 into dir, reusing one already there (as before issue 20: the
// e2e tests' pyftpdlib uses it).
func MakeCert(dir string) (*Cert, error) { return MakeCertKind(dir, RSA) }

// MakeCertKind writes a self-signed certificate of kind for localhost and
// 127.0.0.1 into dir, reusing one already there.
func MakeCertKind(dir, kind string) (*Cert, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	c := &Cert{
		Kind:     kind,
		CertFile: filepath.Join(dir, "cert.pem"),
		KeyFile:  filepath.Join(dir, "key.pem"),
		PEMFile:  filepath.Join(dir, "both.pem"),
	}
	if _, err := os.Stat(c.PEMFile); err != nil {
		if err := c.generate(); err != nil {
			return nil, err
		}
	}
	der, err := os.ReadFile(c.CertFile)
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	c.Pool = x509.NewCertPool()
	if !c.Pool.AppendCertsFromPEM(der) {
		return nil, fmt.Errorf("peers: %s holds no certificate", c.CertFile)
	}
	return c, nil
}

func newKey(kind string) (crypto.Signer, x509.KeyUsage, error) {
	switch kind {
	case RSA:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		return k, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign, err
	case ECDSA:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		return k, x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, err
	}
	return nil, 0, fmt.Errorf("peers: unknown certificate kind %q", kind)
}

func (c *Cert) generate() error {
	key, usage, err := newKey(c.Kind)
	if err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(1, 0, 0),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	// The key in the form each server's OpenSSL reads for its kind:
	// PKCS#1 "RSA PRIVATE KEY" and SEC 1 "EC PRIVATE KEY".
	var keyPEM []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	case *ecdsa.PrivateKey:
		b, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return fmt.Errorf("peers: %w", err)
		}
		keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: b})
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for _, f := range []struct {
		path string
		data []byte
	}{{c.CertFile, certPEM}, {c.KeyFile, keyPEM}, {c.PEMFile, append(append([]byte{}, keyPEM...), certPEM...)}} {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return fmt.Errorf("peers: %w", err)
		}
	}
	return nil
}
