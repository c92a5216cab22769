package authz

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/config"
)

// load writes conf (with GROUPS standing for a group file that makes carol a writer) and
// returns its first effective server.
func load(t *testing.T, conf string) *config.Server {
	t.Helper()
	dir := t.TempDir()
	groups := filepath.Join(dir, "groups")
	if err := os.WriteFile(groups, []byte("writers: carol\nstaff: dave carol\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ftpsd.conf")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(conf, "GROUPS", groups)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c.Servers()[0]
}

// The typical mirror setup, with the outcomes internal/config's
// TestAccessAnonymousReadUsersWrite expects of Scope.Allows.
const mirror = `FTP On
DocumentRoot /srv/ftp
<Directory /srv/ftp>
  AuthType Basic
  AuthName ftp
  AuthBasicProvider anon file
  AuthGroupFile GROUPS
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
<Directory /srv/*/staff>
  Require group staff
</Directory>
<Location /incoming>
  <Limit STOR>
    Require valid-user
  </Limit>
</Location>
<Location /closed>
  Require all denied
</Location>
<Location /open>
  Require all granted
</Location>
`

func TestAllow(t *testing.T) {
	a, errs := Compile(load(t, mirror))
	if len(errs) != 0 || a == nil {
		t.Fatalf("Compile: %v, %v", a, errs)
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
		{"/srv/ftp/private/x", "/private/x", "QUIT", "anonymous", true},     // LimitExcept does not cover QUIT
		{"/srv/ftp/privateer/x", "/privateer/x", "RETR", "anonymous", true}, // component boundary
		{"/srv/ftp/incoming/up", "/incoming/up", "STOR", "anonymous", true}, // Location replaces the Require lines
		{"/srv/ftp/incoming/up", "/incoming/up", "STOR", "", false},
		{"/srv/ftp/staff/f", "/staff/f", "RETR", "dave", true}, // wildcard component
		{"/srv/ftp/staff/f", "/staff/f", "RETR", "alice", false},
		{"/srv/ftp/closed/f", "/closed/f", "RETR", "alice", false},
		{"/srv/ftp/open/f", "/open/f", "DELE", "", true},
		{"/elsewhere", "/../elsewhere", "STOR", "", true}, // outside every section
	}
	for _, tt := range tests {
		if got := a.Allow(tt.verb, tt.user, tt.fs, tt.virt); got != tt.want {
			t.Errorf("%s %s by %q: allowed %v, want %v", tt.verb, tt.virt, tt.user, got, tt.want)
		}
	}
}

// TestAllowMatchesAccess checks the compiled rules against the parser's own merge
// (Server.Access, then Scope.Allows) over every combination of a set of paths, verbs and
// users, so that the two cannot drift apart.
func TestAllowMatchesAccess(t *testing.T) {
	confs := map[string]string{
		"mirror": mirror,
		"server-level": `FTP On
DocumentRoot /srv/ftp
<Limit DELE>
  Require group staff
</Limit>
<Directory /srv>
  AuthGroupFile GROUPS
</Directory>
<Directory /srv/ftp/a>
  FTPUmask 007
</Directory>
<Directory /srv/ftp/a/b>
  <LimitExcept RETR LIST>
    Require user alice
  </LimitExcept>
</Directory>
<Directory /srv/ftp/[ab]*>
  Require valid-user
</Directory>
`,
	}
	paths := []string{"/", "/pub/a.txt", "/private", "/private/x", "/privateer/x", "/incoming/up",
		"/staff/f", "/closed/f", "/open/f", "/a", "/a/b/c", "/b", "/bcd/e", "/../x"}
	verbs := []string{"RETR", "STOR", "stor", "LIST", "DELE", "XMKD", "MKD", "QUIT", "XRMD", "SITE"}
	users := []string{"", "anonymous", "alice", "bob", "carol", "dave"}
	for name, conf := range confs {
		srv := load(t, conf)
		a, errs := Compile(srv)
		if len(errs) != 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		member := map[string]bool{"carol/writers": true, "dave/staff": true, "carol/staff": true}
		for _, virt := range paths {
			fs := "/srv/ftp" + virt
			for _, verb := range verbs {
				for _, user := range users {
					sc := srv.Access(fs, virt)
					var inGroup func(string) bool
					if sc.AuthGroupFile.Set {
						inGroup = func(g string) bool { return member[user+"/"+g] }
					}
					want := sc.Allows(verb, user, inGroup)
					if got := a.Allow(verb, user, fs, virt); got != want {
						t.Errorf("%s: %s %s by %q: compiled %v, Access says %v", name, verb, virt, user, got, want)
					}
				}
			}
		}
	}
}

func TestCompileWithoutRequire(t *testing.T) {
	a, errs := Compile(load(t, "FTP On\nDocumentRoot /srv\n<Directory /srv>\n  FTPUmask 007\n</Directory>\n"))
	if a != nil || len(errs) != 0 {
		t.Fatalf("no Require: got %v, %v; want nil, no error", a, errs)
	}
	// A nil *Authorizer allows, as a host without one does.
	if !a.Allow("STOR", "", "/srv/x", "/x") {
		t.Error("nil Authorizer refused")
	}
}

func TestCompileBadGroupFile(t *testing.T) {
	srv := load(t, "FTP On\nDocumentRoot /srv\n<Directory /srv>\n  AuthGroupFile /nonexistent/groups\n  Require group staff\n</Directory>\n")
	a, errs := Compile(srv)
	if len(errs) != 1 || errs[0].Pos.Line != 4 || !strings.HasPrefix(errs[0].Msg, "AuthGroupFile: ") || !errors.Is(errs[0], config.ErrValue) {
		t.Fatalf("errors %v", errs)
	}
	if a == nil || a.Allow("RETR", "alice", "/srv/x", "/x") {
		t.Error("a group from an unreadable file admitted alice")
	}
}

// BenchmarkAllow is the compiled check a worker runs per command and path;
// BenchmarkAccessAllows is what it replaced (the parser's merge, then its
// check), for comparison.
func BenchmarkAllow(b *testing.B) {
	a, _ := Compile(loadB(b))
	b.ReportAllocs()
	for b.Loop() {
		a.Allow("STOR", "carol", "/srv/ftp/pub/a/b/c.txt", "/pub/a/b/c.txt")
	}
}

func BenchmarkAccessAllows(b *testing.B) {
	srv := loadB(b)
	b.ReportAllocs()
	for b.Loop() {
		srv.Access("/srv/ftp/pub/a/b/c.txt", "/pub/a/b/c.txt").Allows("STOR", "carol", func(string) bool { return false })
	}
}

func loadB(b *testing.B) *config.Server {
	dir := b.TempDir()
	path := filepath.Join(dir, "ftpsd.conf")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(mirror, "AuthGroupFile GROUPS\n", "")), 0o600); err != nil {
		b.Fatal(err)
	}
	c, _, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	return c.Servers()[0]
}
