package main

import (
	"bytes"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/tlsstate"
)

// The helpers here are prefixed fc: the package's test files share one
// namespace.

// fcSHA returns an htpasswd {SHA} hash of pass. It is the fixture's own,
// so that the fixture does not depend on the end-to-end tests' helpers.
func fcSHA(pass string) string {
	sum := sha1.Sum([]byte(pass))
	return "{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// fcWriteCert writes a new self-signed certificate and its key as PEM.
func fcWriteCert(t *testing.T, certPath, keyPath string) *tls.Certificate {
	t.Helper()
	cert, _, err := tlsstate.SelfSigned([]string{"127.0.0.1", "localhost"})
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
		"conf/htpasswd":     "alice:" + fcSHA("alice-secret") + "\n",
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
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "seed-"+name+".conf"))
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

// fcVHost wraps body in the seed's explicit virtual host, with certificate
// and logs, at lines 3 to N.
func fcVHost(body string) string {
	return "Listen 127.0.0.1:0\nLogFormat \"%u [%a] %r %>s\" ftp_command\n" +
		"<VirtualHost _default_:21>\n" +
		"FTP On\nSSLEngine on\nSSLCertificateFile conf/server.crt\nSSLCertificateKeyFile conf/server.key\n" +
		"DocumentRoot root\n" +
		body + "\n</VirtualHost>\n"
}

// TestCheckGolden drives `ftpsd -t`: "Syntax OK" and status 0, or each
// error as file:line: message and status 1; the examples must pass.
func TestCheckGolden(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"example explicit", []string{"-t", "-config", "../../examples/seed-explicit.conf"}, 0, "Syntax OK\n"},
		{"example implicit", []string{"-t", "-config", "../../examples/seed-implicit.conf"}, 0, "Syntax OK\n"},
		{"warnings are not printed", []string{"-t", "-config", write("warn.conf", fcVHost("FTPOptions NLSTIsLIST\nFTPHomeDir /home"))}, 0, "Syntax OK\n"},
		{"syntax errors", []string{"-t", "-config", write("syntax.conf", "FTP On\nFrobnicate 1\n<VirtualHost *:21>\nListen 21\n")}, 1,
			"DIR/syntax.conf:2: unknown directive Frobnicate\n" +
				"DIR/syntax.conf:3: <VirtualHost> is not closed (missing </VirtualHost>)\n" +
				"DIR/syntax.conf:4: Listen is not allowed in <VirtualHost> (allowed in server config)\n"},
		{"refusals", []string{"-t", "-config", write("refused.conf", fcVHost("FTPOptions AllowProxyPORT\nFTPJailUser On"))}, 1,
			"DIR/refused.conf:9: FTPOptions AllowProxyPORT: not supported, ftpsd never lets a data connection use an address other than the client's; refusing to start rather than differ silently\n" +
				"DIR/refused.conf:10: FTPJailUser On needs FTPHomeDir: a user is jailed in its home directory, and there is none; refusing to start rather than leave users unjailed\n"},
		{"-t needs -config", []string{"-t"}, 2, "ftpsd: -t checks a configuration file: give -config FILE\n"},
		{"missing file", []string{"-t", "-config", filepath.Join(dir, "none.conf")}, 1,
			"DIR/none.conf: open DIR/none.conf: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(tt.args, &out)
			got := strings.ReplaceAll(out.String(), dir, "DIR")
			if code != tt.code || got != tt.out {
				t.Errorf("ftpsd %s: status %d, output:\n%s\nwant status %d, output:\n%s", strings.Join(tt.args, " "), code, got, tt.code, tt.out)
			}
		})
	}
}
