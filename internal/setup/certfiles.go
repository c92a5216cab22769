package setup

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/ftpsd/ftpsd/internal/config"
)

// CertFiles names a server certificate: -cert and -key, or
// SSLCertificateFile, SSLCertificateKeyFile and SSLCertificateChainFile
// with the positions of those directives, so that errors name them.
type CertFiles struct {
	Cert, Key, Chain       string // Key "": the key is in the certificate file
	certAt, keyAt, chainAt config.Pos
}

// load reads the certificate and key and appends the chain file's
// certificates to the chain sent to clients. It runs at start-up, for -t,
// and on SIGHUP (on the signal-handling goroutine, never the loop); it reads
// the files afresh each time.
func (c *CertFiles) load() (*tls.Certificate, error) {
	certPEM, err := os.ReadFile(c.Cert)
	if err != nil {
		return nil, c.fail(c.certAt, "SSLCertificateFile", err)
	}
	keyPEM, keyAt, keyName := certPEM, c.certAt, "SSLCertificateFile"
	if c.Key != "" {
		keyAt, keyName = c.keyAt, "SSLCertificateKeyFile"
		if keyPEM, err = os.ReadFile(c.Key); err != nil {
			return nil, c.fail(keyAt, keyName, err)
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, c.fail(keyAt, keyName, fmt.Errorf("certificate %s and key %s: %w", c.Cert, cmp.Or(c.Key, c.Cert), err))
	}
	if c.Chain != "" {
		data, err := os.ReadFile(c.Chain)
		if err != nil {
			return nil, c.fail(c.chainAt, "SSLCertificateChainFile", err)
		}
		n := 0
		for {
			var b *pem.Block
			if b, data = pem.Decode(data); b == nil {
				break
			}
			if b.Type == "CERTIFICATE" {
				cert.Certificate = append(cert.Certificate, b.Bytes)
				n++
			}
		}
		if n == 0 {
			return nil, c.fail(c.chainAt, "SSLCertificateChainFile", errors.New(c.Chain+" holds no PEM certificate"))
		}
	}
	return &cert, nil
}

// fail names the directive at fault, or the flags when the files came
// from -cert/-key.
func (c *CertFiles) fail(at config.Pos, directive string, err error) error {
	if at.File == "" {
		return fmt.Errorf("-cert/-key: %w", err)
	}
	return directiveError(at, directive, err)
}

// CertSet is a server's certificates: one, or one per key type, as mod_ssl
// takes SSLCertificateFile more than once (an RSA and an ECDSA
// certificate for the same names). Each handshake gets the one the client
// can verify (tlsstate.CertStore.Get).
type CertSet []CertFiles

// load reads every certificate of the set; two with the same key type are
// an error, as the second could never be chosen.
func (cs CertSet) load() ([]*tls.Certificate, error) {
	out := make([]*tls.Certificate, 0, len(cs))
	seen := map[string]*CertFiles{}
	for i := range cs {
		c := &cs[i]
		cert, err := c.load()
		if err != nil {
			return nil, err
		}
		kind := keyKind(cert)
		if first, dup := seen[kind]; dup {
			return nil, c.fail(c.certAt, "SSLCertificateFile", fmt.Errorf("%s and %s both have %s keys: give one certificate per key type", first.Cert, c.Cert, kind))
		}
		seen[kind] = c
		out = append(out, cert)
	}
	return out, nil
}

// names lists the certificate files, for logs.
func (cs CertSet) names() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Cert
	}
	return out
}

// keyKind names a certificate's key type: RSA, ECDSA or Ed25519.
func keyKind(c *tls.Certificate) string {
	switch c.PrivateKey.(type) {
	case *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", c.PrivateKey)
}
