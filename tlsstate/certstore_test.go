package tlsstate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func writeKeyPair(t *testing.T, dir, name string, cert tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestCertStoreLoadAndSwap(t *testing.T) {
	var s CertStore
	if _, err := s.Get(nil); err == nil {
		t.Fatal("empty store returned a certificate")
	}
	dir := t.TempDir()
	first, _, err := SelfSigned([]string{"one.example"})
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := SelfSigned([]string{"two.example"})
	if err != nil {
		t.Fatal(err)
	}
	c1, k1 := writeKeyPair(t, dir, "one", first)
	c2, k2 := writeKeyPair(t, dir, "two", second)

	steps := []struct {
		name      string
		cert, key string
		wantErr   bool
		wantDER   []byte
	}{
		{"load first", c1, k1, false, first.Certificate[0]},
		{"swap to second", c2, k2, false, second.Certificate[0]},
		{"bad file keeps second", filepath.Join(dir, "missing.crt"), k1, true, second.Certificate[0]},
		{"mismatched pair keeps second", c1, k2, true, second.Certificate[0]},
	}
	for _, st := range steps {
		err := s.Load(st.cert, st.key)
		if (err != nil) != st.wantErr {
			t.Fatalf("%s: error %v", st.name, err)
		}
		got, err := s.Get(&tls.ClientHelloInfo{})
		if err != nil || string(got.Certificate[0]) != string(st.wantDER) {
			t.Fatalf("%s: Get returned the wrong certificate (%v)", st.name, err)
		}
	}
}

func TestSelfSigned(t *testing.T) {
	cert, fp, err := SelfSigned([]string{"localhost", "127.0.0.1", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	leaf := cert.Leaf
	if k, ok := cert.PrivateKey.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P256() {
		t.Fatalf("key %T, want ECDSA P-256", cert.PrivateKey)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("does not verify for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example", Roots: pool}); err == nil {
		t.Error("verifies for a host it was not made for")
	}
	if !regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(fp) {
		t.Errorf("fingerprint %q", fp)
	}
	sum := sha256.Sum256(cert.Certificate[0])
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	if want := strings.Join(parts, ":"); fp != want {
		t.Errorf("fingerprint %q, want %q", fp, want)
	}
	if d := time.Until(leaf.NotAfter); d < 360*24*time.Hour || d > 367*24*time.Hour {
		t.Errorf("valid for %v, want a year", d)
	}
}
