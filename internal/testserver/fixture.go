package testserver

import (
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The configuration-file fixtures that the binary's tests, the builder's
// tests and the end-to-end tests all use.

// SHAHash returns an htpasswd {SHA} hash of pass: cheap to check, so tests
// that log in often do not pay for bcrypt.
func SHAHash(pass string) string {
	sum := sha1.Sum([]byte(pass))
	return "{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// WriteCert writes a new self-signed certificate for 127.0.0.1 and
// localhost, and its key, as PEM files (creating their directories).
func WriteCert(t testing.TB, certPath, keyPath string) *tls.Certificate {
	t.Helper()
	cert, err := SelfSigned("127.0.0.1", "localhost")
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

// ConfigFixture makes, in a new temporary directory, the files a test
// configuration may name: conf/ and ssl/ certificate pairs, conf/ca.pem,
// logs/, root/ (a document root with root/sub), conf/htpasswd (alice,
// password alice-secret), conf/bad-htpasswd and conf/banner.txt. It
// returns the directory.
func ConfigFixture(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	WriteCert(t, filepath.Join(dir, "conf/server.crt"), filepath.Join(dir, "conf/server.key"))
	WriteCert(t, filepath.Join(dir, "ssl/server.crt"), filepath.Join(dir, "ssl/server.key"))
	WriteCert(t, filepath.Join(dir, "conf/ca.pem"), filepath.Join(dir, "conf/ca.key"))
	for _, d := range []string{"logs", "root/sub"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"conf/htpasswd":     "alice:" + SHAHash("alice-secret") + "\n",
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

// ModuleRoot is the repository's top directory, found from this file's
// own path so that tests at any depth can read examples/.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SeedConfig returns the seed configuration examples/seed-NAME.conf with
// its Listen lines on 127.0.0.1:0 and, when root is not empty, its
// DocumentRoot there.
func SeedConfig(t testing.TB, name, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(), "examples", "seed-"+name+".conf"))
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
