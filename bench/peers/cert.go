package peers

import (
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

// Cert is the one certificate every server presents.
type Cert struct {
	CertFile, KeyFile string
	PEMFile           string // key then certificate in one file (Pure-FTPd)
	Pool              *x509.CertPool
}

// ClientConfig is the TLS configuration clients use: the certificate is
// verified against itself, for the name "localhost".
func (c *Cert) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: c.Pool, ServerName: "localhost"}
}

// MakeCert writes a self-signed RSA-2048 certificate for localhost and
// 127.0.0.1 into dir, reusing one already there.
func MakeCert(dir string) (*Cert, error) {
	c := &Cert{
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

func (c *Cert) generate() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
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
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
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
