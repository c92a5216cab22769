package main

import (
	"cmp"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/ftpsd/ftpsd/internal/config"
)

// certFiles names the server certificate: -cert and -key, or
// SSLCertificateFile, SSLCertificateKeyFile and SSLCertificateChainFile
// with the positions of those directives, so that errors name them.
type certFiles struct {
	cert, key, chain       string // key "": the key is in the certificate file
	certAt, keyAt, chainAt config.Pos
}

// load reads the certificate and key and appends the chain file's
// certificates to the chain sent to clients. It runs at start-up, for -t,
// and on SIGHUP; it reads the files afresh each time.
func (c *certFiles) load() (*tls.Certificate, error) {
	certPEM, err := os.ReadFile(c.cert)
	if err != nil {
		return nil, c.fail(c.certAt, "SSLCertificateFile", err)
	}
	keyPEM, keyAt, keyName := certPEM, c.certAt, "SSLCertificateFile"
	if c.key != "" {
		keyAt, keyName = c.keyAt, "SSLCertificateKeyFile"
		if keyPEM, err = os.ReadFile(c.key); err != nil {
			return nil, c.fail(keyAt, keyName, err)
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, c.fail(keyAt, keyName, fmt.Errorf("certificate %s and key %s: %w", c.cert, cmp.Or(c.key, c.cert), err))
	}
	if c.chain != "" {
		data, err := os.ReadFile(c.chain)
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
			return nil, c.fail(c.chainAt, "SSLCertificateChainFile", errors.New(c.chain+" holds no PEM certificate"))
		}
	}
	return &cert, nil
}

// fail names the directive at fault, or the flags when the files came
// from -cert/-key.
func (c *certFiles) fail(at config.Pos, directive string, err error) error {
	if at.File == "" {
		return fmt.Errorf("-cert/-key: %w", err)
	}
	return directiveError(at, directive, err)
}
