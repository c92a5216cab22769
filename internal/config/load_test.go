package config

import (
	"crypto/tls"
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// The seed's two configurations (mod_ftp's "FTP over TLS" page) load as written.
func TestSeedConfigs(t *testing.T) {
	tests := []struct {
		file     string
		port     uint16
		protocol string
		implicit bool
		docRoot  string
		logs     []CustomLog
	}{
		{
			file: "seed-explicit.conf", port: 21, protocol: "ftp",
			logs: []CustomLog{
				{At: Pos{"testdata/seed-explicit.conf", 18}, Path: "logs/ftps_command_log", Format: "%u [%a] %r %>s", Nickname: "ftp_command"},
				{At: Pos{"testdata/seed-explicit.conf", 19}, Path: "logs/ftps_transfer_log",
					Format:   "%{%b %e %H:%M:%S %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y",
					Nickname: "ftp_transfer", Env: "do_transfer_log"},
			},
		},
		{
			file: "seed-implicit.conf", port: 990, protocol: "ftps", implicit: true, docRoot: "/usr/local/apache2/htdocs",
			logs: []CustomLog{
				{At: Pos{"testdata/seed-implicit.conf", 21}, Path: "logs/ftps_command.log", Format: "%u [%a] %r %>s", Nickname: "ftp_command"},
				{At: Pos{"testdata/seed-implicit.conf", 22}, Path: "logs/ftps_transfer.log",
					Format:   "%{%b %e %H:%M:%S %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y",
					Nickname: "ftp_transfer", Env: "do_transfer_log"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			cfg, notes, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(notes) != 2 || notes[0].Line != 1 || notes[1].Line != 4 {
				t.Errorf("notes %q, want LoadModule's and AcceptFilter's", noteStrings(notes))
			}
			if len(cfg.Listen) != 1 {
				t.Fatalf("Listen %+v", cfg.Listen)
			}
			if l := cfg.Listen[0]; l.Host != "" || l.Port != tt.port || l.Protocol != tt.protocol || l.Implicit != tt.implicit {
				t.Errorf("Listen %+v", l)
			}
			root, _ := filepath.Abs("testdata")
			if cfg.ServerRoot != root {
				t.Errorf("ServerRoot %q, want %q", cfg.ServerRoot, root)
			}
			srv := cfg.Match(netip.MustParseAddrPort("192.0.2.1:" + itoa(tt.port)))
			if len(srv) != 1 || srv[0].At.Line != 9 {
				t.Fatalf("Match gave %d servers", len(srv))
			}
			s := srv[0]
			if !s.FTPEnabled() || !s.TLSEnabled() || s.ImplicitSSL() != tt.implicit {
				t.Errorf("FTP %v SSL %v implicit %v", s.FTPEnabled(), s.TLSEnabled(), s.ImplicitSSL())
			}
			if len(s.SSL.CertificateFile) != 1 || len(s.SSL.CertificateKeyFile) != 1 ||
				filepath.Base(s.SSL.CertificateFile[0].Value) != "server.crt" || !filepath.IsAbs(s.SSL.CertificateKeyFile[0].Value) {
				t.Errorf("certificates %+v %+v", s.SSL.CertificateFile, s.SSL.CertificateKeyFile)
			}
			if s.DocumentRoot.Value != tt.docRoot {
				t.Errorf("DocumentRoot %q", s.DocumentRoot.Value)
			}
			if !filepath.IsAbs(s.ErrorLog.Value) {
				t.Errorf("ErrorLog %q", s.ErrorLog.Value)
			}
			for i := range tt.logs {
				tt.logs[i].Path = filepath.Join(root, tt.logs[i].Path)
			}
			if !reflect.DeepEqual(s.CustomLogs, tt.logs) {
				t.Errorf("CustomLogs\n got %+v\nwant %+v", s.CustomLogs, tt.logs)
			}
		})
	}
}

func itoa(p uint16) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), p).String()[len("0.0.0.0:"):]
}

