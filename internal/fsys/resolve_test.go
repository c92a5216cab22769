package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestResolve(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(base, "root")
	for _, d := range []string{"pub", "private"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "private", "secret"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pub", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ link, target string }{
		{"pub/p", "../private"},
		{"pub/s", "../private/secret"},
		{"pub/abs", filepath.Join(root, "private")},
		{"pub/out", base},
		{"pub/dangling", "../private/new"},
	} {
		if err := os.Symlink(l.target, filepath.Join(root, l.link)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })

	for _, tc := range []struct {
		name, vpath, want string
		err               error
	}{
		{"root", "/", root, nil},
		{"plain file", "/private/secret", filepath.Join(root, "private/secret"), nil},
		{"dir link", "/pub/p", filepath.Join(root, "private"), nil},
		{"through dir link", "/pub/p/secret", filepath.Join(root, "private/secret"), nil},
		{"file link", "/pub/s", filepath.Join(root, "private/secret"), nil},
		{"absolute links are escapes, as for os.Root", "/pub/abs/secret", "", ErrEscape},
		{"new name through link", "/pub/p/new", filepath.Join(root, "private/new"), nil},
		{"dangling link: where a create through it lands", "/pub/dangling", filepath.Join(root, "private/new"), nil},
		{"fifo does not block", "/pub/fifo", filepath.Join(root, "pub/fifo"), nil},
		{"missing parent", "/nope/new", "", fs.ErrNotExist},
		{"link out of root", "/pub/out", "", ErrEscape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.Resolve(tc.vpath)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Resolve(%q) = %q, %v; want error %v", tc.vpath, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Resolve(%q) = %q, %v; want %q", tc.vpath, got, err, tc.want)
			}
		})
	}
}
