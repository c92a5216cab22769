package setup

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/tlsstate"
)

// renewBefore is how long before its expiry a kept self-signed
// certificate is replaced at start-up.
const renewBefore = 30 * 24 * time.Hour

// certFacts are the attributes every certificate is logged with, at start
// and at reload: its SHA-256 fingerprint (what a client pins) and expiry.
func certFacts(c *tls.Certificate) []any {
	if len(c.Certificate) == 0 {
		return nil
	}
	facts := []any{"sha256", tlsstate.Fingerprint(c.Certificate[0])}
	leaf := c.Leaf
	if leaf == nil {
		leaf, _ = x509.ParseCertificate(c.Certificate[0])
	}
	if leaf != nil {
		facts = append(facts, "subject", leaf.Subject.CommonName, "expires", leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return facts
}

// selfSigned returns the generated certificate for hosts: the one kept in
// dir from an earlier start when it still covers hosts and is not about
// to expire, else a new one, written to dir (key mode 0600) when dir is
// not "". A dir that cannot be written costs a warning, not the start:
// the certificate then lives in memory only, a new one each start.
func selfSigned(dir string, hosts []string, log *slog.Logger) (*tls.Certificate, error) {
	var certPath, keyPath string
	if dir != "" {
		// One pair per set of names, so a virtual host's generated
		// certificate does not replace the main server's at every start.
		sorted := slices.Clone(hosts)
		slices.Sort(sorted)
		sorted = slices.Compact(sorted)
		sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
		base := "selfsigned-" + hex.EncodeToString(sum[:4])
		certPath, keyPath = filepath.Join(dir, base+".crt"), filepath.Join(dir, base+".key")
		if c, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil && covers(c.Leaf, hosts) {
			log.Info("using the generated self-signed certificate kept from an earlier start",
				append([]any{"cert", certPath}, certFacts(&c)...)...)
			return &c, nil
		}
	}
	c, _, err := tlsstate.SelfSigned(hosts)
	if err != nil {
		return nil, fmt.Errorf("generating a certificate: %w", err)
	}
	if dir == "" {
		log.Info("using a generated self-signed certificate", certFacts(&c)...)
		return &c, nil
	}
	if err := keep(dir, certPath, keyPath, &c); err != nil {
		log.Warn("generated certificate not kept: a new one at each start", "dir", dir, "err", err)
		log.Info("using a generated self-signed certificate", certFacts(&c)...)
		return &c, nil
	}
	log.Info("using a generated self-signed certificate, kept for later starts",
		append([]any{"cert", certPath}, certFacts(&c)...)...)
	return &c, nil
}

// covers reports whether leaf names every host and is not about to expire.
func covers(leaf *x509.Certificate, hosts []string) bool {
	if leaf == nil || time.Until(leaf.NotAfter) < renewBefore {
		return false
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(leaf.IPAddresses, ip.Equal) {
				return false
			}
		} else if h != "" && !slices.Contains(leaf.DNSNames, h) {
			return false
		}
	}
	return true
}

// keep writes c and its key into dir, each through a temporary renamed
// into place, so a crash or a second instance starting at the same time
// never leaves a certificate with another's key.
func keep(dir, certPath, keyPath string, c *tls.Certificate) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := writeAtomic(keyPath, keyPEM, 0o600); err != nil {
		return err
	}
	return writeAtomic(certPath, certPEM, 0o644)
}

func writeAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_, werr := f.Write(data)
	if err := f.Chmod(perm); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
	}
	return werr
}