// A virtual host inherits what it does not set from the main server, as Apache merges them.
func TestInheritance(t *testing.T) {
	conf := `ServerName main.example
DocumentRoot /srv/main
FTP On
SSLEngine on
SSLCertificateFile main.crt
SSLProtocol -all +TLSv1.3
SSLOpenSSLConfCmd Curves X25519:prime256v1
FTPOptions NLSTShowDirs RequireSSL
FTPTimeoutIdle 60
FTPPASVrange 50000 50010
FTPUmask 077
LogFormat "%u" short
CustomLog logs/main short
ErrorLog logs/main_error
<Directory /srv>
  Require valid-user
</Directory>

<VirtualHost *:21>
  FTPTimeoutIdle 30
  FTPOptions -RequireSSL +StripHostname
  LogFormat "%h" short
</VirtualHost>

<VirtualHost *:2121>
  ServerName other.example
  FTP Off
  SSLCertificateFile other.crt
  SSLOpenSSLConfCmd Groups X25519MLKEM768
  FTPOptions NoUTF8Feature
  FTPDirUmask 002
  CustomLog logs/other "%a"
  <Directory /srv/other>
    Require all granted
  </Directory>
</VirtualHost>
`
	cfg, _, err := loadConf(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	// The configuration as written keeps virtual hosts unmerged.
	if cfg.VirtualHosts[0].FTP.Set || cfg.VirtualHosts[0].DocumentRoot.Set {
		t.Errorf("VirtualHosts[0] was merged in place")
	}
	ss := cfg.Servers()
	if len(ss) != 3 {
		t.Fatalf("%d servers", len(ss))
	}
	main, a, b := ss[0], ss[1], ss[2]

	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("main options", main.FTPOptions.Apply(0).String(), "RequireSSL NLSTShowDirs")

	check("a name", a.ServerName.Value, "main.example")
	check("a root", a.DocumentRoot.Value, "/srv/main")
	check("a ftp", a.FTPEnabled(), true)
	check("a tls", a.TLSEnabled(), true)
	check("a cert", a.SSL.CertificateFile[0].Value, "/etc/ftpsd/main.crt")
	check("a protocol", a.SSL.Versions().Min, uint16(0x0304))
	check("a groups", a.SSL.Groups.Value, []tls.CurveID{tls.X25519, tls.CurveP256})
	check("a idle", a.FTPTimeoutIdle.Value, 30*time.Second)
	check("a pasv", a.FTPPASVRange.Value, PortRange{50000, 50010})
	check("a options", a.FTPOptions.Apply(0).String(), "NLSTShowDirs StripHostname")
	check("a umask", a.Dir.Umask(), DefaultUmask^0o055) // 077 inherited
	check("a formats", a.LogFormats["short"].Value, "%h")
	check("a logs", a.CustomLogs[0].Path, "/etc/ftpsd/logs/main")
	check("a log format stays main's", a.CustomLogs[0].Format, "%u")
	check("a error log", a.ErrorLog.Value, "/etc/ftpsd/logs/main_error")
	check("a directories", len(a.Directories), 1)

	check("b name", b.ServerName.Value, "other.example")
	check("b ftp", b.FTPEnabled(), false)
	check("b cert", b.SSL.CertificateFile[0].Value, "/etc/ftpsd/other.crt")
	check("b groups", b.SSL.Groups.Value, []tls.CurveID{tls.X25519MLKEM768})
	check("b idle", b.FTPTimeoutIdle.Value, 60*time.Second)
	check("b options", b.FTPOptions.Apply(0).String(), "NoUTF8Feature")
	check("b umask", b.Dir.Umask(), DefaultUmask^0o055)
	check("b dir umask", b.Dir.DirUmask(), DefaultDirUmask&^0o020)
	check("b logs", len(b.CustomLogs), 1)
	check("b log format", b.CustomLogs[0].Format, "%a")
	check("b directories", []string{b.Directories[0].Path, b.Directories[1].Path}, []string{"/srv", "/srv/other"})
	// Has on an effective server reflects inheritance.
	check("a has RequireSSL", a.FTPOptions.Has(RequireSSL), false)
	check("main has RequireSSL", main.FTPOptions.Has(RequireSSL), true)
}

// The typical setup: anonymous may read, named users may also write.
func TestAccessAnonymousReadUsersWrite(t *testing.T) {
	conf := `FTP On
DocumentRoot /srv/ftp
<Directory /srv/ftp>
  AuthType Basic
  AuthName ftp
  AuthBasicProvider anon file
  AuthUserFile conf/htpasswd
  AuthGroupFile conf/groups
  Anonymous anonymous ftp
  <Limit STOR STOU APPE DELE RNFR RNTO MKD RMD SITE MFMT>
    Require user alice
    Require group writers
  </Limit>
</Directory>
<Directory /srv/ftp/private>
  <LimitExcept QUIT>
    Require user alice
  </LimitExcept>
</Directory>
<Location /incoming>
  <Limit STOR>
    Require valid-user
  </Limit>
</Location>
`
	cfg, _, err := loadConf(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Servers()[0]
	inGroup := func(user string) func(string) bool {
		return func(g string) bool { return g == "writers" && user == "carol" }
	}
	tests := []struct {
		fs, virt, verb, user string
		want                 bool
	}{
		{"/srv/ftp/pub/a.txt", "/pub/a.txt", "RETR", "anonymous", true},
		{"/srv/ftp/pub", "/pub", "LIST", "anonymous", true},
		{"/srv/ftp/pub/a.txt", "/pub/a.txt", "STOR", "anonymous", false},
		{"/srv/ftp/pub/a.txt", "/pub/a.txt", "stor", "alice", true},
		{"/srv/ftp/pub/a.txt", "/pub/a.txt", "DELE", "bob", false},
		{"/srv/ftp/pub/a.txt", "/pub/a.txt", "DELE", "carol", true}, // by group
		{"/srv/ftp/pub/new", "/pub/new", "XMKD", "anonymous", false},
		{"/srv/ftp/pub/new", "/pub/new", "XMKD", "alice", true},
		{"/srv/ftp/private/x", "/private/x", "RETR", "anonymous", false},
		{"/srv/ftp/private/x", "/private/x", "RETR", "alice", true},
		{"/srv/ftp/privateer/x", "/privateer/x", "RETR", "anonymous", true}, // component boundary
		{"/srv/ftp/incoming/up", "/incoming/up", "STOR", "anonymous", true}, // Location replaces the Require lines
		{"/srv/ftp/incoming/up", "/incoming/up", "STOR", "", false},
	}
	for _, tt := range tests {
		sc := s.Access(tt.fs, tt.virt)
		if got := sc.Allows(tt.verb, tt.user, inGroup(tt.user)); got != tt.want {
			t.Errorf("%s %s by %q: allowed %v, want %v", tt.verb, tt.virt, tt.user, got, tt.want)
		}
	}
	sc := s.Access("/srv/ftp/pub", "/pub")
	if sc.AuthType.Value != AuthBasic || sc.AuthUserFile.Value != "/etc/ftpsd/conf/htpasswd" ||
		!reflect.DeepEqual(sc.Providers(), []Provider{ProviderAnon, ProviderFile}) {
		t.Errorf("merged scope %+v", sc)
	}
	// Outside every section: no Require, everything allowed (authentication aside).
	if out := s.Access("/elsewhere", "/"); !out.Allows("STOR", "", nil) || out.AuthType.Set {
		t.Errorf("outside scope %+v", out)
	}
}

func TestAccessOrder(t *testing.T) {
	conf := `<Directory /srv/ftp/a>
  FTPUmask 007
</Directory>
<Directory /srv/ftp>
  FTPUmask 077
  FTPDirUmask 070
</Directory>
<Directory /srv/*/a>
  FTPDirUmask 002
</Directory>
<Location />
  FTPUmask 000
</Location>
<Location /b>
  FTPUmask 001
</Location>
FTPUmask 022
FTPReadmeMessage file:README
`
	cfg, _, err := loadConf(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Servers()[0]
	tests := []struct {
		fs, virt       string
		umask, dirmask uint32
	}{
		{"/srv/ftp/a/x", "/a/x", 0o000, 0o002}, // Location / last; /srv/*/a (3 parts) after /srv/ftp (2)
		{"/srv/ftp/b", "/b", 0o001, 0o070},
		{"/other", "/../other", 0o000, 0o022},
	}
	for _, tt := range tests {
		sc := s.Access(tt.fs, tt.virt)
		if uint32(sc.Umask()) != tt.umask || uint32(sc.DirUmask()) != tt.dirmask {
			t.Errorf("%s: umask %o dirumask %o, want %o %o", tt.fs, sc.Umask(), sc.DirUmask(), tt.umask, tt.dirmask)
		}
		if sc.FTPReadmeMessage.Value.File != "README" {
			t.Errorf("%s: readme %+v", tt.fs, sc.FTPReadmeMessage)
		}
	}
}

func TestMatch(t *testing.T) {
	conf := `FTP On
Listen 21
Listen 192.0.2.9:2121
<VirtualHost 192.0.2.1:21>
  ServerName one.example
</VirtualHost>
<VirtualHost 192.0.2.1:21>
  ServerName two.example
  ServerAlias *.two.example
</VirtualHost>
<VirtualHost *:21>
  ServerName wild.example
</VirtualHost>
<VirtualHost _default_:21>
  ServerName default.example
</VirtualHost>
<VirtualHost [2001:db8::1]>
  ServerName six.example
</VirtualHost>
`
	cfg, _, err := loadConf(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ss []*Server) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ServerName.Value)
		}
		return out
	}
	tests := []struct {
		local string
		want  []string
	}{
		{"192.0.2.1:21", []string{"one.example", "two.example"}},
		{"[::ffff:192.0.2.1]:21", []string{"one.example", "two.example"}},
		{"192.0.2.2:21", []string{"wild.example", "default.example"}},
		{"[2001:db8::1]:21", []string{"six.example"}},
		{"[2001:db8::1]:2121", []string{"six.example"}},
		{"192.0.2.9:2121", []string{""}}, // the main server
	}
	for _, tt := range tests {
		if got := names(cfg.Match(netip.MustParseAddrPort(tt.local))); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Match(%s) = %q, want %q", tt.local, got, tt.want)
		}
	}
}

