package setup

import (
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/internal/testserver"
	"github.com/ftpsd/ftpsd/loop"
)

// The helpers here are prefixed fc: the package's test files share one
// namespace.

// fcMapped is what a configuration maps to.
type fcMapped struct {
	cfg  loop.Config
	s    *settings
	file *fileSettings
	errs []string // each error as printed, with dir written DIR
}

// fcMap writes text to dir/ftpsd.conf and maps it with the flags, as the
// server does before it listens.
func fcMap(t *testing.T, dir, text string, flags ...Flags) fcMapped {
	t.Helper()
	path := filepath.Join(dir, "ftpsd.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var fl Flags
	if len(flags) > 0 {
		fl = flags[0]
	}
	m := fcMapped{s: resolve(fl)}
	var errs []error
	m.file, errs = loadFile(path, m.s, fl)
	if len(errs) == 0 {
		var e error
		if _, m.cfg, e = m.s.build(m.file, slog.New(slog.DiscardHandler)); e != nil {
			errs = append(errs, e)
		}
	}
	for _, e := range errs {
		m.errs = append(m.errs, strings.ReplaceAll(e.Error(), dir, "DIR"))
	}
	return m
}

func (m fcMapped) warnings() []string {
	var out []string
	for _, n := range m.file.warnings {
		out = append(out, n.String())
	}
	return out
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

// TestFromConfigMapping: configuration text → the loop.Config the server
// runs with.
func TestFromConfigMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	other := t.TempDir()
	tests := []struct {
		name  string
		text  string
		flags Flags
		check func(t *testing.T, m fcMapped)
	}{
		{"seed explicit", fcSeed(t, "explicit", ""), Flags{}, func(t *testing.T, m fcMapped) {
			want := []loop.Listener{{Addr: "127.0.0.1:0"}}
			if !slices.Equal(m.cfg.Listeners, want) {
				t.Errorf("Listeners %v, want %v", m.cfg.Listeners, want)
			}
			if m.cfg.TLS == nil || m.cfg.RequireTLS {
				t.Errorf("TLS %v, RequireTLS %v: want AUTH TLS offered, not required", m.cfg.TLS != nil, m.cfg.RequireTLS)
			}
			if len(m.s.cert) != 1 || m.s.cert[0].Cert != filepath.Join(dir, "conf/server.crt") || m.s.cert[0].Key != filepath.Join(dir, "conf/server.key") {
				t.Errorf("certificate %+v, want conf/server.crt and conf/server.key", m.s.cert)
			}
			if m.cfg.Root != "." {
				t.Errorf("Root %q, want -root's default: the seed has no DocumentRoot", m.cfg.Root)
			}
			if m.file.errorLog != filepath.Join(dir, "logs/ftps_error_log") {
				t.Errorf("ErrorLog %q", m.file.errorLog)
			}
			if len(m.file.logs) != 2 || m.file.logs[0].kind != ftplog.Commands || m.file.logs[1].kind != ftplog.Transfers ||
				m.file.logs[0].path != filepath.Join(dir, "logs/ftps_command_log") ||
				m.file.logs[1].path != filepath.Join(dir, "logs/ftps_transfer_log") {
				t.Errorf("CustomLogs %+v, want the command log then the transfer log", m.file.logs)
			}
			if got := m.file.logs[0].format.String(); got != "%u [%a] %r %>s" {
				t.Errorf("command log format %q", got)
			}
			if m.s.users != "" || m.s.anonymous {
				t.Errorf("users %q, anonymous %v: the seed configures no login", m.s.users, m.s.anonymous)
			}
			var notes []string
			for _, n := range m.file.notes {
				notes = append(notes, n.Msg)
			}
			if len(notes) != 2 || !strings.HasPrefix(notes[0], "LoadModule") || !strings.HasPrefix(notes[1], "AcceptFilter") {
				t.Errorf("notes %q, want LoadModule's and AcceptFilter's", notes)
			}
		}},
		{"seed implicit", fcSeed(t, "implicit", root), Flags{}, func(t *testing.T, m fcMapped) {
			want := []loop.Listener{{Addr: "127.0.0.1:0", Implicit: true}}
			if !slices.Equal(m.cfg.Listeners, want) {
				t.Errorf("Listeners %v, want %v (port 0 stands for the virtual host's 990)", m.cfg.Listeners, want)
			}
			if m.cfg.Root != root || m.cfg.TLS == nil {
				t.Errorf("Root %q, TLS %v; want %q and TLS", m.cfg.Root, m.cfg.TLS != nil, root)
			}
			if len(m.s.cert) != 1 || m.s.cert[0].Cert != filepath.Join(dir, "ssl/server.crt") {
				t.Errorf("certificate %v, want ssl/server.crt", m.s.cert)
			}
			if m.cfg.TLS.MinVersion != tls.VersionTLS12 || m.cfg.TLS.MaxVersion != tls.VersionTLS13 {
				t.Errorf("TLS versions %x-%x, want SSLProtocol's default 1.2-1.3", m.cfg.TLS.MinVersion, m.cfg.TLS.MaxVersion)
			}
		}},
		{"flags override the file", fcSeed(t, "implicit", root),
			Flags{Root: Given(other), Listeners: Given([]loop.Listener{{Addr: "127.0.0.1:0"}}), LogLevel: Given(slog.LevelDebug), Banner: Given("hi")},
			func(t *testing.T, m fcMapped) {
				want := []loop.Listener{{Addr: "127.0.0.1:0"}}
				if m.cfg.Root != other || !slices.Equal(m.cfg.Listeners, want) {
					t.Errorf("Root %q, Listeners %v; want -root %q and -listen %v", m.cfg.Root, m.cfg.Listeners, other, want)
				}
				if m.s.logLevel != slog.LevelDebug || m.cfg.Banner != "hi" {
					t.Errorf("log level %v, banner %q; want the flags'", m.s.logLevel, m.cfg.Banner)
				}
			}},
		{"SSLEngine off: no TLS", "Listen 127.0.0.1:0\nFTP On\nDocumentRoot root\n", Flags{}, func(t *testing.T, m fcMapped) {
			if m.cfg.TLS != nil {
				t.Errorf("TLS set, want none without SSLEngine on")
			}
			if m.s.logLevel != slog.LevelInfo {
				t.Errorf("log level %v, want -log-level's default without LogLevel", m.s.logLevel)
			}
		}},
		{"SSLEngine off, -cert given", "FTP On\nDocumentRoot root\n",
			Flags{Cert: Given(CertSet{{Cert: filepath.Join(dir, "conf/server.crt"), Key: filepath.Join(dir, "conf/server.key")}})},
			func(t *testing.T, m fcMapped) {
				if m.cfg.TLS == nil {
					t.Errorf("no TLS despite -cert")
				}
				want := []loop.Listener{{Addr: "127.0.0.1:2121"}}
				if !slices.Equal(m.cfg.Listeners, want) {
					t.Errorf("Listeners %v, want -listen's default without Listen", m.cfg.Listeners)
				}
			}},
		{"mod_ssl", fcVHost("SSLProtocol -all +TLSv1.2\nSSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256\n" +
			"SSLOpenSSLConfCmd Curves X25519:P-256\n" +
			"SSLCACertificateFile conf/ca.pem\nSSLVerifyClient require\nSSLVerifyDepth 2\nSSLUserName SSL_CLIENT_S_DN_CN\n" +
			"SSLCertificateChainFile conf/ca.pem"), Flags{},
			func(t *testing.T, m fcMapped) {
				c := m.cfg.TLS
				if c.MinVersion != tls.VersionTLS12 || c.MaxVersion != tls.VersionTLS12 {
					t.Errorf("versions %x-%x, want TLS 1.2 only", c.MinVersion, c.MaxVersion)
				}
				want := []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
				if !slices.Equal(c.CipherSuites, want) {
					t.Errorf("CipherSuites %x, want %x", c.CipherSuites, want)
				}
				if want := []tls.CurveID{tls.X25519, tls.CurveP256}; !slices.Equal(c.CurvePreferences, want) {
					t.Errorf("CurvePreferences %v, want %v", c.CurvePreferences, want)
				}
				if c.ClientAuth != tls.RequireAndVerifyClientCert || c.ClientCAs == nil || c.VerifyPeerCertificate == nil {
					t.Errorf("ClientAuth %v, ClientCAs %v, VerifyPeerCertificate %v", c.ClientAuth, c.ClientCAs != nil, c.VerifyPeerCertificate != nil)
				}
				if m.file.verifyDepth != 2 {
					t.Errorf("verify depth %d, want 2", m.file.verifyDepth)
				}
				certs, err := m.s.cert.load()
				if err != nil || len(certs) != 1 || len(certs[0].Certificate) != 2 {
					t.Errorf("certificate with chain: %v, %v; want 1 certificate of 2", certs, err)
				}
			}},
		{"SSLVerifyClient optional", fcVHost("SSLCACertificateFile conf/ca.pem\nSSLVerifyClient optional\nSSLUserName SSL_CLIENT_S_DN_CN"), Flags{},
			func(t *testing.T, m fcMapped) {
				if m.cfg.TLS.ClientAuth != tls.VerifyClientCertIfGiven || m.file.verifyDepth != 1 {
					t.Errorf("ClientAuth %v, depth %d; want VerifyClientCertIfGiven, 1", m.cfg.TLS.ClientAuth, m.file.verifyDepth)
				}
			}},
		{"CA without SSLVerifyClient asks for nothing", fcVHost("SSLCACertificateFile conf/ca.pem"), Flags{},
			func(t *testing.T, m fcMapped) {
				if m.cfg.TLS.ClientAuth != tls.NoClientCert || m.cfg.TLS.VerifyPeerCertificate != nil {
					t.Errorf("ClientAuth %v, want NoClientCert", m.cfg.TLS.ClientAuth)
				}
			}},
		{"mod_ftp", fcVHost(`ServerName ftp.example.com
FTPOptions RequireSSL NLSTIsLIST
FTPPASVrange 50000 50099
FTPPASVaddr 203.0.113.7
FTPTimeoutLogin 30
FTPTimeoutIdle 90
FTPTimeoutData 45
FTPBannerMessage file:conf/banner.txt
FTPExitMessage "See you."
FTPLowPortSock Off
FTPDataBlockSize 65536
<Directory root>
  FTPUmask 027
  FTPDirUmask 007
</Directory>`), Flags{},
			func(t *testing.T, m fcMapped) {
				c := m.cfg
				if c.ServerName != "ftp.example.com" || !c.RequireTLS {
					t.Errorf("ServerName %q, RequireTLS %v", c.ServerName, c.RequireTLS)
				}
				if c.PasvMin != 50000 || c.PasvMax != 50099 || c.PasvAddr != netip.MustParseAddr("203.0.113.7") {
					t.Errorf("passive %d-%d %v", c.PasvMin, c.PasvMax, c.PasvAddr)
				}
				if c.LoginTimeout != 30*time.Second || c.IdleTimeout != 90*time.Second || c.DataIdleTimeout != 45*time.Second {
					t.Errorf("timeouts login %v idle %v data %v", c.LoginTimeout, c.IdleTimeout, c.DataIdleTimeout)
				}
				if c.Banner != "Welcome.\nSecond line.\n" || c.ExitMessage != "See you." {
					t.Errorf("banner %q, exit message %q", c.Banner, c.ExitMessage)
				}
				if !c.SetUmask || c.FileUmask != 0o027 || c.DirUmask != 0o007 {
					t.Errorf("umasks %v %o %o, want 027 and 007", c.SetUmask, c.FileUmask, c.DirUmask)
				}
				if !c.Options.NLSTIsLIST || !c.Options.NLSTHideDirs || c.Options.LISTIsNLST {
					t.Errorf("host options %+v, want NLSTIsLIST and NLST without directories", c.Options)
				}
				// FTPOptions, acted on, gets no warning; FTPLowPortSock gets
				// a note, at info.
				want := []string{"DIR/ftpsd.conf:19: FTPDataBlockSize: not used; ftpsd sends clear data with sendfile, receives it through its own 512 KiB buffers, and moves TLS data in crypto/tls's 16 KiB records"}
				var w []string
				for _, s := range m.warnings() {
					w = append(w, strings.ReplaceAll(s, dir, "DIR"))
				}
				if !slices.Equal(w, want) {
					t.Errorf("warnings %q, want %q", w, want)
				}
			}},
		{"process directives, and flags over them", "FTPWorkers 64\nFTPEventLoops 3\nGracefulShutdownTimeout 30\nFTPDataConnectTimeout 1500ms\nFTPFailDelay 0\nFTPTLSSessionReuse optional\nFTPTLSHandshakeTimeout 5\nFTPTLSMaxHandshakes 32\n" + fcVHost(""),
			Flags{Workers: Given(7)}, func(t *testing.T, m fcMapped) {
				c := m.cfg
				if c.Workers != 7 || c.EventLoops != 3 || c.ShutdownGrace != 30*time.Second || c.DataTimeout != 1500*time.Millisecond {
					t.Errorf("workers %d (flag 7), loops %d, grace %v, data %v", c.Workers, c.EventLoops, c.ShutdownGrace, c.DataTimeout)
				}
				if c.FailDelay >= 0 || c.TLSReuse != loop.ReuseOptional || c.HandshakeTimeout != 5*time.Second || c.MaxHandshakes != 32 {
					t.Errorf("fail delay %v (want none), reuse %v (want optional), handshake %v, handshakes %d", c.FailDelay, c.TLSReuse, c.HandshakeTimeout, c.MaxHandshakes)
				}
			}},
		{"FTPGlobMaxScan", "FTPGlobMaxScan 50000\n" + fcVHost(""), Flags{}, func(t *testing.T, m fcMapped) {
			if m.cfg.GlobMaxScan != 50000 {
				t.Errorf("glob scan %d, want the directive's 50000", m.cfg.GlobMaxScan)
			}
		}},
		{"-glob-max-scan over FTPGlobMaxScan", "FTPGlobMaxScan 50000\n" + fcVHost(""), Flags{GlobMaxScan: Given(7)}, func(t *testing.T, m fcMapped) {
			if m.cfg.GlobMaxScan != 7 {
				t.Errorf("glob scan %d, want the flag's 7", m.cfg.GlobMaxScan)
			}
		}},
		{"glob scan default", fcVHost(""), Flags{}, func(t *testing.T, m fcMapped) {
			if m.cfg.GlobMaxScan != loop.DefaultGlobMaxScan {
				t.Errorf("glob scan %d, want %d", m.cfg.GlobMaxScan, loop.DefaultGlobMaxScan)
			}
		}},
		{"virtual hosts", fcVHost("ServerName a.example\nFTPHomeDir /home\nFTPJailUser On\nFTPOptions VirtualHostLogin RemoveUserGroup") +
			"<VirtualHost _default_:21>\nFTP On\nServerName b.example\nServerAlias *.b.example\nDocumentRoot " + other + "\nFTPBannerMessage \"b here\"\n</VirtualHost>\n",
			Flags{Banner: Given("flag banner")}, func(t *testing.T, m fcMapped) {
				c := m.cfg
				if !slices.Equal(c.Names, []string{"a.example"}) || c.HomeDir != "/home" || !c.Jail || !c.Options.VirtualHostLogin || !c.Options.RemoveUserGroup {
					t.Errorf("first host: names %q, home %q jail %v, options %+v", c.Names, c.HomeDir, c.Jail, c.Options)
				}
				if c.Banner != "flag banner" {
					t.Errorf("first host banner %q, want the flag's", c.Banner)
				}
				if len(m.file.vhosts) != 1 {
					t.Fatalf("%d virtual hosts, want 1", len(m.file.vhosts))
				}
				v := m.file.vhosts[0]
				if v.s.root != other || v.s.banner != "b here" || !slices.Equal(v.f.names, []string{"b.example", "*.b.example"}) {
					t.Errorf("second host: root %q, banner %q, names %q", v.s.root, v.s.banner, v.f.names)
				}
				if v.f.homeDir != "" || v.f.jail || v.f.hostOpts.VirtualHostLogin {
					t.Errorf("second host took the first's settings: home %q jail %v options %+v", v.f.homeDir, v.f.jail, v.f.hostOpts)
				}
				if got := m.file.route(0, netip.MustParseAddrPort("127.0.0.1:40000")); len(got) != 2 || got[0] != m.file.srv {
					t.Errorf("route of a port-0 listener: %d servers, want both, the first host first", len(got))
				}
			}},
		{"timeouts unset keep the flags' defaults", fcVHost(""), Flags{}, func(t *testing.T, m fcMapped) {
			c := m.cfg
			if c.LoginTimeout != time.Minute || c.IdleTimeout != 5*time.Minute || c.DataIdleTimeout != 5*time.Minute || c.ExitMessage != "" || c.Banner != "" {
				t.Errorf("timeouts %v %v %v, exit %q, banner %q; want 1m, 5m, 5m and no messages", c.LoginTimeout, c.IdleTimeout, c.DataIdleTimeout, c.ExitMessage, c.Banner)
			}
			if c.MaxPendingInput != 64<<10 || c.Limits.MaxQueuedOutput != 1<<20 {
				t.Errorf("pending input %d, queued output %d; want 64K and 1M", c.MaxPendingInput, c.Limits.MaxQueuedOutput)
			}
			if c.FileUmask != 0o022 || c.DirUmask != 0o022 {
				t.Errorf("umasks %o %o, want 022", c.FileUmask, c.DirUmask)
			}
		}},
		{"authentication at the document root", fcVHost(`<Directory root>
  AuthType Basic
  AuthName ftp
  AuthBasicProvider anon file
  AuthUserFile conf/htpasswd
  Anonymous anonymous ftp
  Require valid-user
</Directory>
<Location />
  Require all granted
</Location>`), Flags{}, func(t *testing.T, m fcMapped) {
			if m.s.users != filepath.Join(dir, "conf/htpasswd") || !m.s.anonymous {
				t.Errorf("users %q, anonymous %v", m.s.users, m.s.anonymous)
			}
			if id, err := m.cfg.Auth.Authenticate("alice", "alice-secret"); err != nil || id.ReadOnly {
				t.Errorf("alice: %+v, %v; want a read-write login", id, err)
			}
			if w := m.warnings(); len(w) != 0 {
				t.Errorf("warnings %q, want none", w)
			}
		}},
		{"-users and -anonymous override", fcVHost("<Directory root>\nAuthUserFile conf/htpasswd\nAuthBasicProvider anon file\nAnonymous guest\n</Directory>"),
			Flags{Users: Given(""), Anonymous: Given(false)}, func(t *testing.T, m fcMapped) {
				if m.s.users != "" || m.s.anonymous {
					t.Errorf("users %q, anonymous %v; want the flags' empty values", m.s.users, m.s.anonymous)
				}
				if _, err := m.cfg.Auth.Authenticate("guest", "g@example.com"); err == nil {
					t.Errorf("guest logged in although -anonymous=false")
				}
			}},
		{"providers decide", fcVHost("<Directory root>\nAuthUserFile conf/htpasswd\nAnonymous anonymous ftp\n</Directory>"), Flags{},
			func(t *testing.T, m fcMapped) {
				if m.s.users == "" || m.s.anonymous {
					t.Errorf("users %q, anonymous %v: want the file provider only (AuthBasicProvider's default)", m.s.users, m.s.anonymous)
				}
			}},
		{"a flag listener moves the one Listen", strings.Replace(fcVHost(""), "Listen 127.0.0.1:0", "Listen 21", 1),
			Flags{Listeners: Given([]loop.Listener{{Addr: "127.0.0.1:2121"}})}, func(t *testing.T, m fcMapped) {
				// README's recipe: the seed's <VirtualHost _default_:21>
				// serves the port the flag moved Listen 21 to.
				if got := m.file.route(0, netip.MustParseAddrPort("127.0.0.1:2121")); len(got) != 1 || got[0] != m.file.srv {
					t.Errorf("route of -listen 127.0.0.1:2121: %d servers, want the FTP host", len(got))
				}
			}},
		{"SSLEngine on without a certificate file generates one", "FTP On\nDocumentRoot root\nSSLEngine on\n", Flags{},
			func(t *testing.T, m fcMapped) {
				if m.s.noTLS || m.s.cert != nil {
					t.Errorf("noTLS %v, cert %v: want TLS with a generated certificate", m.s.noTLS, m.s.cert)
				}
				want := "DIR/ftpsd.conf:3: SSLEngine on without SSLCertificateFile: serving a generated self-signed certificate (kept in the state directory, its fingerprint logged); clients must pin it or skip verification"
				if w := strings.ReplaceAll(strings.Join(m.warnings(), "\n"), dir, "DIR"); w != want {
					t.Errorf("warnings %q, want %q", w, want)
				}
			}},
		{"hybrid groups only warn when TLS 1.2 is allowed", fcVHost("SSLOpenSSLConfCmd Curves X25519MLKEM768:SecP256r1MLKEM768"), Flags{},
			func(t *testing.T, m fcMapped) {
				want := "DIR/ftpsd.conf:9: SSLOpenSSLConfCmd Curves: only post-quantum hybrid groups, which TLSv1.2 cannot negotiate: TLSv1.2 clients will fail the handshake; add X25519 or P-256, or set SSLProtocol TLSv1.3"
				if w := strings.ReplaceAll(strings.Join(m.warnings(), "\n"), dir, "DIR"); w != want {
					t.Errorf("warnings %q, want %q", w, want)
				}
				if want := []tls.CurveID{tls.X25519MLKEM768, tls.SecP256r1MLKEM768}; !slices.Equal(m.cfg.TLS.CurvePreferences, want) {
					t.Errorf("CurvePreferences %v, want %v", m.cfg.TLS.CurvePreferences, want)
				}
			}},
		{"no Curves line: crypto/tls's groups", fcVHost(""), Flags{},
			func(t *testing.T, m fcMapped) {
				if m.cfg.TLS.CurvePreferences != nil {
					t.Errorf("CurvePreferences %v, want none set", m.cfg.TLS.CurvePreferences)
				}
			}},
		{"a looser umask below the root is a warning", fcVHost("<Directory root/sub>\nFTPUmask 002\n</Directory>"), Flags{},
			func(t *testing.T, m fcMapped) {
				want := "DIR/ftpsd.conf:10: FTPUmask in <Directory DIR/root/sub>: not acted on yet, 022 applies everywhere"
				if w := strings.ReplaceAll(strings.Join(m.warnings(), "\n"), dir, "DIR"); w != want {
					t.Errorf("warnings %q, want %q", w, want)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors:\n%s", strings.Join(m.errs, "\n"))
			}
			tt.check(t, m)
		})
	}
}

// TestFromConfigRefused: what the server must not start with, each error at
// its directive's file:line.
func TestFromConfigRefused(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	tests := []struct {
		name  string
		text  string
		flags Flags
		want  []string
	}{
		{"no FTP server", "Listen 127.0.0.1:0\n", Flags{}, []string{"DIR/ftpsd.conf: no server has FTP On"}},
		{"Listen reaching a server without FTP", "Listen 127.0.0.1:21\nListen 127.0.0.1:22\n<VirtualHost *:21>\nFTP On\n</VirtualHost>\n", Flags{}, []string{
			"DIR/ftpsd.conf:2: Listen 127.0.0.1:22: the connections it accepts go to the main server, which has FTP Off; remove the Listen or let a server with FTP On match it",
		}},
		{"flag listener reaching a server without FTP", "Listen 127.0.0.1:21\nListen 127.0.0.1:22\n<VirtualHost *:21>\nFTP On\n</VirtualHost>\n",
			Flags{Listeners: Given([]loop.Listener{{Addr: "127.0.0.1:2121"}, {Addr: "127.0.0.1:0", Implicit: true}})}, []string{
				"-listen: 127.0.0.1:2121: the connections it accepts go to the main server, which has FTP Off; give the port a <VirtualHost> with FTP On, or keep one Listen in DIR/ftpsd.conf for the flag to move",
			}},
		{"authentication below the root", fcVHost("<Directory root/sub>\nAuthUserFile conf/htpasswd\n</Directory>\n<Location /pub>\nAnonymous guest\n</Location>"), Flags{}, []string{
			"DIR/ftpsd.conf:9: <Directory DIR/root/sub> sets how users log in for part of the tree; ftpsd checks a login once, with the document root's AuthUserFile and Anonymous (Require, <Limit> and AuthGroupFile may be set per directory)",
			"DIR/ftpsd.conf:12: <Location /pub> sets how users log in for part of the tree; ftpsd checks a login once, with the document root's AuthUserFile and Anonymous (Require, <Limit> and AuthGroupFile may be set per directory)",
		}},
		{"AuthGroupFile missing", fcVHost("<Directory root/sub>\nAuthGroupFile conf/nogroups\nRequire group staff\n</Directory>"), Flags{}, []string{
			"DIR/ftpsd.conf:10: AuthGroupFile: open DIR/conf/nogroups: no such file or directory",
		}},
		{"AllowProxyPASV", fcVHost("FTPOptions AllowProxyPASV AllowProxyPORT"), Flags{}, []string{
			"DIR/ftpsd.conf:9: FTPOptions AllowProxyPASV: not supported, ftpsd never lets a data connection use an address other than the client's; refusing to start rather than differ silently",
			"DIR/ftpsd.conf:9: FTPOptions AllowProxyPORT: not supported, ftpsd never lets a data connection use an address other than the client's; refusing to start rather than differ silently",
		}},
		{"FTPJailUser On without FTPHomeDir", fcVHost("FTPJailUser On"), Flags{}, []string{
			"DIR/ftpsd.conf:9: FTPJailUser On needs FTPHomeDir: a user is jailed in its home directory, and there is none; refusing to start rather than leave users unjailed",
		}},
		{"a stricter umask below the root", fcVHost("<Directory root/sub>\nFTPDirUmask 077\n</Directory>"), Flags{}, []string{
			"DIR/ftpsd.conf:10: FTPDirUmask 077 in <Directory DIR/root/sub>: per-directory umasks are not applied yet and this one is stricter than the 022 applied everywhere; refusing to start rather than create files more open than configured",
		}},
		{"hybrid groups only with TLS 1.2 only", fcVHost("SSLProtocol TLSv1.2\nSSLOpenSSLConfCmd Curves X25519MLKEM768"), Flags{}, []string{
			"DIR/ftpsd.conf:10: SSLOpenSSLConfCmd Curves: only post-quantum hybrid groups, which TLSv1.2 cannot negotiate, and SSLProtocol allows TLSv1.2 only: no handshake could succeed; add X25519 or P-256",
		}},
		{"SSLUserName", fcVHost("SSLUserName SSL_CLIENT_S_DN_UID"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLUserName SSL_CLIENT_S_DN_UID: not supported; ftpsd takes the user name of a certificate login from its subject CN only (SSL_CLIENT_S_DN_CN)",
		}},
		{"SSLVerifyClient without CA or SSLUserName", fcVHost("SSLVerifyClient require"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLVerifyClient require needs SSLCACertificateFile: ftpsd verifies client certificates against it, never against the system's roots",
			"DIR/ftpsd.conf:9: SSLVerifyClient require without SSLUserName SSL_CLIENT_S_DN_CN: ftpsd logs in, without a password, a client whose verified certificate's CN is its USER name; add SSLUserName SSL_CLIENT_S_DN_CN to allow that (refusing to start rather than grant more than configured)",
		}},
		{"two certificates of one key type", fcVHost("SSLCertificateFile ssl/server.crt\nSSLCertificateKeyFile ssl/server.key"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLCertificateFile: DIR/conf/server.crt and DIR/ssl/server.crt both have ECDSA keys: give one certificate per key type",
		}},
		{"more keys than certificates", fcVHost("SSLCertificateKeyFile ssl/server.key"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLCertificateKeyFile without a matching SSLCertificateFile before it",
		}},
		{"missing certificate", strings.Replace(fcVHost(""), "conf/server.crt", "conf/missing.crt", 1), Flags{}, []string{
			"DIR/ftpsd.conf:6: SSLCertificateFile: open DIR/conf/missing.crt: no such file or directory",
		}},
		{"key of another certificate", strings.Replace(fcVHost(""), "conf/server.key", "ssl/server.key", 1), Flags{}, []string{
			"DIR/ftpsd.conf:7: SSLCertificateKeyFile: certificate DIR/conf/server.crt and key DIR/ssl/server.key: tls: private key does not match public key",
		}},
		{"chain without certificates", fcVHost("SSLCertificateChainFile conf/htpasswd"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLCertificateChainFile: DIR/conf/htpasswd holds no PEM certificate",
		}},
		{"bad CA file", fcVHost("SSLCACertificateFile conf/htpasswd"), Flags{}, []string{
			"DIR/ftpsd.conf:9: SSLCACertificateFile: DIR/conf/htpasswd holds no PEM certificate",
		}},
		{"bad htpasswd", fcVHost("<Directory root>\nAuthUserFile conf/bad-htpasswd\n</Directory>"), Flags{}, []string{
			`DIR/ftpsd.conf:10: AuthUserFile: auth: DIR/conf/bad-htpasswd:1: user "alice": unrecognised password hash (bcrypt, APR1-MD5, {SHA}, {SSHA} or SHA-crypt expected)`,
		}},
		{"missing banner file", fcVHost("FTPBannerMessage file:conf/none.txt"), Flags{}, []string{
			"DIR/ftpsd.conf:9: FTPBannerMessage: open DIR/conf/none.txt: no such file or directory",
		}},
		{"logs", fcVHost("ErrorLog nologs/error_log\nCustomLog logs/x ftp_command env=!do_transfer_log\nCustomLog logs/y \"%{%Q}t\"\nCustomLog nologs/z ftp_command"), Flags{}, []string{
			"DIR/ftpsd.conf:9: ErrorLog DIR/nologs/error_log: stat DIR/nologs: no such file or directory",
			"DIR/ftpsd.conf:10: CustomLog env=!do_transfer_log: not supported; ftpsd sets only do_transfer_log (env=do_transfer_log logs transfers, no env= logs every command)",
			"DIR/ftpsd.conf:11: CustomLog DIR/logs/y: ftplog: log format offset 2: unknown strftime conversion \"%Q\"",
			"DIR/ftpsd.conf:12: CustomLog DIR/nologs/z: stat DIR/nologs: no such file or directory",
		}},
		{"-require-tls without TLS", "FTP On\nDocumentRoot root\n", Flags{RequireTLS: Given(true)}, []string{
			"DIR/ftpsd.conf: -require-tls needs TLS: set SSLEngine on, or give -cert and -key",
		}},
		{"document root checked at start-up", "FTP On\nDocumentRoot /nonexistent/htdocs\n", Flags{}, []string{
			"DIR/ftpsd.conf:2: DocumentRoot: /nonexistent/htdocs is not a directory",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if !slices.Equal(m.errs, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(m.errs, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestVerifyDepth: SSLVerifyDepth counts the CA certificates between a
// client certificate and the trusted CA.
func TestVerifyDepth(t *testing.T) {
	t.Parallel()
	c := &x509.Certificate{}
	tests := []struct {
		name   string
		depth  int
		chains [][]*x509.Certificate
		ok     bool
	}{
		{"no certificate", 0, nil, true},
		{"self-signed at depth 0", 0, [][]*x509.Certificate{{c}}, true},
		{"CA-signed at depth 0", 0, [][]*x509.Certificate{{c, c}}, false},
		{"CA-signed at depth 1", 1, [][]*x509.Certificate{{c, c}}, true},
		{"intermediate at depth 1", 1, [][]*x509.Certificate{{c, c, c}}, false},
		{"one short chain is enough", 1, [][]*x509.Certificate{{c, c, c}, {c, c}}, true},
	}
	for _, tt := range tests {
		if err := verifyDepth(tt.depth)(nil, tt.chains); (err == nil) != tt.ok {
			t.Errorf("%s: %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// TestDirectivesExampleIsServed: DIRECTIVES.md's complete example maps
// without an error, its paths moved to a fixture, and serves two hosts. It
// is only mapped, never bound, so its ports stay 21 and 990: port 0 would
// stand for both and reach the implicit host only.
func TestDirectivesExampleIsServed(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "config", "DIRECTIVES.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## A complete example")
	block := doc[start:]
	block = block[strings.Index(block, "```apache\n")+len("```apache\n"):]
	block = block[:strings.Index(block, "```")]
	text := strings.NewReplacer("ServerRoot /etc/ftpsd", "ServerRoot "+dir, "/srv/ftp", filepath.Join(dir, "root"),
		"Listen 21 ftp", "Listen 127.0.0.1:21 ftp", "Listen 990 ftps", "Listen 127.0.0.1:990 ftps").Replace(block)
	m := fcMap(t, dir, text)
	if len(m.errs) > 0 {
		t.Fatalf("errors:\n%s\nin:\n%s", strings.Join(m.errs, "\n"), text)
	}
	if len(m.file.vhosts) != 1 || m.cfg.Authorize == nil || !m.cfg.RequireTLS {
		t.Errorf("%d virtual hosts (want 1), authorizer %v, RequireTLS %v", len(m.file.vhosts), m.cfg.Authorize != nil, m.cfg.RequireTLS)
	}
	az := m.cfg.Authorize
	file := filepath.Join(dir, "root", "f")
	if !az.Allow("RETR", "anonymous", file, "/f") || az.Allow("STOR", "anonymous", file, "/f") || !az.Allow("STOR", "alice", file, "/f") {
		t.Errorf("the example's <Limit> does not let anonymous read and only alice and bob write")
	}
}

// TestProcessWideWarnings: a virtual host that sets limits, an ErrorLog or
// a LogLevel other than the first FTP server's is warned about, once per
// setting, at the line that sets it; ftpsd applies the first server's.
func TestProcessWideWarnings(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	// The first FTP server is fcVHost's, lines 3 to 11; the second starts
	// at line 12.
	second := func(body string) string {
		return fcVHost("ErrorLog logs/a_error\nLogLevel debug") +
			"<VirtualHost _default_:21>\nFTP On\nDocumentRoot root\n" + body + "\n</VirtualHost>\n"
	}
	limits := "DIR/ftpsd.conf:12: <VirtualHost _default_:21> sets other session, login or bandwidth limits than <VirtualHost _default_:21> at DIR/ftpsd.conf:3: ftpsd applies one set to the whole process, the first FTP server's"
	errorLog := "DIR/ftpsd.conf:15: ErrorLog DIR/logs/b_error: not used for <VirtualHost _default_:21>; ftpsd writes one error log for the whole process, the first FTP server's (DIR/logs/a_error)"
	logLevel := "DIR/ftpsd.conf:16: LogLevel warn: not used for <VirtualHost _default_:21>; ftpsd logs at one level for the whole process, the first FTP server's (debug)"
	tests := []struct {
		name  string
		text  string
		flags Flags
		want  []string
	}{
		{"each differs", second("ErrorLog logs/b_error\nLogLevel warn\nFTPLimitLoginIP 3"), Flags{}, []string{limits, errorLog, logLevel}},
		{"the same as the first's", second("ErrorLog logs/a_error\nLogLevel debug"), Flags{}, nil},
		{"unset", second(""), Flags{}, nil},
		{"-log-level wins for both", second("ErrorLog logs/b_error\nLogLevel warn"), Flags{LogLevel: Given(slog.LevelError)}, []string{errorLog}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors:\n%s", strings.Join(m.errs, "\n"))
			}
			var got []string
			for _, w := range m.warnings() {
				got = append(got, strings.ReplaceAll(w, dir, "DIR"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if m.file.errorLog != filepath.Join(dir, "logs/a_error") {
				t.Errorf("error log %q, want the first server's", m.file.errorLog)
			}
		})
	}
}

// The configuration fixtures are internal/testserver's, shared with the
// other packages that test configurations.
var (
	fcFixture = testserver.ConfigFixture
	fcSeed    = testserver.SeedConfig
)
