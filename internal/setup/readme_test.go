package setup

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ftpsd/ftpsd/internal/config"
)

// TestReadmeMatchesAccess: the compiled FTPReadmeMessage lookup gives, for
// every path, what the parser's own merge (Server.Access) gives.
func TestReadmeMatchesAccess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	abs := filepath.Join(dir, "motd")
	if err := os.WriteFile(abs, []byte("host file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := `FTP On
DocumentRoot /srv/ftp
FTPReadmeMessage "server's"
<Directory /srv/ftp/a/b>
  FTPReadmeMessage "a/b"
</Directory>
<Directory /srv/ftp/a>
  FTPReadmeMessage file:README
</Directory>
<Directory /srv/*/c>
  FTPReadmeMessage "wild c"
</Directory>
<Directory /srv/ftp/d>
  FTPUmask 007
</Directory>
<Location /a/b/loc>
  FTPReadmeMessage file:` + abs + `
</Location>
`
	p := filepath.Join(dir, "ftpsd.conf")
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	srv := c.Servers()[0]
	readme := readmeOf(srv)
	for _, virt := range []string{"/", "/a", "/a/x", "/a/b", "/a/b/c", "/a/b/loc", "/a/b/loc/deeper", "/c", "/c/x", "/d", "/ab", "/../x"} {
		fs := "/srv/ftp" + virt
		text, file := readme(fs, virt)
		m := srv.Access(fs, virt).FTPReadmeMessage
		want, wantFile := m.Value.Text, m.Value.File
		if filepath.IsAbs(wantFile) {
			want, wantFile = "host file", ""
		}
		if text != want || file != wantFile {
			t.Errorf("%s: readme (%q, %q), Access says (%q, %q)", virt, text, file, want, wantFile)
		}
	}
	if text, _ := readme("/srv/ftp/a/b", "/a/b"); text != "a/b" {
		t.Errorf("/a/b: %q, want the longer Directory's message", text)
	}
}
