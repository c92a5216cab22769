package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// The configuration-file fixtures of the e2e tests. They were shared with
// cmd/ftpsd's fromconfig tests when both were package main, and are copied
// here since the e2e tests have a package of their own; they keep their fc
// names so the tests that call them read the same in both places.

// fcWriteCert writes a new self-signed certificate and its key as PEM.
func fcWriteCert(t *testing.T, certPath, keyPath string) *tls.Certificate {
	t.Helper()
	cert, err := testserver.SelfSigned("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{certPath, "CERTIFICATE", cert.Certificate[0]}, {keyPath, "PRIVATE KEY", der}} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &cert
}

// fcFixture makes the files a configuration in dir may name: conf/ and
// ssl/ certificate pairs, conf/ca.pem, logs/, root/ (a document root with
// root/sub), conf/htpasswd, conf/bad-htpasswd and conf/banner.txt.
func fcFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	fcWriteCert(t, filepath.Join(dir, "conf/server.crt"), filepath.Join(dir, "conf/server.key"))
	fcWriteCert(t, filepath.Join(dir, "ssl/server.crt"), filepath.Join(dir, "ssl/server.key"))
	fcWriteCert(t, filepath.Join(dir, "conf/ca.pem"), filepath.Join(dir, "conf/ca.key"))
	for _, d := range []string{"logs", "root/sub"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"conf/htpasswd":     "alice:" + shaHash("alice-secret") + "\n",
		"conf/bad-htpasswd": "alice:not-a-hash\n",
		"conf/banner.txt":   "Welcome.\nSecond line.\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fcSeed returns the seed configuration at examples/seed-NAME.conf with
// its Listen lines on 127.0.0.1:0 and, when root is not empty, its
// DocumentRoot there.
func fcSeed(t *testing.T, name, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", "seed-"+name+".conf"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "Listen":
			l = "Listen 127.0.0.1:0 " + strings.Join(f[2:], " ")
		case len(f) >= 2 && f[0] == "DocumentRoot" && root != "":
			l = strings.Replace(l, f[1], `"`+root+`"`, 1)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
