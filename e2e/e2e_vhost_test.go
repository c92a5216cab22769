package e2e

// Virtual hosts, per-directory authorization and user homes from a
// configuration file, driven by curl and Python's ftplib: the typical
// mirror setup (anonymous may read, named users may also write, through
// <LimitExcept>), a staff directory behind Require group that a symbolic
// link elsewhere in the tree cannot open, a second name-based host chosen
// with HOST (RFC 7151) whose users are jailed in their homes, and each
// host's command log. Also (issue 21): STOU judged by the name it creates,
// and HOST refused when the host named cannot keep the session's TLS.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// vhConf is the configuration; ROOT and HOMES are replaced.
const vhConf = `Listen 127.0.0.1:0
LogFormat "%u [%a] %r %>s" ftp_command
<VirtualHost *:21>
  ServerName files.example
  FTP On
  DocumentRoot ROOT
  FTPOptions NLSTShowDirs
  <Directory ROOT>
    AuthType Basic
    AuthName ftp
    AuthBasicProvider anon file
    AuthUserFile conf/vh-htpasswd
    AuthGroupFile conf/vh-groups
    Anonymous anonymous ftp
    <LimitExcept RETR LIST NLST MLSD MLST SIZE MDTM CWD CDUP PWD STAT>
      Require user alice
    </LimitExcept>
  </Directory>
  <Directory ROOT/staff>
    Require group staff
  </Directory>
  CustomLog logs/files-command.log ftp_command
</VirtualHost>
<VirtualHost *:21>
  ServerName homes.example
  ServerAlias *.homes.example
  FTP On
  DocumentRoot HOMES
  FTPHomeDir /users
  FTPJailUser On
  <Directory HOMES>
    AuthUserFile conf/vh-htpasswd
  </Directory>
  CustomLog logs/homes-command.log ftp_command
</VirtualHost>
`

// vhScript runs one ftplib session: HOST homes.example, login, PWD, NLST
// and a STOR, printing each reply.
const vhScript = `
import ftplib, io, sys
f = ftplib.FTP()
f.connect(sys.argv[1], int(sys.argv[2]), timeout=20)
print(f.sendcmd("HOST www.homes.example"))
f.login(sys.argv[3], sys.argv[4])
print(f.pwd())
print(sorted(f.nlst()))
print(f.storbinary("STOR new.txt", io.BytesIO(b"stored in the home\n")))
try:
    f.sendcmd("SIZE /../../top.txt")
except ftplib.error_perm as e:
    print(e)
f.quit()
`

