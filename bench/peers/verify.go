package peers

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"time"
)

// PresentedKind connects to the server at addr, secures the control
// connection with AUTH TLS and returns the kind (RSA or ECDSA) of the key
// of the certificate it presented. The bench calls it before the rounds of
// each kind: a server that ignored its configuration would make every
// figure of that kind a lie. Runs on the caller's goroutine.
func PresentedKind(addr string, cfg *tls.Config) (string, error) {
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", fmt.Errorf("peers: %w", err)
	}
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(raw)
	if _, err := readReply(r, "220"); err != nil {
		return "", err
	}
	if _, err := fmt.Fprintf(raw, "AUTH TLS\r\n"); err != nil {
		return "", fmt.Errorf("peers: %w", err)
	}
	if _, err := readReply(r, "234"); err != nil {
		return "", err
	}
	c := tls.Client(raw, cfg)
	if err := c.Handshake(); err != nil {
		return "", fmt.Errorf("peers: handshake: %w", err)
	}
	certs := c.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("peers: no certificate presented")
	}
	switch certs[0].PublicKeyAlgorithm {
	case x509.RSA:
		return RSA, nil
	case x509.ECDSA:
		return ECDSA, nil
	}
	return certs[0].PublicKeyAlgorithm.String(), nil
}

// readReply reads one (possibly multi-line) reply and checks its code.
func readReply(r *bufio.Reader, code string) (string, error) {
	var all strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("peers: reading reply: %w", err)
		}
		all.WriteString(line)
		if len(line) >= 4 && line[3] == ' ' {
			if !strings.HasPrefix(line, code) {
				return "", fmt.Errorf("peers: want %s, got %q", code, strings.TrimSpace(all.String()))
			}
			return all.String(), nil
		}
	}
}
