package setup

import (
	"cmp"
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
