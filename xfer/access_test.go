package xfer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

// denyUnder refuses every path under a virtual prefix, and records what
// it was asked.
type denyUnder struct {
	prefix string
	asked  []string
}

func (d *denyUnder) Allow(verb, user, fsPath, vpath string) bool {
	d.asked = append(d.asked, verb+" "+user+" "+vpath)
	return !strings.HasPrefix(vpath, d.prefix)
}

// TestAccessCheck: both the path as named and the path with its links
// resolved must be allowed, so a link cannot lead around a rule.
func TestAccessCheck(t *testing.T) {
	f, dir := rootFS(t, map[string]string{"private/s": "x", "pub/a": "y"})
	if err := os.Symlink("../private", filepath.Join(dir, "pub", "p")); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want error
	}{
		{"/pub/a", nil},
		{"/pub/missing", nil},
		{"/private/s", ErrDenied},
		{"/pub/p/s", ErrDenied}, // allowed as named, denied once resolved
	} {
		az := &denyUnder{prefix: "/private"}
		a := &Access{Authorizer: az, User: "alice", View: f, Root: dir, RealRoot: real}
		if err := a.Check("RETR", tt.path); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("Check(RETR, %s) = %v, want %v (asked %q)", tt.path, err, tt.want, az.asked)
		}
	}
	var none *Access
	if err := none.Check("DELE", "/private/s"); err != nil {
		t.Errorf("a nil Access refused: %v", err)
	}
}

func TestHostPaths(t *testing.T) {
	fsPath, vpath := HostPaths("/srv/ftp", "/home/bob", "/docs/../a.txt")
	if fsPath != "/srv/ftp/home/bob/a.txt" || vpath != "/home/bob/a.txt" {
		t.Errorf("HostPaths = %q, %q", fsPath, vpath)
	}
}

// TestAccessSeesJail: a jailed view's paths are checked from the host's
// Root, through the prefix.
func TestAccessSeesJail(t *testing.T) {
	_, dir := rootFS(t, map[string]string{"home/bob/f": "x"})
	base, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	jail, err := base.Sub("/home/bob", fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer jail.Close()
	real, _ := filepath.EvalSymlinks(dir)
	az := &denyUnder{prefix: "/home/bob/f"}
	a := &Access{Authorizer: az, User: "bob", View: jail, Prefix: "/home/bob", Root: dir, RealRoot: real}
	if err := a.Check("RETR", "/f"); !errors.Is(err, ErrDenied) {
		t.Errorf("Check in a jail = %v, want ErrDenied (asked %q)", err, az.asked)
	}
}