func TestConfigVirtualHostsAuthorizationHomes(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root, homes := filepath.Join(dir, "files"), filepath.Join(dir, "homes")
	writeTree(t, root, map[string]string{
		"pub/readme.txt":  "public\n",
		"staff/plan.txt":  "staff only\n",
		"upload/.keep":    "",
		"top-of-files.md": "files\n",
	})
	if err := os.Symlink("../staff", filepath.Join(root, "pub", "staff-link")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, homes, map[string]string{"users/alice/mine.txt": "alice's\n", "top.txt": "not for users\n"})
	for name, data := range map[string]string{
		"conf/vh-htpasswd": "alice:" + shaHash("alice-secret") + "\nbob:" + shaHash("bob-secret") + "\n",
		"conf/vh-groups":   "staff: alice\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	text := strings.NewReplacer("HOMES", homes, "ROOT", root).Replace(vhConf)
	s := startConfServer(t, dir, root, text)
	curl := func(args ...string) (string, error) {
		return runTool(t, dir, "curl", append([]string{"-sS", "--max-time", "20"}, args...)...)
	}
	bob := &account{user: "bob", pass: "bob-secret"}
	al := &account{user: "alice", pass: "alice-secret"}

	t.Run("anonymous reads, is refused staff through a link", func(t *testing.T) {
		if out, err := curl(s.url(nil, "/pub/readme.txt")); err != nil || out != "public\n" {
			t.Fatalf("anonymous RETR: %q, %v", out, err)
		}
		// curl changes into each directory first, so the refusal is the
		// CWD's 550 (curl's status 9); the command log below has it.
		if out, err := curl(s.url(nil, "/pub/staff-link/plan.txt")); err == nil || strings.Contains(out, "staff only") {
			t.Fatalf("anonymous RETR through the link into staff: %q, %v; want a refusal", out, err)
		}
		if out, err := curl(s.url(nil, "/staff/plan.txt")); err == nil || strings.Contains(out, "staff only") {
			t.Fatalf("anonymous RETR in staff: %q, %v; want a refusal", out, err)
		}
	})
	t.Run("alice writes and reads staff", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "a.txt")
		if err := os.WriteFile(src, []byte("from alice\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := curl("-T", src, s.url(al, "/upload/a.txt")); err != nil {
			t.Fatalf("alice STOR: %v\n%s", err, out)
		}
		if b, err := os.ReadFile(filepath.Join(root, "upload", "a.txt")); err != nil || string(b) != "from alice\n" {
			t.Fatalf("alice's upload: %q, %v", b, err)
		}
		if out, err := curl(s.url(al, "/pub/staff-link/plan.txt")); err != nil || out != "staff only\n" {
			t.Fatalf("alice RETR through the link: %q, %v", out, err)
		}
	})
	t.Run("bob reads but may not write", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "b.txt")
		if err := os.WriteFile(src, []byte("from bob\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := curl("-T", src, s.url(bob, "/upload/b.txt")); err == nil || !strings.Contains(out, "550") {
			t.Fatalf("bob STOR: %q, %v; want 550", out, err)
		}
		if _, err := os.Stat(filepath.Join(root, "upload", "b.txt")); !os.IsNotExist(err) {
			t.Fatalf("bob's refused upload exists: %v", err)
		}
		if out, err := curl(s.url(bob, "/pub/readme.txt")); err != nil || out != "public\n" {
			t.Fatalf("bob RETR: %q, %v", out, err)
		}
		if out, err := curl(s.url(bob, "/staff/plan.txt")); err == nil || strings.Contains(out, "staff only") {
			t.Fatalf("bob RETR in staff: %q, %v; want a refusal", out, err)
		}
	})
	t.Run("HOST chooses the homes host, alice is jailed", func(t *testing.T) {
		script := filepath.Join(t.TempDir(), "vh.py")
		if err := os.WriteFile(script, []byte(vhScript), 0o644); err != nil {
			t.Fatal(err)
		}
		out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port), "alice", "alice-secret")
		want := []string{"220 ", "/", "['mine.txt']", "226 ", "550 "}
		got := lines(out)
		if len(got) != len(want) {
			t.Fatalf("ftplib output:\n%s\nwant lines starting %q", out, want)
		}
		for i, w := range want {
			if !strings.HasPrefix(got[i], w) {
				t.Errorf("ftplib line %d: %q, want it to start with %q", i+1, got[i], w)
			}
		}
		if b, err := os.ReadFile(filepath.Join(homes, "users", "alice", "new.txt")); err != nil || string(b) != "stored in the home\n" {
			t.Fatalf("upload in the home: %q, %v", b, err)
		}
	})
	t.Run("each host writes its own command log", func(t *testing.T) {
		if err := s.signal(syscall.SIGTERM); err != nil {
			t.Fatalf("stopping ftpsd: %v", err)
		}
		files := confCheckCommandLog(t, filepath.Join(dir, "logs", "files-command.log"), "alice-secret", "bob-secret")
		confHas(t, "files-command.log", files,
			"anonymous [127.0.0.1] CWD staff-link 550", "anonymous [127.0.0.1] CWD staff 550",
			"alice [127.0.0.1] STOR a.txt 226", "alice [127.0.0.1] CWD staff-link 250", "alice [127.0.0.1] RETR plan.txt 226",
			"bob [127.0.0.1] STOR b.txt 550", "bob [127.0.0.1] CWD staff 550")
		homesLog := confCheckCommandLog(t, filepath.Join(dir, "logs", "homes-command.log"), "alice-secret")
		confHas(t, "homes-command.log", homesLog, "alice [127.0.0.1] STOR new.txt 226")
		for _, l := range files {
			if strings.Contains(l, "new.txt") {
				t.Errorf("files-command.log has the homes host's %q", l)
			}
		}
	})
}

