package peers

import (
	"bufio"
	"crypto/tls"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestCertCommands checks that every server is configured with the files
// of the kind Env.Cert points at, in the directives its kind needs.
func TestCertCommands(t *testing.T) {
	env := testEnv(t)
	for _, kind := range CertKinds() {
		env.Cert = env.Certs[kind]
		c := env.Cert
		want := map[string][]string{
			"ftpsd":     {"-cert " + c.CertFile, "-key " + c.KeyFile},
			"vsftpd":    {"rsa_cert_file=" + c.CertFile, "rsa_private_key_file=" + c.KeyFile},
			"proftpd":   {"TLSRSACertificateFile " + c.CertFile, "TLSRSACertificateKeyFile " + c.KeyFile},
			"pure-ftpd": {"-2 " + c.PEMFile},
			"pyftpdlib": {c.CertFile + " " + c.KeyFile},
		}
		if kind == ECDSA {
			want["proftpd"] = []string{"TLSECCertificateFile " + c.CertFile, "TLSECCertificateKeyFile " + c.KeyFile}
		}
		for _, p := range All() {
			text := commandText(t, env, p, filepath.Join(env.Dir, "run", kind, p.Name), "*.conf")
			for _, w := range want[p.Name] {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s: no %q in\n%s", kind, p.Name, w, text)
				}
			}
			other := env.Certs[RSA]
			if kind == RSA {
				other = env.Certs[ECDSA]
			}
			if strings.Contains(text, filepath.Dir(other.CertFile)+"/") {
				t.Errorf("%s %s: names the other kind's files:\n%s", kind, p.Name, text)
			}
		}
	}
}

// TestPresentedKind runs PresentedKind against a minimal explicit-FTPS
// server presenting each kind in turn.
func TestPresentedKind(t *testing.T) {
	env := testEnv(t)
	for _, kind := range CertKinds() {
		c := env.Certs[kind]
		pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			s, err := l.Accept()
			if err != nil {
				return
			}
			defer s.Close()
			_, _ = s.Write([]byte("220-two\r\n220 lines\r\n"))
			if line, err := bufio.NewReader(s).ReadString('\n'); err != nil || line != "AUTH TLS\r\n" {
				return
			}
			_, _ = s.Write([]byte("234 go\r\n"))
			_ = tls.Server(s, &tls.Config{Certificates: []tls.Certificate{pair}}).Handshake()
		}()
		got, err := PresentedKind(l.Addr().String(), c.ClientConfig())
		if err != nil || got != kind {
			t.Errorf("PresentedKind = %q, %v; want %q", got, err, kind)
		}
	}
}