func TestListenImplicit(t *testing.T) {
	tests := []struct {
		name string
		conf string
		want []bool
		errs string
	}{
		{"per port", "FTP On\nSSLEngine on\nListen 21\nListen 990\n<VirtualHost *:990>\nFTPImplicitSSL on\n</VirtualHost>\n", []bool{false, true}, ""},
		{"main server implicit", "FTP On\nSSLEngine on\nFTPImplicitSSL on\nListen 990\n", []bool{true}, ""},
		{"inherited by vhosts, main unreachable", "FTP On\nFTPImplicitSSL on\nListen 990\n<VirtualHost *:990>\nSSLEngine on\n</VirtualHost>\n", []bool{true}, ""},
		{"main reachable without TLS", "FTP On\nFTPImplicitSSL on\nListen 990\n<VirtualHost 192.0.2.1:990>\nSSLEngine on\n</VirtualHost>\n", nil,
			at(2, "FTPImplicitSSL On needs SSLEngine on in the same server")},
		{"main and a virtual host disagree", "FTP On\nListen 990\n<VirtualHost 192.0.2.1:990>\nSSLEngine on\nFTPImplicitSSL on\n</VirtualHost>\n", nil,
			at(2, "Listen :990 reaches servers with and without FTPImplicitSSL On (the main server and the <VirtualHost> at line 3); give implicit TLS its own port")},
		{"specific listener picks its host", "FTP On\nListen 192.0.2.1:990\nListen 192.0.2.2:990\n<VirtualHost 192.0.2.1:990>\nSSLEngine on\nFTPImplicitSSL on\n</VirtualHost>\n", []bool{true, false}, ""},
		{"name-based hosts disagree", "FTP On\nSSLEngine on\nListen 21\n<VirtualHost *:21>\n</VirtualHost>\n<VirtualHost *:21>\nFTPImplicitSSL on\n</VirtualHost>\n", nil,
			at(3, "Listen :21 reaches servers with and without FTPImplicitSSL On (the <VirtualHost> at line 4 and the <VirtualHost> at line 6); give implicit TLS its own port")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadConf(t, tt.conf)
			if got := errString(err); got != tt.errs {
				t.Fatalf("errors:\n got %q\nwant %q", got, tt.errs)
			}
			if err != nil {
				return
			}
			var got []bool
			for _, l := range cfg.Listen {
				got = append(got, l.Implicit)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("implicit %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVirtualHostWithoutListenNote(t *testing.T) {
	_, notes, err := loadConf(t, "FTP On\nListen 21\n<VirtualHost *:2121>\n</VirtualHost>\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{at(3, "<VirtualHost *:2121>: no Listen directive opens port 2121")}
	if got := noteStrings(notes); !reflect.DeepEqual(got, want) {
		t.Errorf("notes %q, want %q", got, want)
	}
}

func TestLoadSource(t *testing.T) {
	l := Loader{fs: files(map[string]string{"/etc/ftpsd/x.conf": "FTP On\n"})}
	cfg, _, err := l.LoadSource(mainFile, []byte("Include x.conf\nServerName s.example\n"))
	if err != nil || !cfg.Main.FTPEnabled() || cfg.File != mainFile {
		t.Fatalf("cfg %+v err %v", cfg, err)
	}
	_, _, err = l.LoadSource(mainFile, []byte("Include ftpsd.conf\n"))
	if got, want := errString(err), at(1, "Include: open etc/ftpsd/ftpsd.conf: file does not exist"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