// stouConf: alice may upload anywhere, but no file named report.txt.<any>
// may exist in incoming; ROOT is replaced.
const stouConf = `Listen 127.0.0.1:0
FTP On
DocumentRoot ROOT
LogFormat "%u [%a] %r %>s" ftp_command
CustomLog logs/stou-command.log ftp_command
<Directory ROOT>
  AuthType Basic
  AuthName ftp
  AuthBasicProvider file
  AuthUserFile conf/htpasswd
</Directory>
<Location /incoming/report.txt.*>
  Require all denied
</Location>
`

// stouScript stores with STOU under a free name, then under a taken one
// whose generated name the configuration refuses, then with a bare STOU,
// printing each reply.
const stouScript = `
import ftplib, io, sys
f = ftplib.FTP()
f.connect(sys.argv[1], int(sys.argv[2]), timeout=20)
f.login("alice", "alice-secret")
f.cwd("incoming")
for cmd, data in (("STOU new.txt", b"fresh\n"), ("STOU report.txt", b"refused\n"), ("STOU", b"bare\n")):
    try:
        print(f.storbinary(cmd, io.BytesIO(data)))
    except ftplib.error_perm as e:
        print(e)
f.quit()
`

// TestConfigSTOUAuthorizedByGeneratedName: STOU of a name that is allowed
// but taken makes a new name, and that name is what the configuration
// judges: report.txt is allowed, report.txt.1 is not, so nothing is stored
// (issue 21, item 2).
func TestConfigSTOUAuthorizedByGeneratedName(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "stou-root")
	writeTree(t, root, map[string]string{"incoming/report.txt": "the old report\n"})
	s := startConfServer(t, dir, root, strings.ReplaceAll(stouConf, "ROOT", root))
	script := filepath.Join(t.TempDir(), "stou.py")
	if err := os.WriteFile(script, []byte(stouScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port))
	want := []string{"226 Transfer complete, stored as /incoming/new.txt.", "550 ", "226 Transfer complete, stored as /incoming/ftpsd."}
	got := lines(out)
	if len(got) != len(want) {
		t.Fatalf("ftplib output:\n%s\nwant lines starting %q", out, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("ftplib line %d: %q, want it to start with %q", i+1, got[i], w)
		}
	}
	in := filepath.Join(root, "incoming")
	for name, data := range map[string]string{"new.txt": "fresh\n", "ftpsd": "bare\n", "report.txt": "the old report\n"} {
		if b, err := os.ReadFile(filepath.Join(in, name)); err != nil || string(b) != data {
			t.Errorf("incoming/%s: %q, %v; want %q", name, b, err, data)
		}
	}
	entries, err := os.ReadDir(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "report.txt.") {
			t.Errorf("the refused STOU left incoming/%s", e.Name())
		}
	}
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("stopping ftpsd: %v", err)
	}
	log := confCheckCommandLog(t, filepath.Join(dir, "logs", "stou-command.log"), "alice-secret")
	confHas(t, "stou-command.log", log, "alice [127.0.0.1] STOU new.txt 226", "alice [127.0.0.1] STOU report.txt 550")
}

