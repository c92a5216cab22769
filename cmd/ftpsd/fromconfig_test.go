package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// The helpers here are prefixed fc: the package's test files share one
// namespace.

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

// The configuration fixtures are internal/testserver's, shared with the
// other packages that test configurations.
var (
	fcFixture = testserver.ConfigFixture
)
