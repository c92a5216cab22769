package fsys

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// procUmask is the process umask, read once before any test runs; it applies
// on top of the FS umask.
var procUmask fs.FileMode

func TestMain(m *testing.M) {
	old := syscall.Umask(0)
	syscall.Umask(old)
	procUmask = fs.FileMode(old)
	os.Exit(m.Run())
}

// fixture is a document root with links inside and out, and the directory the
// outward links point at.
type fixture struct {
	fs            *FS
	root, outside string
}

func newFixture(t *testing.T, o Options) *fixture {
	t.Helper()
	root, outside := t.TempDir(), t.TempDir()
	outRel, err := filepath.Rel(root, outside)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(outside, "secret.txt"), "secret")
	mustWrite(t, filepath.Join(root, "file.txt"), "hello")
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "dir", "inner.txt"), "inner")
	for link, target := range map[string]string{
		"in-link":      "file.txt",
		"in-dirlink":   "dir",
		"out-abs":      outside,
		"out-rel":      outRel,
		"out-file-abs": filepath.Join(outside, "secret.txt"),
		"out-file-rel": filepath.Join(outRel, "secret.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(root, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &fixture{fs: f, root: root, outside: outside}
}

func mustWrite(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readHost(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEscapeRefused(t *testing.T) {
	fx := newFixture(t, Options{})
	if errRootEscape == nil {
		t.Fatal("os.Root's escape error was not captured")
	}
	outBase := "/" + filepath.Base(fx.outside)
	// Each prefix names the outside directory by a route that must be refused.
	prefixes := []struct{ name, dir string }{
		{"dotdot", "/.." + outBase},
		{"dotdot inside", "/dir/../.." + outBase},
		{"absolute symlink", "/out-abs"},
		{"relative symlink", "/out-rel"},
	}
	ops := []struct {
		name string
		do   func(f *FS, dir string) error
	}{
		{"Open", func(f *FS, dir string) error { _, err := f.Open(dir + "/secret.txt"); return err }},
		{"Stat", func(f *FS, dir string) error { _, err := f.Stat(dir + "/secret.txt"); return err }},
		{"OpenDir", func(f *FS, dir string) error { _, err := f.OpenDir(dir); return err }},
		{"CreateUpload", func(f *FS, dir string) error { _, err := f.CreateUpload(dir+"/new", UploadReplace, 0); return err }},
		{"CreateUpload append", func(f *FS, dir string) error {
			_, err := f.CreateUpload(dir+"/secret.txt", UploadAppend, 0)
			return err
		}},
		{"Rename to", func(f *FS, dir string) error { return f.Rename("/dir/inner.txt", dir+"/moved") }},
		{"Rename from", func(f *FS, dir string) error { return f.Rename(dir+"/secret.txt", "/stolen") }},
		{"Mkdir", func(f *FS, dir string) error { return f.Mkdir(dir + "/new") }},
		{"Remove", func(f *FS, dir string) error { return f.Remove(dir + "/secret.txt") }},
		{"Chmod", func(f *FS, dir string) error { return f.Chmod(dir+"/secret.txt", 0o777) }},
	}
	for _, p := range prefixes {
		for _, op := range ops {
			t.Run(p.name+"/"+op.name, func(t *testing.T) {
				if err := op.do(fx.fs, p.dir); !errors.Is(err, ErrEscape) {
					t.Fatalf("err = %v, want ErrEscape", err)
				}
			})
		}
	}
	// A link to a file outside is refused when followed, not when examined.
	for _, link := range []string{"/out-file-abs", "/out-file-rel"} {
		t.Run("file link "+link, func(t *testing.T) {
			if _, err := fx.fs.Open(link); !errors.Is(err, ErrEscape) {
				t.Errorf("Open: err = %v, want ErrEscape", err)
			}
			if _, err := fx.fs.Stat(link); !errors.Is(err, ErrEscape) {
				t.Errorf("Stat: err = %v, want ErrEscape", err)
			}
			if _, err := fx.fs.CreateUpload(link, UploadReplace, 0); !errors.Is(err, ErrEscape) {
				t.Errorf("CreateUpload: err = %v, want ErrEscape", err)
			}
			if fi, err := fx.fs.Lstat(link); err != nil || fi.Mode().Type() != fs.ModeSymlink {
				t.Errorf("Lstat = %v, %v; want a symlink", fi, err)
			}
		})
	}
	entries, err := os.ReadDir(fx.outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || readHost(t, filepath.Join(fx.outside, "secret.txt")) != "secret" {
		t.Errorf("outside directory changed: %v", entries)
	}
}

func TestSymlinkInside(t *testing.T) {
	fx := newFixture(t, Options{})
	fi, err := fx.fs.Stat("/in-link")
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("Stat(/in-link) = %v, %v; want a regular file", fi, err)
	}
	f, err := fx.fs.Open("/in-link")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Errorf("read %q through the link, want %q", b, "hello")
	}
	d, err := fx.fs.OpenDir("/in-dirlink")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	if len(names) != 1 || names[0] != "inner.txt" {
		t.Errorf("entries through the dir link = %v", names)
	}
	if target, err := fx.fs.Readlink("/in-link"); err != nil || target != "file.txt" {
		t.Errorf("Readlink = %q, %v", target, err)
	}
	if fi, err := fx.fs.Stat("/dir/../file.txt"); err != nil || fi.Size() != 5 {
		t.Errorf("Stat(/dir/../file.txt) = %v, %v", fi, err)
	}
}

func TestErrorClasses(t *testing.T) {
	fx := newFixture(t, Options{})
	if err := syscall.Mkfifo(filepath.Join(fx.root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		do   func(f *FS) error
		want error
	}{
		{"stat missing", func(f *FS) error { _, err := f.Stat("/nope"); return err }, ErrNotFound},
		{"open dir", func(f *FS) error { _, err := f.Open("/dir"); return err }, ErrIsDir},
		{"open fifo", func(f *FS) error { _, err := f.Open("/fifo"); return err }, ErrNotRegular},
		{"open below file", func(f *FS) error { _, err := f.Open("/file.txt/x"); return err }, ErrNotDir},
		{"opendir file", func(f *FS) error { _, err := f.OpenDir("/file.txt"); return err }, ErrNotDir},
		{"mkdir existing", func(f *FS) error { return f.Mkdir("/dir") }, ErrExist},
		{"mkdir no parent", func(f *FS) error { return f.Mkdir("/a/b") }, ErrNotFound},
		{"remove dir", func(f *FS) error { return f.Remove("/dir") }, ErrIsDir},
		{"remove missing", func(f *FS) error { return f.Remove("/nope") }, ErrNotFound},
		{"rmdir file", func(f *FS) error { return f.RemoveDir("/file.txt") }, ErrNotDir},
		{"rmdir not empty", func(f *FS) error { return f.RemoveDir("/dir") }, ErrExist},
		{"rmdir root", func(f *FS) error { return f.RemoveDir("/") }, ErrPermission},
		{"rename root", func(f *FS) error { return f.Rename("/", "/x") }, ErrPermission},
		{"upload onto dir", func(f *FS) error { _, err := f.CreateUpload("/dir", UploadReplace, 0); return err }, ErrIsDir},
		{"upload root", func(f *FS) error { _, err := f.CreateUpload("/", UploadUnique, 0); return err }, ErrIsDir},
		{"upload fifo", func(f *FS) error { _, err := f.CreateUpload("/fifo", UploadAppend, 0); return err }, ErrNotRegular},
		{"upload no parent", func(f *FS) error { _, err := f.CreateUpload("/a/b", UploadReplace, 0); return err }, ErrNotFound},
		{"offset on replace", func(f *FS) error { _, err := f.CreateUpload("/file.txt", UploadReplace, 1); return err }, ErrBadOffset},
		{"resume missing", func(f *FS) error { _, err := f.CreateUpload("/nope", UploadResume, 1); return err }, ErrNotFound},
		{"resume past end", func(f *FS) error { _, err := f.CreateUpload("/file.txt", UploadResume, 6); return err }, ErrBadOffset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do(fx.fs)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if len(err.Error()) < 6 || err.Error()[:6] != "fsys: " {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	// The io/fs sentinels keep working for callers that only know them.
	if _, err := fx.fs.Stat("/nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat missing: %v does not match fs.ErrNotExist", err)
	}
}

func TestUmask(t *testing.T) {
	tests := []struct {
		name              string
		o                 Options
		wantFile, wantDir fs.FileMode
	}{
		{"default", Options{}, 0o644, 0o755},
		{"default ignores fields", Options{FileUmask: 0o777, DirUmask: 0o777}, 0o644, 0o755},
		{"zero umask", Options{SetUmask: true}, 0o666, 0o777},
		{"027 and 077", Options{SetUmask: true, FileUmask: 0o027, DirUmask: 0o077}, 0o640, 0o700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, tt.o)
			if got := tt.o.FilePerm(); got != tt.wantFile {
				t.Errorf("FilePerm = %o, want %o", got, tt.wantFile)
			}
			if got := tt.o.DirPerm(); got != tt.wantDir {
				t.Errorf("DirPerm = %o, want %o", got, tt.wantDir)
			}
			for i, mode := range []UploadMode{UploadReplace, UploadAppend, UploadUnique} {
				name := "/up" + mode.String()
				u, err := fx.fs.CreateUpload(name, mode, 0)
				if err != nil {
					t.Fatal(err)
				}
				if err := u.Commit(); err != nil {
					t.Fatal(err)
				}
				fi, err := os.Stat(filepath.Join(fx.root, name))
				if err != nil {
					t.Fatal(err)
				}
				if want := tt.wantFile &^ procUmask; fi.Mode().Perm() != want {
					t.Errorf("case %d %v: file mode %o, want %o", i, mode, fi.Mode().Perm(), want)
				}
			}
			if err := fx.fs.Mkdir("/newdir"); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(filepath.Join(fx.root, "newdir"))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.wantDir &^ procUmask; fi.Mode().Perm() != want {
				t.Errorf("dir mode %o, want %o", fi.Mode().Perm(), want)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	fx := newFixture(t, Options{ReadOnly: true})
	sub, err := fx.fs.Sub("/dir", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for _, f := range []*FS{fx.fs, sub} {
		ops := []struct {
			name string
			do   func() error
		}{
			{"Mkdir", func() error { return f.Mkdir("/x") }},
			{"Remove", func() error { return f.Remove("/file.txt") }},
			{"RemoveDir", func() error { return f.RemoveDir("/dir") }},
			{"Rename", func() error { return f.Rename("/file.txt", "/y") }},
			{"Chmod", func() error { return f.Chmod("/file.txt", 0o600) }},
			{"Chtimes", func() error { return f.Chtimes("/file.txt", time.Now()) }},
			{"CreateUpload", func() error { _, err := f.CreateUpload("/z", UploadReplace, 0); return err }},
			{"CreateUpload append", func() error { _, err := f.CreateUpload("/file.txt", UploadAppend, 0); return err }},
		}
		for _, op := range ops {
			t.Run(f.Dir()+"/"+op.name, func(t *testing.T) {
				if err := op.do(); !errors.Is(err, ErrReadOnly) {
					t.Fatalf("err = %v, want ErrReadOnly", err)
				}
			})
		}
	}
	f, err := fx.fs.Open("/file.txt")
	if err != nil {
		t.Fatalf("reading a read-only FS: %v", err)
	}
	f.Close()
	if readHost(t, filepath.Join(fx.root, "file.txt")) != "hello" {
		t.Error("file changed on a read-only FS")
	}
}

func TestSub(t *testing.T) {
	fx := newFixture(t, Options{})
	sub, err := fx.fs.Sub("/dir", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if fi, err := sub.Stat("/inner.txt"); err != nil || fi.Size() != 5 {
		t.Errorf("Stat(/inner.txt) = %v, %v", fi, err)
	}
	if _, err := sub.Stat("/../file.txt"); !errors.Is(err, ErrEscape) {
		t.Errorf("Stat(/../file.txt) in a sub FS: err = %v, want ErrEscape", err)
	}
	if _, err := fx.fs.Sub("/out-abs", Options{}); !errors.Is(err, ErrEscape) {
		t.Errorf("Sub through an outward link: err = %v, want ErrEscape", err)
	}
}

func TestMutations(t *testing.T) {
	fx := newFixture(t, Options{})
	f := fx.fs
	if err := f.Rename("/file.txt", "/dir/moved.txt"); err != nil {
		t.Fatal(err)
	}
	if readHost(t, filepath.Join(fx.root, "dir", "moved.txt")) != "hello" {
		t.Error("Rename lost the content")
	}
	if err := f.Chmod("/dir/moved.txt", 0o4755); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(fx.root, "dir", "moved.txt")); fi.Mode() != 0o755 {
		t.Errorf("Chmod gave %v, want -rwxr-xr-x without setuid", fi.Mode())
	}
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := f.Chtimes("/dir/moved.txt", mtime); err != nil {
		t.Fatal(err)
	}
	if fi, _ := f.Stat("/dir/moved.txt"); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime = %v, want %v", fi.ModTime(), mtime)
	}
	if err := f.Remove("/dir/moved.txt"); err != nil {
		t.Fatal(err)
	}
	if err := f.Remove("/in-dirlink"); err != nil {
		t.Fatalf("removing a link to a directory: %v", err)
	}
	if err := f.Mkdir("/dir/sub"); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveDir("/dir/sub"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(fx.root, "dir", "sub")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RemoveDir left the directory: %v", err)
	}
}

func TestIsTemp(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"generated", tempName("."), true},
		{"generated in dir", filepath.Base(tempName("a/b")), true},
		{"bare affixes", ".ftpsd-.part", false},
		{"no suffix", ".ftpsd-0123", false},
		{"no prefix", "x.part", false},
		{"plain", "file.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemp(tt.in); got != tt.want {
				t.Errorf("IsTemp(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