// hostTLSConf has three name-based hosts on one listener: secure.example
// (TLS, the first, where connections start), plain.example (no TLS) and
// strict.example (RequireSSL); ROOT is replaced.
const hostTLSConf = `Listen 127.0.0.1:0
<VirtualHost *:21>
  ServerName secure.example
  FTP On
  DocumentRoot ROOT/secure
  FTPBannerMessage "secure here"
  SSLEngine on
  SSLCertificateFile conf/server.crt
  SSLCertificateKeyFile conf/server.key
  <Directory ROOT/secure>
    AuthBasicProvider file
    AuthUserFile conf/htpasswd
  </Directory>
</VirtualHost>
<VirtualHost *:21>
  ServerName plain.example
  FTP On
  DocumentRoot ROOT/plain
  FTPBannerMessage "plain here"
  <Directory ROOT/plain>
    AuthBasicProvider file
    AuthUserFile conf/htpasswd
  </Directory>
</VirtualHost>
<VirtualHost *:21>
  ServerName strict.example
  FTP On
  DocumentRoot ROOT/strict
  FTPBannerMessage "strict here"
  FTPOptions RequireSSL
  SSLEngine on
  SSLCertificateFile ssl/server.crt
  SSLCertificateKeyFile ssl/server.key
  <Directory ROOT/strict>
    AuthBasicProvider file
    AuthUserFile conf/htpasswd
  </Directory>
</VirtualHost>
`

// hostTLSScript runs one ftplib session per case: the steps before HOST,
// HOST and its reply, then a login and the names of the files SIZE finds
// (each root holds one file named after its host).
const hostTLSScript = `
import ftplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def seen(f):
    # The files of the three roots that SIZE finds: which host serves.
    found = []
    for n in ("secure.txt", "plain.txt", "strict.txt"):
        try:
            f.size(n)
            found.append(n)
        except ftplib.error_perm:
            pass
    return " ".join(found)
def session(name, before, host):
    f = ftplib.FTP_TLS(context=ctx)
    f.connect(sys.argv[1], int(sys.argv[2]), timeout=20)
    for step in before:
        getattr(f, step)()
    try:
        r = f.sendcmd("HOST " + host)
    except ftplib.error_perm as e:
        r = str(e)
    try:
        f.sendcmd("USER alice")
        out = "login refused"
    except ftplib.error_perm as e:
        out = str(e)[:3]
    if out != "530":
        f.sendcmd("PASS alice-secret")
        out = seen(f)
    else:
        f.auth()
        f.login("alice", "alice-secret")
        out = "after AUTH: " + seen(f)
    print(name + " | " + r + " | " + out)
    f.quit()
session("tls-to-plain", ["auth", "prot_p"], "plain.example")
session("ccc-to-strict", ["auth", "ccc"], "strict.example")
session("clear-to-strict", [], "strict.example")
session("tls-to-strict", ["auth", "prot_p"], "strict.example")
session("clear-to-plain", [], "plain.example")
`

// TestConfigHOSTKeepsProtection: HOST naming a host that cannot keep the
// session's protection is refused with a reply saying why, and the session
// stays on its host; a HOST that loses nothing is accepted, and a RequireSSL
// host chosen before AUTH still wants AUTH TLS before USER (issue 21, item 3).
func TestConfigHOSTKeepsProtection(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "hosts")
	writeTree(t, root, map[string]string{"secure/secure.txt": "s\n", "plain/plain.txt": "p\n", "strict/strict.txt": "t\n"})
	s := startConfServer(t, dir, root, strings.ReplaceAll(hostTLSConf, "ROOT", root))
	script := filepath.Join(t.TempDir(), "host.py")
	if err := os.WriteFile(script, []byte(hostTLSScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port))
	want := []string{
		"tls-to-plain | 504 HOST refused: that host has no TLS, and this session is protected. | secure.txt",
		"ccc-to-strict | 530 HOST refused: that host requires TLS, which this connection can no longer have. | secure.txt",
		"clear-to-strict | 220 strict here | after AUTH: strict.txt",
		"tls-to-strict | 220 strict here | strict.txt",
		"clear-to-plain | 220 plain here | plain.txt",
	}
	if got := lines(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ftplib output:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
}
