package xfer

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStouAuthorizedByItsName: STOU is checked against the Authorizer for
// the name it creates, as named and with its links resolved, before the
// file exists; the name asked for being allowed is not enough (issue 21,
// item 2).
func TestStouAuthorizedByItsName(t *testing.T) {
	tests := []struct {
		name   string
		path   string // STOU's argument, joined to "/"
		deny   string // the Authorizer refuses virtual paths with this prefix
		denied bool
		stored string // the name stored under, when allowed
	}{
		{name: "generated name refused", path: "/pub/x", deny: "/pub/x.1", denied: true},
		{name: "generated name refused once resolved", path: "/pub/p/x", deny: "/private/x.1", denied: true},
		{name: "generated name allowed", path: "/pub/x", deny: "/pub/x.2", stored: "/pub/x.1"},
		{name: "free name allowed as asked", path: "/pub/new", deny: "/pub/new.1", stored: "/pub/new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := rootFS(t, map[string]string{"pub/x": "old", "private/x": "old"})
			if err := os.Symlink("../private", filepath.Join(dir, "pub", "p")); err != nil {
				t.Fatal(err)
			}
			real, err := filepath.EvalSymlinks(dir)
			if err != nil {
				t.Fatal(err)
			}
			az := &denyUnder{prefix: tt.deny}
			d, dial := passive(t)
			tr := &Transfer{Op: Stou, FS: f, Path: tt.path, Verb: "STOU", Data: d,
				Access: &Access{Authorizer: az, User: "alice", View: f, Root: dir, RealRoot: real}}
			if !tt.denied {
				go func() {
					if c := dial(); c != nil {
						_, _ = io.WriteString(c, "new")
						c.Close()
					}
				}()
			}
			o := tr.Run(context.Background(), &progress{})
			if tt.denied {
				if o.Kind != Denied {
					t.Fatalf("outcome %v (%v), want Denied (asked %q)", o.Kind, o.Err, az.asked)
				}
				for _, p := range []string{"pub/x.1", "private/x.1"} {
					if _, err := os.Lstat(filepath.Join(dir, p)); !os.IsNotExist(err) {
						t.Errorf("a refused STOU made %s: %v", p, err)
					}
				}
				if _, err := d.Passive.Accept(time.Now().Add(time.Second)); err == nil {
					t.Error("the passive listener still accepts after a refused STOU")
				}
				return
			}
			if o.Kind != StoredAs || o.Name != tt.stored {
				t.Fatalf("outcome %v %q (%v), want StoredAs %q (asked %q)", o.Kind, o.Name, o.Err, tt.stored, az.asked)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tt.stored))); string(b) != "new" {
				t.Errorf("%s holds %q, want the upload", tt.stored, b)
			}
			found := false
			for _, q := range az.asked {
				found = found || strings.HasSuffix(q, " "+tt.stored)
			}
			if !found {
				t.Errorf("the Authorizer was not asked about %s: %q", tt.stored, az.asked)
			}
		})
	}
}
