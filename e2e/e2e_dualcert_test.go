package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newRSACert makes a self-signed RSA-2048 server certificate for
// localhost and 127.0.0.1, as newCert does for ECDSA.
func newRSACert(t *testing.T, cn string) *testCert {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return newCertFor(t, key, cn, certServer, nil)
}

// servedCN asks openssl s_client, limited to the given signature
// algorithms, which certificate the server presents, over explicit TLS
// (-starttls ftp) or implicit TLS.
func servedCN(t *testing.T, addr string, explicit bool, sigalgs string) string {
	t.Helper()
	requireTool(t, "openssl")
	args := []string{"s_client", "-connect", addr, "-sigalgs", sigalgs, "-brief"}
	if explicit {
		args = append(args, "-starttls", "ftp")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	cmd.Stdin = strings.NewReader("QUIT\r\n")
	out, _ := cmd.CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		// -brief prints "Peer certificate: CN = cert RSA" (OpenSSL 3).
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Peer certificate: "); ok {
			return strings.TrimPrefix(v, "CN = ")
		}
	}
	t.Fatalf("openssl %s: no peer certificate:\n%s", strings.Join(args, " "), out)
	return ""
}

// TestDualCertificates: with an ECDSA and an RSA certificate (-cert and
// -key twice), a client that offers ECDSA signatures gets the ECDSA one and
// a client that offers only RSA ones gets the RSA one, on explicit and
// implicit listeners; SIGHUP reloads both.
func TestDualCertificates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ec, rs := newCert(t, "cert ECDSA", certServer, nil), newRSACert(t, "cert RSA")
	ecCert, ecKey := writeFile(t, dir, "ec.pem", ec.certPEM), writeFile(t, dir, "ec.key", ec.keyPEM)
	rsCert, rsKey := writeFile(t, dir, "rsa.pem", rs.certPEM), writeFile(t, dir, "rsa.key", rs.keyPEM)
	// The RSA pair first: the order given does not decide, the client does.
	s := rawServer(t, "-cert", rsCert, "-key", rsKey, "-cert", ecCert, "-key", ecKey, "-implicit", "127.0.0.1:0")
	for _, l := range []string{`key=RSA`, `key=ECDSA`} {
		if !strings.Contains(s.log.String(), l) {
			t.Errorf("no certificate logged with %s:\n%s", l, s.log)
		}
	}
	implicit := s.implicitAddr(t)
	for _, tc := range []struct {
		name, sigalgs, want string
	}{
		{"ECDSA offered", "ECDSA+SHA256:RSA-PSS+SHA256", "cert ECDSA"},
		{"RSA only", "RSA-PSS+SHA256:RSA+SHA256", "cert RSA"},
	} {
		for _, explicit := range []bool{true, false} {
			addr := implicit
			if explicit {
				addr = s.addr
			}
			if got := servedCN(t, addr, explicit, tc.sigalgs); got != tc.want {
				t.Errorf("%s, explicit %v: served %q, want %q", tc.name, explicit, got, tc.want)
			}
		}
	}

	// Both replaced, SIGHUP: both reloaded.
	ec2, rs2 := newCert(t, "cert ECDSA 2", certServer, nil), newRSACert(t, "cert RSA 2")
	writeFile(t, dir, "ec.pem", ec2.certPEM)
	writeFile(t, dir, "ec.key", ec2.keyPEM)
	writeFile(t, dir, "rsa.pem", rs2.certPEM)
	writeFile(t, dir, "rsa.key", rs2.keyPEM)
	s.send(syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.log.String(), "SIGHUP: certificate reloaded") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no reload of both certificates:\n%s", s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := servedCN(t, s.addr, true, "ECDSA+SHA256"); got != "cert ECDSA 2" {
		t.Errorf("after SIGHUP, ECDSA client got %q", got)
	}
	if got := servedCN(t, s.addr, true, "RSA-PSS+SHA256"); got != "cert RSA 2" {
		t.Errorf("after SIGHUP, RSA client got %q", got)
	}
}
